"""Each step's answers checked before its use case runs: what is missing, too long or not one of
the choices, shown beside its field as GOV.UK shows any error. The use case checks the step
against the case; these check the form."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from sla_monitor.cases import COMPLAINT_OUTCOMES, Case, CaseType, Channel, Outcome
from sla_monitor.council import OTHER_REASON
from sla_monitor.web.forms import FieldError
from sla_monitor.web.staff.answers import day_from
from sla_monitor.web.staff.pages import StaffPages

MAX_REASON = 1000
MAX_TEXT = 5000
MAX_MESSAGE = 20_000


def required(name: str, message: str, limit: int = MAX_REASON) -> Callable[..., list[FieldError]]:
    def check(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
        text = values.get(name, "").strip()
        if not text:
            return [FieldError(name, message)]
        if len(text) > limit:
            return [FieldError(name, f"Use {limit} characters or fewer")]
        return []

    return check


def check_assign(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    errors = []
    if pages.directory.active_officer(values.get("officer", "")) is None:
        errors.append(FieldError("officer", "Choose the officer to assign the case to"))
    department = values.get("department", "")
    if department and department not in {d.code for d in pages.directory.active_departments()}:
        errors.append(FieldError("department", "Choose a department from the list"))
    return errors


def check_extend(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    errors = []
    days = values.get("working_days", "").strip()
    if not days:
        errors.append(FieldError("working_days", "Enter the number of working days to add"))
    elif not days.isdigit():
        errors.append(
            FieldError("working_days", "Enter the working days as a whole number, like 5")
        )
    return errors + required("reason", "Enter the reason the customer will be told")(
        values, pages, case
    )


# How many actions to put things right the response form offers at once.
REMEDY_SLOTS = 3


def remedies_from(
    values: Mapping[str, str],
) -> tuple[list[tuple[str, date]], list[FieldError]]:
    """The actions promised in the response form, each with its date; errors where an action
    has no real date, or a date no action."""
    promised: list[tuple[str, date]] = []
    errors: list[FieldError] = []
    for n in range(1, REMEDY_SLOTS + 1):
        action = values.get(f"remedy_action_{n}", "").strip()
        dated = any(values.get(f"remedy_by_{n}-{p}", "").strip() for p in ("day", "month", "year"))
        if not action and not dated:
            continue
        if not action:
            errors.append(FieldError(f"remedy_action_{n}", "Enter what will be done by that date"))
            continue
        if len(action) > MAX_REASON:
            errors.append(FieldError(f"remedy_action_{n}", f"Use {MAX_REASON} characters or fewer"))
            continue
        day, error = day_from(values, f"remedy_by_{n}", "the date it will be done by")
        if error is not None:
            errors.append(error)
        elif day is not None:
            promised.append((action, day))
    return promised, errors


def check_respond(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    errors = []
    if values.get("outcome", "") not in {o.value for o in outcomes_for(case)}:
        errors.append(FieldError("outcome", "Choose the outcome"))
    errors += required("summary", "Enter what was looked at and found", MAX_TEXT)(
        values, pages, case
    )
    for name in ("apology", "remedy", "lessons"):
        if len(values.get(name, "")) > MAX_TEXT:
            errors.append(FieldError(name, f"Use {MAX_TEXT} characters or fewer"))
    return errors + remedies_from(values)[1]


def check_remedy_done(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    outstanding = {str(r.number) for r in case.remedies_outstanding}
    errors = []
    if values.get("number", "") not in outstanding:
        errors.append(FieldError("number", "Choose the action that has been done"))
    if len(values.get("note", "")) > MAX_TEXT:
        errors.append(FieldError("note", f"Use {MAX_TEXT} characters or fewer"))
    return errors


def outcomes_for(case: Case) -> tuple[Outcome, ...]:
    if case.case_type is CaseType.COMPLAINT:
        return tuple(COMPLAINT_OUTCOMES)
    return (Outcome.ANSWERED,)


def no_fields(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    return []


def check_reclassify(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    errors = []
    if values.get("case_type", "") not in {t.value for t in CaseType}:
        errors.append(FieldError("case_type", "Choose what the case is"))
    return errors + required("reason", "Enter why the case is reclassified")(values, pages, case)


def check_confirm_type(
    values: Mapping[str, str], pages: StaffPages, case: Case
) -> list[FieldError]:
    chosen = values.get("case_type", "")
    if chosen not in {t.value for t in CaseType}:
        return [FieldError("case_type", "Choose what the case is")]
    if case.case_type is CaseType.COMPLAINT and chosen != CaseType.COMPLAINT.value:
        # Not a complaint after all: the customer is sent the reason.
        return required("reason", "Enter why it is not a complaint")(values, pages, case)
    return []


def check_stage_2(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    errors = required("reason", "Enter why the customer asks for a review")(values, pages, case)
    if values.get("channel", "") not in {c.value for c in Channel}:
        errors.append(FieldError("channel", "Choose how the customer asked"))
    officer = values.get("officer", "")
    if officer and pages.directory.active_officer(officer) is None:
        errors.append(FieldError("officer", "Choose an officer from the list"))
    return errors


def check_reply(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    return required("text", "Enter your message to the customer", MAX_MESSAGE)(values, pages, case)


def check_close(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    reason = values.get("reason", "")
    closing = pages.council.closing_without_a_letter
    if reason != OTHER_REASON and closing.reason(reason) is None:
        return [FieldError("reason", "Select why the case is closed without a letter")]
    if reason == OTHER_REASON:
        return required("other_reason", "Enter why the case is closed")(values, pages, case)
    return []
