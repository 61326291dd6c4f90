"""The SLA policy: which clocks run for which cases, read from a YAML file, not from code."""

from __future__ import annotations

import hashlib
from datetime import time
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sla_monitor.cases import Case, CaseType, Channel
from sla_monitor.policy_terms import PromiseKind, Role, StartsFrom


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HoldingUpdate(_Strict):
    expect_reply_within: int = Field(ge=1, le=60)


class Promise(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str
    source: str = ""
    kind: PromiseKind
    case_types: tuple[CaseType, ...] = ()
    channels: tuple[Channel, ...] = ()
    within: int | None = Field(default=None, ge=0, le=250)
    every: int | None = Field(default=None, ge=1, le=250)
    starts_from: StartsFrom = Field(default=StartsFrom.RECEIVED, alias="from")
    pausable: bool = False
    warn_before: tuple[int, ...] = ()
    holding_update: HoldingUpdate | None = None
    escalate_to: tuple[Role, ...] = ()
    # Stage 1 runs from the case's arrival; stage 2 from the customer's request for a review.
    stage: int = Field(default=1, ge=1, le=2)
    # The most working days one extension of a response may add (the national Complaint
    # Handling Code: 10 at stage 1, 20 at stage 2).
    max_extension: int = Field(default=10, ge=0, le=60)
    # Appointments: an officer there within this many minutes of the start kept it on time.
    late_after_minutes: int = Field(default=10, ge=0, le=240)
    # Call-backs: the owner is warned this many minutes before the time promised.
    warn_minutes_before: tuple[int, ...] = ()

    @model_validator(mode="after")
    def _complete_for_its_kind(self) -> Self:
        kind = self.kind
        if kind is PromiseKind.PROMISED_DATE:
            raise ValueError(f"{self.name}: promised_date clocks come from holding updates")
        if kind is PromiseKind.REMEDY:
            raise ValueError(f"{self.name}: remedy clocks come from formal responses")
        if kind is PromiseKind.PROGRESS_UPDATE:
            if self.every is None:
                raise ValueError(f"{self.name}: a progress_update promise needs 'every'")
        elif kind in _TIMED_BY_THE_MINUTE:
            if self.within is not None or self.every is not None or self.warn_before:
                raise ValueError(
                    f"{self.name}: a {kind.value} promise is timed by the time given, "
                    "not in working days"
                )
        elif kind is not PromiseKind.HANDOVER and self.within is None:
            raise ValueError(f"{self.name}: a {kind.value} promise needs 'within'")
        if kind in (PromiseKind.ESCALATION, PromiseKind.HANDOVER) and not self.escalate_to:
            raise ValueError(f"{self.name}: a {kind.value} promise needs 'escalate_to'")
        if self.holding_update and kind is not PromiseKind.RESPONSE:
            raise ValueError(f"{self.name}: only a response promise can send a holding update")
        if self.warn_minutes_before and kind is not PromiseKind.CALL_BACK:
            raise ValueError(f"{self.name}: only a call_back promise warns in minutes")
        if any(w < 1 for w in (*self.warn_before, *self.warn_minutes_before)):
            raise ValueError(f"{self.name}: warn_before counts working days, 1 or more")
        if self.within is not None and any(w >= self.within for w in self.warn_before):
            raise ValueError(f"{self.name}: a warning must come before the promise is due")
        return self

    def applies_to(self, case: Case) -> bool:
        # An appointment or a call-back promise applies once the case has been given one.
        if self.kind is PromiseKind.APPOINTMENT and not case.appointments:
            return False
        if self.kind is PromiseKind.CALL_BACK and not case.call_backs:
            return False
        return (not self.case_types or case.case_type in self.case_types) and (
            not self.channels or case.channel in self.channels
        )


# Promises timed by a time of day the council gave the customer, not by working days.
_TIMED_BY_THE_MINUTE = (PromiseKind.APPOINTMENT, PromiseKind.CALL_BACK)


class Policy(_Strict):
    declared_version: str = Field(alias="version")
    customer_updates_sent_at: time = time(14, 0)
    # A customer writing within this many working days of a complaint's stage 1 response is
    # put to the owner as a possible stage 2 request; a later reply reopens the case.
    stage_2_request_window: int = Field(default=20, ge=0, le=250)
    # An extension is agreed before the deadline it moves. A council whose policy lets staff
    # extend a deadline already missed sets this: the extension then gives the customer a new
    # date, and the breach still counts in every report.
    late_extensions: bool = False
    # The Complaint Handling Code wants stage 2 reviewed by someone not involved in stage 1.
    # The Head of Service was handed the complaint at stage 1, so by default they may not
    # review it; a council whose Heads of Service review their own department's stage 2 sets
    # this.
    stage_2_by_head_of_service: bool = False
    promises: tuple[Promise, ...]
    fingerprint: str = ""
    # The file as written, so the version can be kept and a later policy compared with it.
    source: str = Field(default="", repr=False, exclude=True)

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        names = [p.name for p in self.promises]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"promise names must be unique: {', '.join(duplicates)}")
        return self

    @property
    def version(self) -> str:
        """The declared version and a fingerprint of the content, so an edit that forgot to
        bump the version is still told apart."""
        return (
            f"{self.declared_version}+{self.fingerprint}"
            if self.fingerprint
            else (self.declared_version)
        )

    def promises_for(self, case: Case) -> tuple[Promise, ...]:
        """The promises that apply to the case, stage 2's only once it has reached stage 2."""
        return tuple(p for p in self.promises if p.stage <= case.stage and p.applies_to(case))

    def response_promise(self, case: Case, stage: int | None = None) -> Promise | None:
        """The response promise of the case's current stage (or of `stage`)."""
        wanted = stage or case.stage
        return next(
            (
                p
                for p in self.promises
                if p.kind is PromiseKind.RESPONSE and p.stage == wanted and p.applies_to(case)
            ),
            None,
        )

    def promise_of_kind(self, kind: PromiseKind) -> Promise | None:
        """The policy's one promise of a kind timed by the minute (appointments, call-backs)."""
        return next((p for p in self.promises if p.kind is kind), None)

    def promise(self, name: str) -> Promise:
        for p in self.promises:
            if p.name == name:
                return p
        raise KeyError(name)


class PolicyError(ValueError):
    """The policy file cannot be used; the message says where it is wrong."""


def parse_policy(text: str) -> Policy:
    import yaml  # with the first policy read, not with the module

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PolicyError(f"the policy file is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise PolicyError("the policy file must be a mapping with 'version' and 'promises'")
    fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    try:
        return Policy.model_validate({**data, "fingerprint": fingerprint, "source": text})
    except ValueError as error:
        raise PolicyError(f"the policy file is not valid: {error}") from error


def load_policy_file(path: Path) -> Policy:
    return parse_policy(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def load_policy() -> Policy:
    """The policy shipped with the product (`config/policy.yaml`)."""
    return parse_policy(
        resources.files("sla_monitor").joinpath("config/policy.yaml").read_text("utf-8")
    )
