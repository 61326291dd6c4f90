"""The first classification of a message: complaint, service request, enquiry, compliment or
comment, from rules a council edits in `config/classification.yaml`.

Deliberately plain: ordered phrase rules, first match wins, and the reason names the rule and
the words that matched, so anyone can see why a case got its type and staff can correct it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from sla_monitor.cases import CaseType

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


def _normalise(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_QUOTES)).strip()


def classify(subject: str, body: str, rules: ClassificationRules) -> Classification:
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
    return ClassificationRules.model_validate(yaml.safe_load(text) or {})


def load_classification_file(path: Path) -> ClassificationRules:
    return parse_classification_rules(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def load_classification_rules() -> ClassificationRules:
    """The rules shipped with the product (`config/classification.yaml`)."""
    text = resources.files("sla_monitor").joinpath("config/classification.yaml").read_text("utf-8")
    return parse_classification_rules(text)
