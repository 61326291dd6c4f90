"""What the form sends: the checked answers as a new case, made once however often they are sent,
or, past the hour's arrival limits, kept whole in triage for staff.

Recording a case (the intake use case, the engine it times cases with) loads with the first
form sent, not on every cold start: the pages a resident reads first need neither. The SnapStart
warm-up loads them before the snapshot (web/snapstart.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import Channel
from sla_monitor.directory import Department
from sla_monitor.store.ports import CaseStore
from sla_monitor.web.errors import TooManyMessages

if TYPE_CHECKING:
    from sla_monitor.intake import ArrivalLimits, Registration
    from sla_monitor.policy import Policy
    from sla_monitor.web.have_your_say.answers import HaveYourSayAnswers

ACTOR = "have_your_say"


def register_answers(
    answers: HaveYourSayAnswers,
    *,
    submission_id: str,
    source_ip: str | None,
    now: datetime,
    store: CaseStore,
    policy: Policy,
    calendar: WorkingDayCalendar,
    departments: Sequence[Department],
    limits: ArrivalLimits | None,
) -> Registration:
    """The checked answers as a new case, made once for these answers: `register_case`, as
    email intake, so the deadline checker treats both alike. Over the hour's arrival limits
    the submission is kept for staff instead, and TooManyMessages says so."""
    from sla_monitor.intake import ArrivalLimits, NewCase, over_arrival_limits, register_case

    # The same answers sent twice (a double click, a retry, "Accept and send" again after
    # going Back) make one case; answers changed after going Back make a new one.
    digest = hashlib.sha256(
        json.dumps(answers.form_values(), sort_keys=True).encode("utf-8")
    ).hexdigest()[:16]
    key = f"have-your-say:{submission_id}:{digest}"
    earlier = store.find_delivery(key)
    if earlier is None:
        # A new submission counts against its address's and its computer's hour; a
        # repeat of one already taken in (a double click) does not.
        over = over_arrival_limits(
            address=answers.email,
            source=source_ip,
            at=now,
            store=store,
            limits=limits or ArrivalLimits(),
        )
        if over is not None:
            _keep_for_staff(answers, key=key, evidence=over, now=now, store=store)
            raise TooManyMessages(over)
    elif earlier.outcome == "triage":
        raise TooManyMessages("a submission kept for staff before")
    department = next((d for d in departments if d.code == answers.department), None)
    label = answers.about.label
    subject = f"{label[0].upper()}{label[1:]} from the Have Your Say form"
    if department is not None:
        subject += f" about {department.name}"
    new_case = NewCase(
        case_type=answers.about,
        channel=Channel.WEB,
        received_at=now,
        subject=subject,
        description=answers.details,
        customer=answers.customer(),
        preferences=answers.preferences(),
        department=answers.department,
        classification_reason="chosen by the customer on the Have Your Say form",
        idempotency_key=key,
        actor=ACTOR,
    )
    return register_case(new_case, store=store, policy=policy, calendar=calendar, now=now)


def _keep_for_staff(
    answers: HaveYourSayAnswers, *, key: str, evidence: str, now: datetime, store: CaseStore
) -> None:
    """A submission over the limits, kept whole in triage for staff to register by hand."""
    from sla_monitor.intake import record_triage
    from sla_monitor.triage import TriageRecord

    kept = {
        "label": "too many messages from one sender in an hour",
        "evidence": evidence,
        "channel": Channel.WEB.value,
        "about": answers.about.value,
        "details": answers.details,
        "name": answers.name or "",
        "phone": answers.phone or "",
        "address": answers.address or "",
        "department": answers.department or "",
    }
    record_triage(
        TriageRecord(
            idempotency_key=key,
            received_at=now,
            reason="too_many_messages",
            sender=answers.email,
            subject=f"{answers.about.label} from the Have Your Say form",
            raw_location=None,
            details={k: v for k, v in kept.items() if v},
        ),
        store=store,
    )
