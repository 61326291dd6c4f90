"""The learned part of the first classification: a linear model over words, applied in plain
Python from a small JSON file of weights.

The weights are trained with scikit-learn (`sla-monitor classifier train`, a development
dependency): TF-IDF over the features below, then multinomial logistic regression. Applying them
takes a dictionary look-up per feature, a dot product and a softmax, so the Lambda layer carries
no numpy or scipy and nothing is fetched at run time. `features` is the one definition of what
the model sees: training hands it to scikit-learn as the analyser, so the two cannot drift.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from sla_monitor.cases import CaseType

WEIGHTS_FORMAT = 1
# Long messages are mostly quoted history and signatures; the opening says what it is about.
BODY_CHARACTERS_READ = 5_000
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _words(text: str) -> list[str]:
    return _WORD.findall(text.translate(_QUOTES).lower())


# Cues for what the council's definitions turn on: the council's own people or service named,
# a failure or a repeat ("still", "again", "third time"), a question, thanks, a suggestion.
_CUES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "council": r"\b(you|your|you've|you're|yours|council|staff|crew|crews|officer|officers|"
        r"contractors?|team|department|warden|operative|driver|surveyor|plumber|workers?)\b",
        "failure": r"\b(again|still|never|nobody|no one|no-one|nothing|ignored|unanswered|promised|"
        r"told|said|chasing|chased|rude|wrong|mistake|lost|damaged|broke|charged|refused|unfair|"
        r"unacceptable|disgusted|appalling|terrible|poor|fed up|not good enough|hung up|"
        r"left|drove off|didn't|did not|haven't|hasn't|no response|no reply|waiting|weeks|"
        r"months)\b",
        "repeat": r"\b(again|second|third|fourth|fifth|\d+ times|times|every time|keeps|"
        r"each time|repeatedly|still)\b",
        "question": r"(\?|^(how|what|when|where|which|who|is|are|do|does|can i|could you tell|"
        r"will)\b)",
        "thanks": r"\b(thank|thanks|thank you|diolch|well done|brilliant|great|excellent|fantastic|"
        r"outstanding|compliment|praise|appreciated|lovely|stunning|kind|helpful)\b",
        "suggestion": r"\b(suggest|suggestion|idea|would be|could the council|i think|my view|"
        r"comment|comments|feedback|just a thought|it would|would like to see|why not)\b",
        "please": r"\b(please|pls|can someone|could someone|can you|could you|can it|can we|"
        r"could it|would you)\b",
    }.items()
}


def _cues(text: str) -> list[str]:
    found = [name for name, pattern in _CUES.items() if pattern.search(text)]
    pairs = [f"{a}+{b}" for i, a in enumerate(found) for b in found[i + 1 :]]
    return [f"x:{cue}" for cue in (*found, *pairs)]


def features(subject: str, body: str) -> list[str]:
    """What the model reads of a message: words and word pairs of subject and body together,
    the subject's words again on their own, and the cues above."""
    subject_words = _words(subject)
    text = body[:BODY_CHARACTERS_READ]
    words = [*subject_words, *_words(text)]
    found = [f"w:{w}" for w in words]
    found.extend(_cues(f"{subject}\n{text}".translate(_QUOTES).lower()))
    found.extend(f"p:{a} {b}" for a, b in itertools.pairwise(words))
    found.extend(f"s:{w}" for w in subject_words)
    return found


@dataclass(frozen=True)
class Scores:
    """The model's probability for each case type, highest first."""

    ranked: tuple[tuple[CaseType, float], ...]
    known_features: int = 0  # how many of the message's features the model has weights for

    @property
    def best(self) -> tuple[CaseType, float]:
        return self.ranked[0]

    def of(self, case_type: CaseType) -> float:
        return next((p for t, p in self.ranked if t is case_type), 0.0)


@dataclass(frozen=True)
class LearnedModel:
    classes: tuple[CaseType, ...]
    # feature -> (idf, weight for each class)
    weights: dict[str, tuple[float, tuple[float, ...]]]
    intercepts: tuple[float, ...]
    # At or above this probability of a complaint, a message is a possible complaint for staff
    # to confirm, whatever else it looks most like.
    possible_complaint_at: float
    # At or above this (and the most likely type), a complaint needs no confirming.
    complaint_at: float
    trained: dict[str, Any]

    def scores(self, subject: str, body: str) -> Scores:
        counts = Counter(f for f in features(subject, body) if f in self.weights)
        # Sublinear TF-IDF, normalised to unit length, as scikit-learn's TfidfVectorizer makes.
        values = {f: (1.0 + math.log(n)) * self.weights[f][0] for f, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        logits = list(self.intercepts)
        for feature, value in values.items():
            for index, weight in enumerate(self.weights[feature][1]):
                logits[index] += weight * value / norm
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        ranked = sorted(
            zip(self.classes, (e / total for e in exps), strict=True),
            key=lambda pair: pair[1],
            reverse=True,
        )
        return Scores(tuple(ranked), known_features=len(counts))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": WEIGHTS_FORMAT,
            "classes": [c.value for c in self.classes],
            "intercepts": list(self.intercepts),
            "possible_complaint_at": self.possible_complaint_at,
            "complaint_at": self.complaint_at,
            "trained": self.trained,
            "features": {f: [idf, *w] for f, (idf, w) in sorted(self.weights.items())},
        }


class WeightsError(ValueError):
    """The weights file cannot be used; the message says why."""


def parse_weights(data: Any) -> LearnedModel:
    if not isinstance(data, dict) or data.get("format") != WEIGHTS_FORMAT:
        raise WeightsError(f"not a weights file of format {WEIGHTS_FORMAT}")
    try:
        classes = tuple(CaseType(c) for c in data["classes"])
        width = len(classes)
        weights: dict[str, tuple[float, tuple[float, ...]]] = {}
        for feature, row in data["features"].items():
            if len(row) != width + 1:
                raise WeightsError(f"feature {feature!r} has {len(row) - 1} weights, not {width}")
            weights[str(feature)] = (float(row[0]), tuple(float(w) for w in row[1:]))
        intercepts = tuple(float(b) for b in data["intercepts"])
        if len(intercepts) != width or CaseType.COMPLAINT not in classes:
            raise WeightsError("the weights must cover complaints, with one intercept a type")
        return LearnedModel(
            classes=classes,
            weights=weights,
            intercepts=intercepts,
            possible_complaint_at=float(data["possible_complaint_at"]),
            complaint_at=float(data["complaint_at"]),
            trained=dict(data.get("trained") or {}),
        )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, WeightsError):
            raise
        raise WeightsError(f"the weights file is not valid: {error!r}") from error


def load_weights_file(path: Path) -> LearnedModel:
    return parse_weights(json.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def load_learned_model() -> LearnedModel:
    """The weights shipped with the product (`config/classifier-weights.json`)."""
    text = (
        resources.files("sla_monitor").joinpath("config/classifier-weights.json").read_text("utf-8")
    )
    return parse_weights(json.loads(text))
