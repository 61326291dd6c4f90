"""Log a case that came by phone, letter, a visit or in person: its own page, reached from the
work list. The page reads and checks the answers; `staff.log_case` decides (a complaint without
the customer's contact details, an email address or phone number that is not one, a way of
contact without its detail, a case received in the future, are its refusals, shown beside the
field they concern; the contact details' rules are checked here too, so every one to correct
shows at once). What the new case owes the customer is sent at once."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sla_monitor import staff
from sla_monitor.cases import (
    AccessibleFormat,
    CaseType,
    Channel,
    ContactMethod,
    Customer,
    Preferences,
)
from sla_monitor.contact_details import contact_problems
from sla_monitor.web.forms import FORMAT_NAMES, LANGUAGES, FieldError
from sla_monitor.web.http.messages import WebResponse
from sla_monitor.web.staff.answers import clock_time_from, day_fields, day_from
from sla_monitor.web.staff.formatting import sentence
from sla_monitor.web.staff.pages import StaffPages, Visit
from sla_monitor.web.staff.permissions import Permission, may

LOGGED_CHANNELS: tuple[tuple[Channel, str], ...] = (
    (Channel.TELEPHONE, "Telephone"),
    (Channel.LETTER, "Letter"),
    (Channel.VISIT, "A visit to a council office"),
    (Channel.VERBAL, "In person, to a member of staff elsewhere"),
)
CASE_TYPES: tuple[tuple[CaseType, str, str], ...] = (
    (CaseType.COMPLAINT, "Complaint", "Unhappy with what the council did or failed to do."),
    (CaseType.SERVICE_REQUEST, "Service request", "Asks the council to provide or fix something."),
    (CaseType.ENQUIRY, "Enquiry", "A question."),
    (CaseType.COMMENT, "Comment", "What they think about a service."),
    (CaseType.COMPLIMENT, "Compliment", "Thanks for something done well."),
)
CONTACT_METHODS: tuple[tuple[ContactMethod, str], ...] = (
    (ContactMethod.EMAIL, "Email"),
    (ContactMethod.PHONE, "Phone"),
    (ContactMethod.LETTER, "Letter"),
)
MAX_SUMMARY = 120
MAX_DETAILS = 5000
_SUBMISSION = re.compile(r"^[0-9a-f]{32}$")

# Where each of the use case's refusals is shown: beside the field it names, or these.
_FIELDS = frozenset({"email", "phone", "address", "contact_method", "department"})
_ARGUMENT_FIELDS = {"customer": "email", "received_at": "received"}


class LogCasePages:
    def __init__(self, pages: StaffPages) -> None:
        self.pages = pages

    def form(
        self,
        visit: Visit,
        *,
        values: Mapping[str, str] | None = None,
        errors: tuple[FieldError, ...] = (),
        why: str | None = None,
    ) -> WebResponse:
        now = self.pages.calendar.local(visit.now)
        if values is None:
            values = {
                **day_fields("received", now.date()),
                "received_time": f"{now:%H:%M}",
                "language": "en",
                "contact_method": ContactMethod.EMAIL.value,
                "submission": uuid.uuid4().hex,
            }
        logged = visit.request.query.get("logged", "")
        return self.pages.form_page(
            visit,
            "log_case.html",
            title="Log a case",
            values=values,
            errors=errors,
            why=why,
            logged=logged if re.fullmatch(r"[A-Z]{2,6}-\d{4}-\d{6}", logged) else None,
            channels=[{"value": c.value, "text": text} for c, text in LOGGED_CHANNELS],
            case_types=[
                {"value": t.value, "text": text, "hint": {"text": hint}}
                for t, text, hint in CASE_TYPES
            ],
            departments=[{"value": "", "text": "Not decided: the default department"}]
            + [
                {"value": d.code, "text": d.name} for d in self.pages.directory.active_departments()
            ],
            languages=[{"value": code, "text": name} for code, name in LANGUAGES],
            formats=[{"value": "", "text": "The usual format"}]
            + [{"value": f.value, "text": name} for f, name in FORMAT_NAMES.items()],
            contact_methods=[{"value": m.value, "text": text} for m, text in CONTACT_METHODS],
        )

    def log(self, visit: Visit) -> WebResponse:
        values = self.pages.trusted_form(visit)
        errors, answers = self._check(values)
        if errors:
            return self.form(visit, values=values, errors=tuple(errors))
        try:
            case = staff.log_case(
                by=visit.viewer.officer_id,
                directory=self.pages.directory,
                idempotency_key=f"staff-log:{values['submission']}",
                **answers,
                **self.pages.casework(visit.now),
            )
        except staff.ActionNotAllowed as refusal:
            error = FieldError(_field_of(refusal.argument), sentence(str(refusal)))
            return self.form(visit, values=values, errors=(error,), why="step refused")
        sent = self.pages.deliver(case.reference, visit.now)
        urls = visit.urls
        location = (
            urls.case(case.reference, done="logged", held=not sent)
            if may(visit.viewer, Permission.VIEW_CASE, case)
            else urls.log_case + f"?logged={case.reference}"
        )
        return self.pages.see_other(
            visit, location, "case logged", reference=case.reference, channel=case.channel.value
        )

    def _check(self, values: Mapping[str, str]) -> tuple[list[FieldError], dict[str, Any]]:
        errors: list[FieldError] = []
        channel = values.get("channel", "")
        if channel not in {c.value for c, _ in LOGGED_CHANNELS}:
            errors.append(FieldError("channel", "Choose how the customer got in touch"))
        case_type = values.get("case_type", "")
        if case_type not in {t.value for t in CaseType}:
            errors.append(FieldError("case_type", "Choose what the case is"))
        for name, limit in (("name", 200), ("phone", 40), ("address", 500)):
            if len(values.get(name, "")) > limit:
                errors.append(FieldError(name, f"Use {limit} characters or fewer"))
        summary = values.get("summary", "").strip()
        if not summary:
            errors.append(FieldError("summary", "Enter what the case is about"))
        elif len(summary) > MAX_SUMMARY:
            errors.append(FieldError("summary", f"Use {MAX_SUMMARY} characters or fewer"))
        if len(values.get("details", "")) > MAX_DETAILS:
            errors.append(FieldError("details", f"Use {MAX_DETAILS} characters or fewer"))
        department = values.get("department", "")
        if department and department not in {
            d.code for d in self.pages.directory.active_departments()
        }:
            errors.append(FieldError("department", "Choose a department from the list"))
        day, day_error = day_from(values, "received", "the date it was received")
        clock = clock_time_from(values.get("received_time", ""))
        if day_error:
            errors.append(day_error)
        elif clock is None:
            errors.append(FieldError("received_time", "Enter the time it was received, like 14:30"))
        language = values.get("language", "en")
        if language not in {code for code, _ in LANGUAGES}:
            errors.append(FieldError("language", "Choose a language from the list"))
        accessible = values.get("accessible_format", "")
        if accessible and accessible not in {f.value for f in AccessibleFormat}:
            errors.append(FieldError("accessible_format", "Choose a format from the list"))
        method = values.get("contact_method", "")
        if method not in {m.value for m, _ in CONTACT_METHODS}:
            errors.append(FieldError("contact_method", "Choose how they want to hear from us"))
        if not _SUBMISSION.match(values.get("submission", "")):
            errors.append(FieldError("summary", "The form was incomplete: start it again"))
        customer = Customer(
            name=values.get("name", "").strip() or None,
            email=values.get("email", "").strip() or None,
            phone=values.get("phone", "").strip() or None,
            address=values.get("address", "").strip() or None,
        )
        wrong = {e.field for e in errors}
        if not wrong & {"case_type", "contact_method"}:
            # The use case's own rules, all at once, so every detail to correct shows together.
            checked = Preferences(contact_method=ContactMethod(method))
            errors += [
                FieldError(_field_of(p.field), sentence(p.message))
                for p in contact_problems(CaseType(case_type), customer, checked)
                if _field_of(p.field) not in wrong
            ]
        if errors:
            return errors, {}
        assert day is not None and clock is not None
        received: datetime = self.pages.calendar.at(day, clock)
        return [], {
            "case_type": CaseType(case_type),
            "channel": Channel(channel),
            "summary": summary,
            "description": values.get("details", "").strip() or None,
            "customer": customer,
            "preferences": Preferences(
                language=language,
                accessible_format=AccessibleFormat(accessible) if accessible else None,
                interpreter=values.get("interpreter") == "yes",
                contact_method=ContactMethod(method),
            ),
            "department": department or None,
            "received_at": received,
        }


def _field_of(argument: str | None) -> str:
    """The field a refusal of the use case is shown beside."""
    if argument is not None and argument in _FIELDS:
        return argument
    return _ARGUMENT_FIELDS.get(argument or "", "summary")
