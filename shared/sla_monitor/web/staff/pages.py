"""The staff workspace's pages: sign-in, the work list (and its CSV), a case with its clocks and
timeline, and a form for each step staff take on a case.

No AWS here and no clock: the routing module turns an API Gateway event into a `Visit` (who is
signed in, the request, `now`), calls one method, and turns the `WebResponse` back. Who may see
what was settled before any method runs (the `requires` decorator on the route); a step itself is
one use case of `sla_monitor.staff`, which refuses what does not fit the case, and its refusal is
shown on the form as GOV.UK shows any error.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from sla_monitor import staff
from sla_monitor.attachments import AttachmentLinks, case_attachments, find_attachment
from sla_monitor.calendar import LONDON, WorkingDayCalendar
from sla_monitor.cases import (
    COMPLAINT_OUTCOMES,
    AccessibleFormat,
    Case,
    CaseType,
    Channel,
    Outcome,
    TimelineEvent,
)
from sla_monitor.council import Council
from sla_monitor.directory import Directory
from sla_monitor.policy import Policy
from sla_monitor.store.ports import CaseStore
from sla_monitor.web.forms import FORMAT_NAMES, LANGUAGE_NAMES, FieldError, read_form
from sla_monitor.web.http.messages import SetCookie, WebRequest, WebResponse
from sla_monitor.web.pages import long_date
from sla_monitor.web.staff.answers import day_from
from sla_monitor.web.staff.permissions import Permission, StaffRole, Viewer, may
from sla_monitor.web.staff.session import CSRF_FIELD, Session, Sessions
from sla_monitor.work_list import (
    CaseView,
    Standing,
    WorkListFilter,
    case_view,
    promise_label,
    standing,
    work_list,
)

if TYPE_CHECKING:
    from jinja2 import Environment

ASSETS: dict[str, str] = {
    "staff.css": "text/css; charset=utf-8",
    "govuk-frontend.min.js": "text/javascript; charset=utf-8",
    "moj-frontend.min.js": "text/javascript; charset=utf-8",
    "icon-tag-remove-cross.svg": "image/svg+xml",
}

MAX_REASON = 1000
MAX_TEXT = 5000
MAX_DUE_WITHIN = 60
MAX_MESSAGE = 20_000

# MOJ badge colours: the words say the state; the colour only repeats it.
BADGE_CLASSES: Mapping[Standing, str] = {
    Standing.ON_TRACK: "moj-badge--green",
    Standing.WARNING: "moj-badge--purple",
    Standing.DUE_TODAY: "moj-badge--bright-purple",
    Standing.BREACHED: "moj-badge--red",
    Standing.PAUSED: "moj-badge--grey",
    Standing.MET: "moj-badge--blue",
    Standing.NOT_STARTED: "moj-badge--grey",
}

_TYPE_NAMES: Mapping[CaseType, str] = {
    CaseType.COMPLAINT: "Complaint",
    CaseType.SERVICE_REQUEST: "Service request",
    CaseType.ENQUIRY: "Enquiry",
    CaseType.COMMENT: "Comment",
    CaseType.COMPLIMENT: "Compliment",
}
_CHANNEL_NAMES: Mapping[Channel, str] = {c: c.value.replace("_", " ").capitalize() for c in Channel}
_CHANNEL_NAMES_BY_VALUE: Mapping[str, str] = {c.value: name for c, name in _CHANNEL_NAMES.items()}


class FormRefused(Exception):
    """A form without a valid CSRF token for this session: another site's, or a stale one."""


# -- where each page is ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffUrls:
    """Every address starts with the base path the browser used (the API stage, or a custom
    domain's base path mapping)."""

    base_path: str = ""

    @property
    def home(self) -> str:
        return f"{self.base_path}/"

    @property
    def sign_in(self) -> str:
        return f"{self.base_path}/sign-in"

    @property
    def sign_out(self) -> str:
        return f"{self.base_path}/sign-out"

    @property
    def signed_out(self) -> str:
        return f"{self.base_path}/signed-out"

    @property
    def account(self) -> str:
        return f"{self.base_path}/account"

    @property
    def cookie_path(self) -> str:
        return self.base_path or "/"

    def cases(self, query: str = "") -> str:
        return f"{self.base_path}/cases" + (f"?{query}" if query else "")

    def cases_csv(self, query: str = "") -> str:
        return f"{self.base_path}/cases.csv" + (f"?{query}" if query else "")

    def case(self, reference: str, *, done: str | None = None, held: bool = False) -> str:
        address = f"{self.base_path}/cases/{quote(reference, safe='')}"
        query = [("done", done)] if done else []
        if held:
            query.append(("held", "yes"))
        return address + (f"?{urlencode(query)}" if query else "")

    def action(self, reference: str, action: str) -> str:
        return f"{self.base_path}/cases/{quote(reference, safe='')}/{action}"

    def attachment(self, reference: str, attachment_id: str) -> str:
        return f"{self.action(reference, 'attachments')}/{quote(attachment_id, safe='')}"

    @property
    def log_case(self) -> str:
        return f"{self.base_path}/cases/new"

    def page(self, path: str, query: str = "") -> str:
        """Any page of the workspace by its path under the base path."""
        return f"{self.base_path}/{path.lstrip('/')}" + (f"?{query}" if query else "")

    def asset(self, name: str) -> str:
        return f"{self.base_path}/assets/{name}"

    def is_own(self, address: str) -> bool:
        """An address inside the workspace (never another site), to return to after sign-in."""
        return (
            address.startswith(f"{self.base_path}/")
            and not address.startswith("//")
            and "\\" not in address
        )


# -- one signed-in request --------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    request: WebRequest
    viewer: Viewer
    session: Session
    now: datetime

    @property
    def urls(self) -> StaffUrls:
        return StaffUrls(self.request.base_path)


# -- formatting ------------------------------------------------------------------------------------


def when(instant: datetime | None) -> str:
    """An instant as GOV.UK writes it, London time: 6 January 2026 at 2:05pm."""
    if instant is None:
        return ""
    local = instant.astimezone(LONDON)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{local.day} {local:%B %Y} at {hour}:{local.minute:02d}{suffix}"


def short_date(day: date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""


def iso_date(day: date | None) -> str:
    return day.isoformat() if day else ""


def sentence(message: str) -> str:
    """A refusal as a GOV.UK error message: it starts with a capital."""
    return message[:1].upper() + message[1:]


def file_size(size: int | None) -> str:
    if size is None:
        return "size not known"
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _safe_csv(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@lru_cache(maxsize=1)
def environment() -> Environment:
    # jinja2 and the templates load with the first page, not with the function.
    from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, select_autoescape

    env = Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("sla_monitor.web.staff", "templates"),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["long_date"] = long_date
    env.filters["short_date"] = short_date
    env.filters["iso_date"] = iso_date
    env.filters["when"] = when
    env.filters["file_size"] = file_size
    env.filters["sentence"] = sentence
    return env


def security_headers(nonce: str, *, secure: bool) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            # The reports' SVG charts carry their own stylesheet, with the page's nonce.
            f"style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; font-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        # Case pages hold personal data: never kept by the browser or a proxy.
        "Cache-Control": "no-store",
    }
    if secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


def redirect(location: str, *, secure: bool, cookies: tuple[SetCookie, ...] = ()) -> WebResponse:
    return WebResponse(
        status=303,
        body="",
        headers={"Location": location, **security_headers("-", secure=secure)},
        cookies=cookies,
    )


# -- the work list's filters ------------------------------------------------------------------


_WHOSE = ("all", "mine", "department")


@dataclass(frozen=True)
class WorkListQuery:
    """The work list's filters as the address carries them (a GET form, so a filtered list can
    be bookmarked and shared)."""

    whose: str = "all"
    case_type: str = ""
    channel: str = ""
    stage: str = ""
    breached: bool = False
    due_within: str = ""
    search: str = ""
    errors: tuple[FieldError, ...] = ()

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> WorkListQuery:
        errors = []
        due_within = query.get("due_within", "").strip()
        if due_within and not (due_within.isdigit() and int(due_within) <= MAX_DUE_WITHIN):
            errors.append(
                FieldError(
                    "due_within",
                    f"Enter the working days as a whole number from 0 to {MAX_DUE_WITHIN}",
                )
            )
        whose = query.get("whose", "all")
        case_type = query.get("type", "")
        channel = query.get("channel", "")
        stage = query.get("stage", "")
        return cls(
            whose=whose if whose in _WHOSE else "all",
            case_type=case_type if case_type in {t.value for t in CaseType} else "",
            channel=channel if channel in {c.value for c in Channel} else "",
            stage=stage if stage in ("1", "2") else "",
            breached=query.get("breached") == "yes",
            due_within=due_within,
            search=query.get("q", "").strip()[:200],
            errors=tuple(errors),
        )

    def wanted(self, viewer: Viewer) -> WorkListFilter:
        return WorkListFilter(
            owner=viewer.officer_id if self.whose == "mine" else None,
            departments=viewer.departments if self.whose == "department" else None,
            case_type=CaseType(self.case_type) if self.case_type else None,
            channel=Channel(self.channel) if self.channel else None,
            stage=int(self.stage) if self.stage else None,
            breached=self.breached,
            due_within=int(self.due_within) if self.due_within and not self.errors else None,
            search=self.search or None,
        )

    def pairs(self, *, leave_out: str | None = None) -> list[tuple[str, str]]:
        pairs = [
            ("whose", "" if self.whose == "all" else self.whose),
            ("type", self.case_type),
            ("channel", self.channel),
            ("stage", self.stage),
            ("breached", "yes" if self.breached else ""),
            ("due_within", "" if self.errors else self.due_within),
            ("q", self.search),
        ]
        return [(k, v) for k, v in pairs if v and k != leave_out]

    def query_string(self, *, leave_out: str | None = None) -> str:
        return urlencode(self.pairs(leave_out=leave_out))

    def selected(self, urls: StaffUrls) -> list[dict[str, Any]]:
        """The filters in use, each with the address of the list without it (MOJ filter tags)."""
        names = {
            "whose": {"mine": "My cases", "department": "My department"}.get(self.whose, ""),
            "type": _TYPE_NAMES[CaseType(self.case_type)] if self.case_type else "",
            "channel": _CHANNEL_NAMES[Channel(self.channel)] if self.channel else "",
            "stage": f"Stage {self.stage}" if self.stage else "",
            "breached": "Breached" if self.breached else "",
            "due_within": (
                f"Due within {self.due_within} working days"
                if self.due_within and not self.errors
                else ""
            ),
            "q": f"“{self.search}”" if self.search else "",
        }
        return [
            {"text": text, "href": urls.cases(self.query_string(leave_out=key))}
            for key, text in names.items()
            if text
        ]


# -- the steps on a case ----------------------------------------------------------------------


Run = Callable[["StaffPages", Visit, Case, Mapping[str, str]], Case]


@dataclass(frozen=True)
class CaseAction:
    """One step staff take on a case through a form: what it needs, which use case it calls."""

    name: str  # the last part of its address
    permission: Permission
    title: str
    button: str
    done: str  # the banner on the case page afterwards
    fields: tuple[str, ...]
    check: Callable[[Mapping[str, str], StaffPages, Case], list[FieldError]]
    run: Run
    shown: Callable[[Case], bool] = field(default=lambda case: case.is_open)
    # Where a refusal naming one of the use case's arguments is shown (else the first field).
    arguments: Mapping[str, str] = field(default_factory=dict)

    def field_for(self, refusal: staff.ActionNotAllowed) -> str:
        named = self.arguments.get(refusal.argument or "")
        return named or (self.fields[0] if self.fields else "submit")


def _required(name: str, message: str, limit: int = MAX_REASON) -> Callable[..., list[FieldError]]:
    def check(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
        text = values.get(name, "").strip()
        if not text:
            return [FieldError(name, message)]
        if len(text) > limit:
            return [FieldError(name, f"Use {limit} characters or fewer")]
        return []

    return check


def _check_assign(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    errors = []
    if pages.directory.active_officer(values.get("officer", "")) is None:
        errors.append(FieldError("officer", "Choose the officer to assign the case to"))
    department = values.get("department", "")
    if department and department not in {d.code for d in pages.directory.active_departments()}:
        errors.append(FieldError("department", "Choose a department from the list"))
    return errors


def _check_extend(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    errors = []
    days = values.get("working_days", "").strip()
    if not days:
        errors.append(FieldError("working_days", "Enter the number of working days to add"))
    elif not days.isdigit():
        errors.append(
            FieldError("working_days", "Enter the working days as a whole number, like 5")
        )
    return errors + _required("reason", "Enter the reason the customer will be told")(
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


def _check_respond(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    errors = []
    if values.get("outcome", "") not in {o.value for o in outcomes_for(case)}:
        errors.append(FieldError("outcome", "Choose the outcome"))
    errors += _required("summary", "Enter what was looked at and found", MAX_TEXT)(
        values, pages, case
    )
    for name in ("apology", "remedy", "lessons"):
        if len(values.get(name, "")) > MAX_TEXT:
            errors.append(FieldError(name, f"Use {MAX_TEXT} characters or fewer"))
    return errors + remedies_from(values)[1]


def _check_remedy_done(
    values: Mapping[str, str], pages: StaffPages, case: Case
) -> list[FieldError]:
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


def _no_fields(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    return []


def _check_reclassify(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    errors = []
    if values.get("case_type", "") not in {t.value for t in CaseType}:
        errors.append(FieldError("case_type", "Choose what the case is"))
    return errors + _required("reason", "Enter why the case is reclassified")(values, pages, case)


def _check_confirm_type(
    values: Mapping[str, str], pages: StaffPages, case: Case
) -> list[FieldError]:
    chosen = values.get("case_type", "")
    if chosen not in {t.value for t in CaseType}:
        return [FieldError("case_type", "Choose what the case is")]
    if case.case_type is CaseType.COMPLAINT and chosen != CaseType.COMPLAINT.value:
        # Not a complaint after all: the customer is sent the reason.
        return _required("reason", "Enter why it is not a complaint")(values, pages, case)
    return []


def _check_stage_2(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    errors = _required("reason", "Enter why the customer asks for a review")(values, pages, case)
    if values.get("channel", "") not in {c.value for c in Channel}:
        errors.append(FieldError("channel", "Choose how the customer asked"))
    officer = values.get("officer", "")
    if officer and pages.directory.active_officer(officer) is None:
        errors.append(FieldError("officer", "Choose an officer from the list"))
    return errors


def _check_reply(values: Mapping[str, str], pages: StaffPages, case: Case) -> list[FieldError]:
    return _required("text", "Enter your message to the customer", MAX_MESSAGE)(values, pages, case)


def _assign(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.assign_case(
        case.reference,
        officer_id=values["officer"],
        department=values.get("department") or None,
        by=visit.viewer.officer_id,
        directory=pages.directory,
        **pages.casework(visit.now),
    )


def _pause(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.wait_for_customer(
        case.reference,
        reason=values["reason"].strip(),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _resume(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.resume_clocks(
        case.reference, by=visit.viewer.officer_id, **pages.casework(visit.now)
    )


def _extend(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.extend_deadline(
        case.reference,
        working_days=int(values["working_days"]),
        reason=values["reason"].strip(),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _note(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.add_note(
        case.reference,
        text=values["text"],
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _respond(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.record_response(
        case.reference,
        outcome=Outcome(values["outcome"]),
        summary=values["summary"],
        apology=values.get("apology"),
        remedy=values.get("remedy"),
        lessons_learned=values.get("lessons"),
        remedies=remedies_from(values)[0],
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _remedy_done(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.record_remedy_done(
        case.reference,
        number=int(values["number"]),
        note=values.get("note"),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _reclassify(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.reclassify_case(
        case.reference,
        case_type=CaseType(values["case_type"]),
        reason=values["reason"].strip(),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _confirm_type(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.confirm_case_type(
        case.reference,
        case_type=CaseType(values["case_type"]),
        reason=values.get("reason", "").strip() or None,
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _refuse(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.refuse_complaint(
        case.reference,
        reason=values["reason"].strip(),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _may_be_refused(case: Case) -> bool:
    return (
        case.is_open
        and case.case_type is CaseType.COMPLAINT
        and case.stage_2 is None
        and case.response_at(1) is None
    )


def _stage_2(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.request_stage_2(
        case.reference,
        reason=values["reason"].strip(),
        channel=Channel(values["channel"]),
        officer_id=values.get("officer") or None,
        by=visit.viewer.officer_id,
        directory=pages.directory,
        **pages.casework(visit.now),
    )


def _decline_stage_2(
    pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]
) -> Case:
    return staff.decline_stage_2(
        case.reference,
        reason=values["reason"].strip(),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _acknowledged(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.record_acknowledgement_sent(
        case.reference,
        how=values["how"].strip(),
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _reply(pages: StaffPages, visit: Visit, case: Case, values: Mapping[str, str]) -> Case:
    return staff.reply_to_customer(
        case.reference,
        text=values["text"],
        by=visit.viewer.officer_id,
        **pages.casework(visit.now),
    )


def _may_go_to_stage_2(case: Case) -> bool:
    return (
        case.case_type is CaseType.COMPLAINT
        and case.stage_2 is None
        and case.response_at(1) is not None
    )


def _stage_2_to_decide(case: Case) -> bool:
    """A stage 2 request (or a possible one) that staff may still decide not to take."""
    if not case.is_open:
        return False
    if case.stage_2 is not None:
        return not case.stage_2.declined and case.stage_2.responded_at is None
    return case.possible_stage_2_at is not None


def _acknowledgement_owed(case: Case) -> bool:
    if not case.is_open:
        return False
    if case.stage_2 is not None:
        return case.stage_2.acknowledged_at is None
    return case.acknowledged_at is None


ACTIONS: Mapping[str, CaseAction] = {
    a.name: a
    for a in (
        CaseAction(
            name="assign",
            permission=Permission.ASSIGN_CASE,
            title="Assign the case",
            button="Assign",
            done="The case has been assigned. The officer will be told.",
            fields=("officer", "department"),
            check=_check_assign,
            run=_assign,
        ),
        CaseAction(
            name="pause",
            permission=Permission.PAUSE_CLOCKS,
            title="Wait on the customer",
            button="Pause the clocks",
            done="The clocks are paused. The customer will be told what is needed.",
            fields=("reason",),
            check=_required("reason", "Enter what the customer needs to send or do"),
            run=_pause,
            shown=lambda case: case.is_open and case.open_pause is None,
        ),
        CaseAction(
            name="resume",
            permission=Permission.PAUSE_CLOCKS,
            title="Resume the clocks",
            button="Resume the clocks",
            done="The clocks are running again. The customer will be told the new date.",
            fields=(),
            check=_no_fields,
            run=_resume,
            shown=lambda case: case.open_pause is not None,
        ),
        CaseAction(
            name="extend",
            permission=Permission.EXTEND_DEADLINE,
            title="Extend the response deadline",
            button="Extend the deadline",
            done="The deadline has been extended. The customer will be told why and the new date.",
            fields=("working_days", "reason"),
            check=_check_extend,
            run=_extend,
        ),
        CaseAction(
            name="note",
            permission=Permission.ADD_NOTE,
            title="Add a note",
            button="Add the note",
            done="Your note has been added to the timeline.",
            fields=("text",),
            check=_required("text", "Enter the note", MAX_TEXT),
            run=_note,
            shown=lambda case: True,
        ),
        CaseAction(
            name="respond",
            permission=Permission.RECORD_RESPONSE,
            title="Record the formal response",
            button="Record the response",
            done="The response has been recorded. The letter goes to the customer. The case "
            "closes, unless it promised actions still to do.",
            fields=(
                "outcome",
                "summary",
                "apology",
                "remedy",
                "lessons",
                *(f"remedy_action_{n}" for n in range(1, REMEDY_SLOTS + 1)),
                *(f"remedy_by_{n}" for n in range(1, REMEDY_SLOTS + 1)),
            ),
            check=_check_respond,
            run=_respond,
            arguments={"remedies": "remedy_action_1"},
        ),
        CaseAction(
            name="remedy-done",
            permission=Permission.RECORD_RESPONSE,
            title="Record an action as done",
            button="Record it as done",
            done="The action has been recorded as done. The customer will be told.",
            fields=("number", "note"),
            check=_check_remedy_done,
            run=_remedy_done,
            shown=lambda case: bool(case.remedies_outstanding),
            arguments={"number": "number"},
        ),
        CaseAction(
            name="reply",
            permission=Permission.REPLY_TO_CUSTOMER,
            title="Write to the customer",
            button="Send the message",
            done="Your message has been sent to the customer and added to the timeline.",
            fields=("text",),
            check=_check_reply,
            run=_reply,
            shown=lambda case: True,
        ),
        CaseAction(
            name="reclassify",
            permission=Permission.RECLASSIFY_CASE,
            title="Reclassify the case",
            button="Reclassify",
            done="The case has been reclassified and re-timed.",
            fields=("case_type", "reason"),
            check=_check_reclassify,
            run=_reclassify,
            shown=lambda case: case.is_open and case.stage_2 is None,
        ),
        CaseAction(
            name="confirm-type",
            permission=Permission.RECLASSIFY_CASE,
            title="Confirm the type",
            button="Confirm the type",
            done="The case's type has been confirmed.",
            fields=("case_type", "reason"),
            check=_check_confirm_type,
            run=_confirm_type,
            shown=lambda case: case.is_open and case.possible_complaint and case.stage_2 is None,
        ),
        CaseAction(
            name="refuse",
            permission=Permission.RECLASSIFY_CASE,
            title="Refuse the complaint",
            button="Refuse the complaint",
            done="The complaint has been refused and the case closed. The customer will be sent "
            "the reason and the Ombudsman's details, and the Corporate Complaints Officer told.",
            fields=("reason",),
            check=_required("reason", "Enter why the complaint is not taken further"),
            run=_refuse,
            shown=_may_be_refused,
        ),
        CaseAction(
            name="stage-2",
            permission=Permission.REQUEST_STAGE_2,
            title="Start a stage 2 review",
            button="Start stage 2",
            done="The complaint is at stage 2. The reviewing officer will be told, and the "
            "customer sent an acknowledgement.",
            fields=("reason", "channel", "officer"),
            check=_check_stage_2,
            run=_stage_2,
            shown=_may_go_to_stage_2,
            arguments={"officer_id": "officer"},
        ),
        CaseAction(
            name="decline-stage-2",
            permission=Permission.REQUEST_STAGE_2,
            title="Not a stage 2 request",
            button="Decline stage 2",
            done="The complaint is not taken to stage 2 and is closed. The customer will be sent "
            "the reason and how to go to the Ombudsman.",
            fields=("reason",),
            check=_required("reason", "Enter why it is not taken to stage 2"),
            run=_decline_stage_2,
            shown=_stage_2_to_decide,
        ),
        CaseAction(
            name="acknowledged",
            permission=Permission.RECORD_ACKNOWLEDGEMENT,
            title="Record an acknowledgement sent by hand",
            button="Record the acknowledgement",
            done="The acknowledgement has been recorded.",
            fields=("how",),
            check=_required("how", "Enter how the acknowledgement was sent", 200),
            run=_acknowledged,
            shown=_acknowledgement_owed,
        ),
    )
}


# -- the pages --------------------------------------------------------------------------------


Deliver = Callable[[str, datetime], bool]


def _nothing_sent(reference: str, now: datetime) -> bool:
    return True


class StaffPages:
    def __init__(
        self,
        *,
        council: Council,
        sessions: Sessions,
        store: CaseStore,
        policy: Policy,
        calendar: WorkingDayCalendar,
        directory: Directory,
        deliver: Deliver = _nothing_sent,
        attachment_prefix: str = "attachments/",
        attachment_links: Callable[[], AttachmentLinks] | None = None,
    ) -> None:
        self.council = council
        self.sessions = sessions
        self.store = store
        self.policy = policy
        self.calendar = calendar
        self.directory = directory
        # Sends at once what a step left owed on a case; False when something stays owed for
        # the scheduled sweep (the step itself is recorded either way).
        self.deliver = deliver
        self.attachment_prefix = attachment_prefix
        self._attachment_links = attachment_links

    def casework(self, now: datetime) -> dict[str, Any]:
        """What every staff use case takes besides its own arguments."""
        return {"store": self.store, "policy": self.policy, "calendar": self.calendar, "now": now}

    # -- the work list ----------------------------------------------------------------------

    def _work_list(self, visit: Visit, query: WorkListQuery) -> list[CaseView]:
        viewer = visit.viewer
        return work_list(
            self.store.open_cases(),
            policy=self.policy,
            calendar=self.calendar,
            directory=self.directory,
            now=visit.now,
            wanted=query.wanted(viewer),
            visible=lambda case: may(viewer, Permission.VIEW_CASE, case),
        )

    def work_list(self, visit: Visit) -> WebResponse:
        query = WorkListQuery.from_query(visit.request.query)
        views = self._work_list(visit, query)
        urls = visit.urls
        quick = [
            ("All my work", WorkListQuery()),
            ("Assigned to me", WorkListQuery(whose="mine")),
            ("My department", WorkListQuery(whose="department")),
            ("Complaints", WorkListQuery(case_type=CaseType.COMPLAINT.value)),
            ("Breached", WorkListQuery(breached=True)),
        ]
        shown_query = query.query_string()
        return self._page(
            visit,
            "work_list.html",
            can_log=may(visit.viewer, Permission.LOG_CASE),
            status=400 if query.errors else 200,
            title="Cases",
            query=query,
            errors=[{"text": e.message, "href": f"#{e.field}"} for e in query.errors],
            field_errors={e.field: {"text": e.message} for e in query.errors},
            rows=[self._row(view, visit.now) for view in views],
            sub_navigation=[
                {
                    "text": text,
                    "href": urls.cases(q.query_string()),
                    "active": q.query_string() == shown_query,
                }
                for text, q in quick
            ],
            selected=query.selected(urls),
            csv_url=urls.cases_csv(shown_query),
            type_items=[{"value": "", "text": "Any type"}]
            + [{"value": t.value, "text": _TYPE_NAMES[t]} for t in CaseType],
            channel_items=[{"value": "", "text": "Any channel"}]
            + [{"value": c.value, "text": _CHANNEL_NAMES[c]} for c in Channel],
            stage_items=[
                {"value": "", "text": "Any stage"},
                {"value": "1", "text": "Stage 1"},
                {"value": "2", "text": "Stage 2"},
            ],
        )

    def _row(self, view: CaseView, now: datetime) -> dict[str, Any]:
        case, clock = view.case, view.next_clock
        owner = self.directory.officer(view.owner)
        return {
            "reference": case.reference,
            "customer": case.customer.name or case.customer.email or "Not given",
            "type": _TYPE_NAMES[case.case_type],
            "possible_complaint": case.possible_complaint,
            "possible_stage_2": case.possible_stage_2_at is not None,
            "stage": case.stage,
            "channel": _CHANNEL_NAMES[case.channel],
            "owner": (owner.name if owner else view.owner) or "Nobody",
            "unassigned": case.assigned_officer is None,
            "next": promise_label(clock) if clock else None,
            "due": clock.due_day if clock else None,
            "badges": self._badges(view, now),
        }

    def _badges(self, view: CaseView, now: datetime) -> list[dict[str, str]]:
        """The case's outstanding clocks (and paused ones), each as a badge."""
        clocks = sorted(
            (*view.outstanding, *view.paused_clocks),
            key=lambda c: (c.due_day or date.max, c.promise),
        )
        badges = []
        for clock in clocks:
            state = standing(clock, policy=self.policy, calendar=self.calendar, now=now)
            badges.append(
                {
                    "text": state.label,
                    "classes": BADGE_CLASSES[state],
                    "promise": promise_label(clock),
                    "due": short_date(clock.due_day),
                }
            )
        return badges

    def work_list_csv(self, visit: Visit) -> WebResponse:
        query = WorkListQuery.from_query(visit.request.query)
        views = self._work_list(visit, query)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [
                "reference",
                "type",
                "stage",
                "channel",
                "received",
                "customer",
                "email",
                "department",
                "owner",
                "next promise",
                "next due",
                "next state",
                "breached",
            ]
        )
        for view in views:
            case, clock = view.case, view.next_clock
            state = (
                standing(clock, policy=self.policy, calendar=self.calendar, now=visit.now).label
                if clock
                else ("paused" if case.open_pause else "")
            )
            writer.writerow(
                [
                    _safe_csv(v)
                    for v in (
                        case.reference,
                        case.case_type.value,
                        str(case.stage),
                        case.channel.value,
                        case.received_at.astimezone(LONDON).isoformat(),
                        case.customer.name or "",
                        case.customer.email or "",
                        view.department or "",
                        view.owner or "",
                        promise_label(clock) if clock else "",
                        iso_date(clock.due_day) if clock else "",
                        state,
                        "yes" if view.breached else "no",
                    )
                ]
            )
        day = visit.now.astimezone(LONDON).date().isoformat()
        return WebResponse(
            status=200,
            body=out.getvalue(),
            content_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="cases-{day}.csv"',
                **security_headers("-", secure=visit.request.secure),
            },
            log_message="work list exported",
            log_fields={"rows": len(views)},
        )

    # -- a case -----------------------------------------------------------------------------

    def case_page(self, visit: Visit, case: Case) -> WebResponse:
        view = case_view(
            case,
            policy=self.policy,
            calendar=self.calendar,
            directory=self.directory,
            now=visit.now,
        )
        done = ACTIONS.get(visit.request.query.get("done", ""))
        banner = DONE_ELSEWHERE.get(visit.request.query.get("done", "")) or (
            done.done if done else None
        )
        timeline = self.store.timeline(case.reference)
        attachments = [
            {
                "name": a.filename,
                "size": a.size,
                "type": a.content_type,
                "received": a.received_at,
                "href": visit.urls.attachment(case.reference, a.attachment_id)
                if a.offered and may(visit.viewer, Permission.DOWNLOAD_ATTACHMENT, case)
                else None,
                "unsafe": a.not_offered_because,
            }
            for a in case_attachments(timeline, prefix=self.attachment_prefix)
        ]
        clocks = []
        for c in view.clocks:
            state = standing(c, policy=self.policy, calendar=self.calendar, now=visit.now)
            clocks.append(
                {
                    "promise": promise_label(c),
                    "description": c.description,
                    "stage": c.stage,
                    "due": c.due_day,
                    # The day a broken promise gave, which a late extension never moves.
                    "missed": c.missed_day,
                    "met": c.satisfied_at,
                    "state": state,
                    "badge": BADGE_CLASSES[state],
                    "remaining": c.remaining_working_days,
                }
            )
        return self._page(
            visit,
            "case.html",
            title=f"{case.reference}: {case.subject}",
            case=case,
            view=view,
            type_name=_TYPE_NAMES[case.case_type],
            channel_name=_CHANNEL_NAMES[case.channel],
            language=LANGUAGE_NAMES.get(case.preferences.language, case.preferences.language),
            preferences=preferences_to_heed(case),
            department=self.directory.department(view.department),
            officer=self.directory.officer(case.assigned_officer),
            owner=self.directory.officer(view.owner),
            clocks=clocks,
            remedies=[
                {
                    "key": {"text": r.action},
                    "value": {
                        "text": (
                            f"Done {when(r.done_at)}"
                            if r.done_at
                            else f"To do by {long_date(r.due_on)}"
                            + (
                                " (overdue)"
                                if visit.now >= self.calendar.end_of_day(r.due_on)
                                else ""
                            )
                        )
                    },
                }
                for r in case.remedies
            ],
            timeline=[self._event(e) for e in reversed(timeline)],
            attachments=attachments,
            actions=[
                {"title": a.title, "href": visit.urls.action(case.reference, a.name)}
                for a in ACTIONS.values()
                if a.shown(case) and may(visit.viewer, a.permission, case)
            ],
            can_confirm_type=ACTIONS["confirm-type"].shown(case)
            and may(visit.viewer, Permission.RECLASSIFY_CASE, case),
            can_decide_stage_2=may(visit.viewer, Permission.REQUEST_STAGE_2, case),
            done=banner,
            held=bool(banner) and visit.request.query.get("held") == "yes",
        )

    def attachment(self, visit: Visit, case: Case, attachment_id: str) -> WebResponse:
        """A short-lived link to one of the case's attachments, made as it is asked for."""
        found = find_attachment(
            self.store.timeline(case.reference), attachment_id, prefix=self.attachment_prefix
        )
        if found is None or not found.offered or self._attachment_links is None:
            raise AttachmentNotOffered(attachment_id)
        return WebResponse(
            status=303,
            body="",
            headers={
                "Location": self._attachment_links().link(found),
                **security_headers("-", secure=visit.request.secure),
            },
            log_message="attachment link given",
            log_fields={"reference": case.reference, "attachment": found.attachment_id},
        )

    def _event(self, event: TimelineEvent) -> dict[str, Any]:
        actor = self.directory.officer(event.actor)
        shown = {k: v for k, v in event.details.items() if v and k in _DETAILS_SHOWN}
        if "channel" in shown:
            shown["channel"] = _CHANNEL_NAMES_BY_VALUE.get(shown["channel"], shown["channel"])
        return {
            "label": event.kind.replace("_", " ").capitalize(),
            "by": actor.name if actor else event.actor.replace("_", " "),
            "at": event.at,
            "summary": event.summary,
            # In the order of `_DETAILS_SHOWN`: how a reply came and from whom, then its words.
            "details": [(title, shown[k]) for k, title in _DETAILS_SHOWN.items() if k in shown],
        }

    # -- the steps ---------------------------------------------------------------------------

    def action_form(
        self,
        visit: Visit,
        case: Case,
        action: CaseAction,
        *,
        values: Mapping[str, str] | None = None,
        errors: Sequence[FieldError] = (),
    ) -> WebResponse:
        response = self.policy.response_promise(case)
        return self._page(
            visit,
            f"actions/{action.name}.html",
            status=400 if errors else 200,
            title=action.title,
            action=action,
            case=case,
            type_name=_TYPE_NAMES[case.case_type],
            values=values or {},
            errors=[{"text": e.message, "href": f"#{e.field}"} for e in errors],
            field_errors={e.field: {"text": e.message} for e in errors},
            csrf_token=self.sessions.csrf_token(visit.session, now=visit.now),
            officers=self._officer_items(case),
            departments=[{"value": "", "text": "Keep it where it is"}]
            + [
                {"value": d.code, "text": d.name}
                for d in self.directory.active_departments()
                if d.code != case.department
            ],
            max_extension=response.max_extension if response else None,
            outcomes=[{"value": o.value, "text": o.label.capitalize()} for o in outcomes_for(case)],
            is_complaint=case.case_type is CaseType.COMPLAINT,
            remedy_slots=REMEDY_SLOTS,
            remedies_to_do=[
                {
                    "value": str(r.number),
                    "text": r.action,
                    "hint": {"text": f"Promised by {long_date(r.due_on)}"},
                }
                for r in case.remedies_outstanding
            ],
            preferences=preferences_to_heed(case),
            case_types=[
                {"value": t.value, "text": _TYPE_NAMES[t]}
                for t in CaseType
                if t is not case.case_type
            ],
            every_case_type=[{"value": t.value, "text": _TYPE_NAMES[t]} for t in CaseType],
            channels=[{"value": c.value, "text": _CHANNEL_NAMES[c]} for c in Channel],
            reviewers=[{"value": "", "text": "Choose for me"}]
            + [o for o in self._officer_items(case)[1:] if o["value"] != case.assigned_officer],
        )

    def _officer_items(self, case: Case) -> list[dict[str, Any]]:
        names = {d.code: d.name for d in self.directory.departments}
        officers = sorted(
            self.directory.active_officers(),
            key=lambda o: (o.department != case.department, o.name),
        )
        return [{"value": "", "text": "Choose an officer"}] + [
            {
                "value": o.officer_id,
                "text": o.name
                + (f" ({names.get(o.department, o.department)})" if o.department else ""),
                "selected": o.officer_id == case.assigned_officer,
            }
            for o in officers
        ]

    def take_action(self, visit: Visit, case: Case, action: CaseAction) -> WebResponse:
        values = self.trusted_form(visit)
        errors = action.check(values, self, case)
        if errors:
            return self._refused(visit, case, action, values, errors, "answers need correcting")
        try:
            action.run(self, visit, case, values)
        except staff.ActionNotAllowed as refusal:
            error = FieldError(action.field_for(refusal), sentence(str(refusal)))
            return self._refused(visit, case, action, values, [error], "step refused")
        sent = self.deliver(case.reference, visit.now)
        return WebResponse(
            status=303,
            body="",
            headers={
                "Location": visit.urls.case(case.reference, done=action.name, held=not sent),
                **security_headers("-", secure=visit.request.secure),
            },
            log_message="case step taken",
            log_fields={"step": action.name, "reference": case.reference, "sent": sent},
        )

    def _refused(
        self,
        visit: Visit,
        case: Case,
        action: CaseAction,
        values: Mapping[str, str],
        errors: Sequence[FieldError],
        why: str,
    ) -> WebResponse:
        page = self.action_form(visit, case, action, values=values, errors=errors)
        return WebResponse(
            status=page.status,
            body=page.body,
            headers=page.headers,
            log_message=why,
            log_fields={"step": action.name, "fields": [e.field for e in errors]},
        )

    def form_page(
        self,
        visit: Visit,
        template: str,
        *,
        title: str,
        values: Mapping[str, str] | None = None,
        errors: Sequence[FieldError] = (),
        why: str | None = None,
        **context: Any,
    ) -> WebResponse:
        """A page with a form: its answers kept, its errors summarised and beside their
        fields (400), and a CSRF token of this session. `why` is logged when it was refused."""
        page = self._page(
            visit,
            template,
            status=400 if errors else 200,
            title=title,
            values=values or {},
            errors=[{"text": e.message, "href": f"#{e.field}"} for e in errors],
            field_errors={e.field: {"text": e.message} for e in errors},
            csrf_token=self.sessions.csrf_token(visit.session, now=visit.now),
            **context,
        )
        if not errors:
            return page
        return WebResponse(
            status=page.status,
            body=page.body,
            headers=page.headers,
            log_message=why or "answers need correcting",
            log_fields={"page": template, "fields": [e.field for e in errors]},
        )

    def see_other(
        self, visit: Visit, location: str, log_message: str, **log_fields: Any
    ) -> WebResponse:
        """Where the browser goes after a form was taken (POST, redirect, GET)."""
        return WebResponse(
            status=303,
            body="",
            headers={"Location": location, **security_headers("-", secure=visit.request.secure)},
            log_message=log_message,
            log_fields=log_fields,
        )

    def trusted_form(self, visit: Visit) -> dict[str, str]:
        """The posted fields, once the session's CSRF check has passed."""
        form = read_form(visit.request.body, visit.request.content_type)
        if not self.sessions.csrf_is_valid(visit.session, form.get(CSRF_FIELD), now=visit.now):
            raise FormRefused()
        return form

    # -- who you are ----------------------------------------------------------------------------

    def account(self, visit: Visit) -> WebResponse:
        viewer = visit.viewer
        names = {d.code: d.name for d in self.directory.departments}
        return self._page(
            visit,
            "account.html",
            title="Your account",
            roles=sorted((r.label for r in viewer.roles), key=str),
            departments=[names.get(code, code) for code in viewer.departments],
            permissions=sorted(p.description for p in viewer.permissions()),
            is_administrator=StaffRole.ADMINISTRATOR in viewer.roles,
        )

    # -- assets ---------------------------------------------------------------------------------

    @staticmethod
    def asset(name: str) -> WebResponse | None:
        content_type = ASSETS.get(name)
        if content_type is None:
            return None
        text = resources.files("sla_monitor.web").joinpath(f"static/{name}").read_text("utf-8")
        return WebResponse(
            status=200,
            body=text,
            content_type=content_type,
            headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
        )

    # -- rendering ------------------------------------------------------------------------------

    def page(
        self, visit: Visit, template: str, *, status: int = 200, **context: Any
    ) -> WebResponse:
        """A signed-in page of the workspace."""
        return self._page(visit, template, status=status, **context)

    def _page(
        self, visit: Visit, template: str, *, status: int = 200, **context: Any
    ) -> WebResponse:
        return render_page(
            template,
            request=visit.request,
            council=self.council,
            status=status,
            viewer=visit.viewer,
            sign_out_token=self.sessions.csrf_token(visit.session, now=visit.now),
            **context,
        )


def navigation(viewer: Viewer, urls: StaffUrls) -> list[dict[str, str]]:
    """The workspace's sections the viewer may use, each named by the page's `nav`."""
    sections = (
        ("cases", "Cases", urls.cases(), Permission.VIEW_WORK_LIST),
        ("triage", "Set-aside mail", urls.page("triage"), Permission.HANDLE_TRIAGE),
        ("directory", "Directory", urls.page("directory"), Permission.MANAGE_DIRECTORY),
        ("calendar", "Closure days", urls.page("calendar"), Permission.MANAGE_CALENDAR),
        ("users", "Staff accounts", urls.page("users"), Permission.MANAGE_USERS),
        ("reports", "Reports", urls.page("reports"), Permission.VIEW_REPORTS),
    )
    return [
        {"key": key, "text": text, "href": href}
        for key, text, href, permission in sections
        if may(viewer, permission)
    ]


def home_of(viewer: Viewer, urls: StaffUrls) -> str:
    """Where the viewer starts: the first section they may use, else their account."""
    sections = navigation(viewer, urls)
    return sections[0]["href"] if sections else urls.account


_DETAILS_SHOWN = {
    "channel": "Came by",
    "sender": "From",
    "reason": "Reason",
    "classification": "Classification",
    "detail": "Detail",
    "text": "Message",
    "body": "What they wrote",
    "findings": "Findings",
    "threats": "Threats found",
}

# Banners of pages that end on the case page but are not a step on it.
DONE_ELSEWHERE: Mapping[str, str] = {
    "logged": "The case has been logged. What it owes the customer is sent at once.",
    "made-from-triage": "The case has been made from the set-aside message.",
    "attached-from-triage": "The message has been added to the case as the customer's reply.",
}


class AttachmentNotOffered(LookupError):
    """No attachment of this case has that id, or it is not offered (its scan was not clean)."""


def preferences_to_heed(case: Case) -> list[str]:
    """What the customer asked for that changes how staff write to or speak with them."""
    prefs = case.preferences
    heed = []
    if prefs.language != "en":
        heed.append(f"Write in {LANGUAGE_NAMES.get(prefs.language, prefs.language)}")
    if prefs.accessible_format is not None:
        how = "as" if prefs.accessible_format is AccessibleFormat.AUDIO else "in"
        heed.append(f"Send what you write {how} {FORMAT_NAMES[prefs.accessible_format].lower()}")
    if prefs.interpreter:
        heed.append("Arrange an interpreter for calls and visits")
    return heed


def render_page(
    template: str,
    *,
    request: WebRequest,
    council: Council,
    status: int = 200,
    viewer: Viewer | None = None,
    **context: Any,
) -> WebResponse:
    """A page of the workspace, signed in or not, with its security headers."""
    nonce = secrets.token_urlsafe(16)
    urls = StaffUrls(request.base_path)
    body = (
        environment()
        .get_template(template)
        .render(
            urls=urls,
            council=council,
            csp_nonce=nonce,
            viewer=viewer,
            navigation=navigation(viewer, urls) if viewer else [],
            **context,
        )
    )
    return WebResponse(
        status=status, body=body, headers=security_headers(nonce, secure=request.secure)
    )
