"""Reply templates the council keeps: words an officer starts a reply from, with placeholders the
product fills from the case (`((reference))`, `((reply_promised_by))`, ...), as GOV.UK Notify
writes them. Administrators add, change and retire them; every change is kept (who, when, the
words before and after), never written over. The officer chooses one on "Reply and answer" or
"Write to the customer", reads it filled in, and edits it before it goes.

A placeholder the product does not know is refused when the template is saved, so no letter ever
goes with `((something))` in it. The templates are a few items of the directory table
(`ReplyTemplateStore`), read in one query; the council's starting set is in council.yaml."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sla_monitor.calendar import WorkingDayCalendar
    from sla_monitor.cases import Case
    from sla_monitor.council import Council
    from sla_monitor.directory import Directory
    from sla_monitor.policy import Policy

_PLACEHOLDER = re.compile(r"\(\(([^()]*)\)\)")
_KEY_PARTS = re.compile(r"[^a-z0-9]+")

# What the product fills in, and what each says, as the administration page lists them.
PLACEHOLDERS: Mapping[str, str] = {
    "customer_name": "the customer's name (“customer” where none was given)",
    "reference": "the case reference, like NWL-2026-000123",
    "subject": "what the case is about, as the customer put it",
    "received_on": "the day the case was received, in words",
    "reply_promised_by": "the day the reply is promised by, in words",
    "department": "the department dealing with the case",
    "officer_name": "the name of the officer writing",
    "job_title": "the job title of the officer writing",
    "council_name": "the council's name",
    "council_phone": "the council's phone number",
}

MAX_TITLE = 100
MAX_TEXT = 5000
# Who the starting set is recorded as added by: the council's settings file, not a person.
COUNCIL_SETTINGS = "council.yaml"


class ReplyTemplateRefused(ValueError):
    """A template that cannot be saved as it stands; `argument` names the field at fault."""

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        super().__init__(message)
        self.argument = argument


@dataclass(frozen=True)
class ReplyTemplate:
    """A template as it stands: its key (from its first title, kept when the title changes), the
    title officers choose it by, its words, and who changed it last and when."""

    key: str
    title: str
    text: str
    retired: bool = False
    changed_by: str = ""
    changed_at: datetime | None = None
    # Their name as it was then, for someone the directory does not list (an administrator).
    changed_by_name: str = ""


@dataclass(frozen=True)
class TemplateChange:
    """One change to a template, kept for good: what it became, who made it and when."""

    key: str
    at: datetime
    by: str
    what: str  # "added", "changed", "retired"
    title: str
    text: str
    by_name: str = ""


class ReplyTemplateStore(Protocol):
    def reply_templates(self) -> list[ReplyTemplate]:
        """Every template, retired ones too, in order of title (one query)."""
        ...

    def reply_template_changes(self, key: str) -> list[TemplateChange]:
        """Every change to one template, oldest first (one query)."""
        ...

    def keep_reply_template(self, template: ReplyTemplate, change: TemplateChange) -> None:
        """Write the template as it now stands and keep the change beside it."""
        ...


def placeholders_in(text: str) -> list[str]:
    """The placeholders a text names, each once, in the order they first appear."""
    return list(dict.fromkeys(m.group(1).strip() for m in _PLACEHOLDER.finditer(text)))


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in placeholders_in(text) if name not in PLACEHOLDERS]


def fill(text: str, values: Mapping[str, str]) -> str:
    """The template's words with each placeholder the product knows filled in."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1).strip(), m.group(0)), text)


def placeholder_values(
    *,
    reference: str,
    customer_name: str | None,
    subject: str | None,
    received_on: date,
    reply_promised_by: date | None,
    department: str,
    officer_name: str,
    job_title: str,
    council_name: str,
    council_phone: str,
) -> dict[str, str]:
    """What each placeholder becomes for one case and the officer writing."""
    from sla_monitor.wording import long_date

    return {
        "customer_name": customer_name or "customer",
        "reference": reference,
        "subject": subject or "your message",
        "received_on": long_date(received_on),
        "reply_promised_by": long_date(reply_promised_by) if reply_promised_by else "soon",
        "department": department,
        "officer_name": officer_name,
        "job_title": job_title or officer_name,
        "council_name": council_name,
        "council_phone": council_phone,
    }


def filled_for_case(
    template: ReplyTemplate,
    case: Case,
    *,
    officer_id: str,
    officer_fallback: str,
    policy: Policy,
    calendar: WorkingDayCalendar,
    directory: Directory,
    council: Council,
    now: datetime,
) -> str:
    """The template's words for one case, written by one officer: the reply date the clocks
    hold now (as the case page and the letters give it), their name and job title."""
    from sla_monitor.checker.preferences import greeting_name, may_repeat_their_words
    from sla_monitor.checker.reply_dates import customer_reply_day
    from sla_monitor.engine import evaluate

    clocks = evaluate(case, policy, calendar, now).clocks
    officer = directory.officer(officer_id)
    department = directory.department_of(case)
    values = placeholder_values(
        reference=case.reference,
        customer_name=greeting_name(case),
        # Never what was written to an address nobody has shown to be the customer's.
        subject=case.subject if may_repeat_their_words(case) else None,
        received_on=calendar.local(case.received_at).date(),
        reply_promised_by=customer_reply_day(clocks, case.stage),
        department=department.name if department else council.name,
        officer_name=officer.name if officer else officer_fallback,
        job_title=officer.job_title if officer else "",
        council_name=council.name,
        council_phone=council.phone,
    )
    return fill(template.text, values)


def template_key(title: str) -> str:
    return _KEY_PARTS.sub("-", title.casefold()).strip("-")[:60] or "template"


def _checked(title: str, text: str) -> tuple[str, str]:
    title = " ".join(title.split())
    text = text.strip().replace("\r\n", "\n")
    if not title:
        raise ReplyTemplateRefused("enter the template's title", argument="title")
    if len(title) > MAX_TITLE:
        raise ReplyTemplateRefused(
            f"the title must be {MAX_TITLE} characters or fewer", argument="title"
        )
    if not text:
        raise ReplyTemplateRefused("enter the template's words", argument="text")
    if len(text) > MAX_TEXT:
        raise ReplyTemplateRefused(
            f"the words must be {MAX_TEXT:,} characters or fewer", argument="text"
        )
    unknown = unknown_placeholders(text)
    if unknown:
        named = ", ".join(f"(({name}))" for name in unknown)
        raise ReplyTemplateRefused(
            f"{named} {'is not a placeholder' if len(unknown) == 1 else 'are not placeholders'}"
            " the product fills: use one from the list, or take the brackets away",
            argument="text",
        )
    if "((" in _PLACEHOLDER.sub("", text):
        raise ReplyTemplateRefused(
            "a placeholder starts with (( and ends with )), like ((reference))", argument="text"
        )
    return title, text


def _title_taken(store: ReplyTemplateStore, title: str, key: str | None) -> bool:
    folded = title.casefold()
    return any(
        t.title.casefold() == folded and t.key != key and not t.retired
        for t in store.reply_templates()
    )


def add_template(
    store: ReplyTemplateStore, *, title: str, text: str, by: str, now: datetime, by_name: str = ""
) -> ReplyTemplate:
    title, text = _checked(title, text)
    taken = {t.key for t in store.reply_templates()}
    if _title_taken(store, title, None):
        raise ReplyTemplateRefused("a template has this title already", argument="title")
    key, n = template_key(title), 2
    while key in taken:
        key, n = f"{template_key(title)}-{n}", n + 1
    template = ReplyTemplate(key, title, text, False, by, now, by_name)
    store.keep_reply_template(template, TemplateChange(key, now, by, "added", title, text, by_name))
    return template


def _current(store: ReplyTemplateStore, key: str) -> ReplyTemplate:
    found = next((t for t in store.reply_templates() if t.key == key), None)
    if found is None:
        from sla_monitor.lookups import NotInTheDirectory

        raise NotInTheDirectory(key)
    return found


def change_template(
    store: ReplyTemplateStore,
    key: str,
    *,
    title: str,
    text: str,
    by: str,
    now: datetime,
    by_name: str = "",
) -> ReplyTemplate:
    current = _current(store, key)
    if current.retired:
        raise ReplyTemplateRefused("a retired template cannot be changed", argument="title")
    title, text = _checked(title, text)
    if _title_taken(store, title, key):
        raise ReplyTemplateRefused("another template has this title", argument="title")
    if (title, text) == (current.title, current.text):
        return current  # nothing changed: nothing to keep
    changed = replace(
        current, title=title, text=text, changed_by=by, changed_at=now, changed_by_name=by_name
    )
    store.keep_reply_template(
        changed, TemplateChange(key, now, by, "changed", title, text, by_name)
    )
    return changed


def retire_template(
    store: ReplyTemplateStore, key: str, *, by: str, now: datetime, by_name: str = ""
) -> ReplyTemplate:
    """A retired template is no longer offered to officers; its history stays."""
    current = _current(store, key)
    if current.retired:
        return current
    retired = replace(current, retired=True, changed_by=by, changed_at=now, changed_by_name=by_name)
    store.keep_reply_template(
        retired, TemplateChange(key, now, by, "retired", current.title, current.text, by_name)
    )
    return retired


def seed_reply_templates(
    store: ReplyTemplateStore, starting: Iterable[tuple[str, str]], *, now: datetime
) -> int:
    """The council's starting templates (title, words), where none is stored yet; how many were
    added."""
    if store.reply_templates():
        return 0
    added = 0
    for title, text in starting:
        add_template(store, title=title, text=text, by=COUNCIL_SETTINGS, now=now)
        added += 1
    return added


def offered(templates: Iterable[ReplyTemplate]) -> list[ReplyTemplate]:
    """The templates officers may choose from: not retired, by title."""
    return sorted((t for t in templates if not t.retired), key=lambda t: t.title.casefold())
