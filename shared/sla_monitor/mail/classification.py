"""The first classification of a message: complaint, service request, enquiry, compliment or
comment.

Two passes, each of which can say why. First the phrase rules a council edits in
`config/classification.yaml`: ordered, first match wins, and the reason names the rule and the
words that matched. Then the learned model (`learned.py`), which reads every message: where no
rule matched it gives the type, with its score; and whatever gave the type, when the model finds
a complaint likely enough, the case is a *possible complaint*. A possible complaint is timed by
the complaint promises until staff confirm or correct it, because a missed complaint is worse
than a reclassified request (the council's own rule: "When unsure, treat it as a possible
complaint").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from sla_monitor.cases import CaseType
from sla_monitor.mail.learned import LearnedModel

Place = Literal["subject", "body"]

_SPACES = re.compile(r"\s+")
# Curly quotes become straight ones so a rule written with "didn't" matches what phones type.
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
# Long messages are mostly quoted history and signatures; the opening says what it is about.
_BODY_CHARACTERS_READ = 5_000


class ClassificationRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    case_type: CaseType
    look_in: tuple[Place, ...] = ("subject", "body")
    phrases: tuple[str, ...] = Field(min_length=1)
    _patterns: tuple[re.Pattern[str], ...] = PrivateAttr(default=())

    @field_validator("phrases")
    @classmethod
    def _phrases_compile(cls, phrases: tuple[str, ...]) -> tuple[str, ...]:
        for phrase in phrases:
            try:
                re.compile(phrase)
            except re.error as error:
                raise ValueError(f"phrase {phrase!r} is not a valid pattern: {error}") from error
        return phrases

    def model_post_init(self, context: object, /) -> None:
        self._patterns = tuple(
            re.compile(rf"(?<!\w)(?:{phrase})(?!\w)", re.IGNORECASE) for phrase in self.phrases
        )

    def first_match(self, text: str) -> str | None:
        for pattern in self._patterns:
            match = pattern.search(text)
            if match:
                return match.group(0)
        return None


class ClassificationRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default: CaseType = CaseType.ENQUIRY
    rules: tuple[ClassificationRule, ...] = ()


@dataclass(frozen=True)
class Classification:
    case_type: CaseType
    reason: str
    rule: str | None = None  # the rule's name; safe to log, unlike the words that matched
    # Unsure whether it is a complaint: timed as one (`case_type` is complaint) until staff
    # confirm the type; `suggested_type` is what it looked like otherwise.
    possible_complaint: bool = False
    suggested_type: CaseType | None = None
    complaint_score: float | None = None  # the model's probability of a complaint


def _normalise(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_QUOTES)).strip()


def classify(
    subject: str, body: str, rules: ClassificationRules, model: LearnedModel | None = None
) -> Classification:
    """The case type this subject and body are given, with the reason: by the rules, then by
    the model, and a possible complaint where the model finds a complaint likely enough."""
    by_rule = classify_by_rules(subject, body, rules)
    if model is None:
        return by_rule
    scores = model.scores(subject, body)
    if scores.known_features == 0:
        # Nothing the model has seen before: its answer would be no more than its priors.
        return by_rule
    complaint = scores.of(CaseType.COMPLAINT)
    if by_rule.rule is not None:
        if by_rule.case_type is CaseType.COMPLAINT or complaint < model.possible_complaint_at:
            return by_rule
        return _possible_complaint(by_rule.case_type, complaint, f"{by_rule.reason}, but ")
    best, probability = scores.best
    if best is CaseType.COMPLAINT and complaint >= model.complaint_at:
        return Classification(
            case_type=CaseType.COMPLAINT,
            reason=f"model: complaint, score {complaint:.2f}",
            complaint_score=complaint,
        )
    if complaint >= model.possible_complaint_at:
        suggested = best if best is not CaseType.COMPLAINT else scores.ranked[1][0]
        return _possible_complaint(suggested, complaint, "")
    return Classification(
        case_type=best,
        reason=f"model: {best.label}, score {probability:.2f} (complaint {complaint:.2f})",
        complaint_score=complaint,
    )


def _possible_complaint(suggested: CaseType, score: float, before: str) -> Classification:
    return Classification(
        case_type=CaseType.COMPLAINT,
        reason=(
            f"{before}model: possible complaint, score {score:.2f} (else {suggested.label}); "
            "timed as a complaint until staff confirm"
        ),
        possible_complaint=True,
        suggested_type=suggested,
        complaint_score=score,
    )


def classify_by_rules(subject: str, body: str, rules: ClassificationRules) -> Classification:
    """The case type the rules give this subject and body, with the reason."""
    places: dict[Place, str] = {
        "subject": _normalise(subject),
        "body": _normalise(body[:_BODY_CHARACTERS_READ]),
    }
    for rule in rules.rules:
        for place in rule.look_in:
            matched = rule.first_match(places[place])
            if matched is not None:
                return Classification(
                    case_type=rule.case_type,
                    reason=f"{place} matched '{matched}' (rule: {rule.name})",
                    rule=rule.name,
                )
    return Classification(
        case_type=rules.default, reason=f"no rule matched: {rules.default.label} by default"
    )


def parse_classification_rules(text: str) -> ClassificationRules:
    import yaml  # with the first rules read, not with the module

    return ClassificationRules.model_validate(yaml.safe_load(text) or {})


def load_classification_file(path: Path) -> ClassificationRules:
    return parse_classification_rules(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def load_classification_rules() -> ClassificationRules:
    """The rules shipped with the product (`config/classification.yaml`)."""
    text = resources.files("sla_monitor").joinpath("config/classification.yaml").read_text("utf-8")
    return parse_classification_rules(text)
