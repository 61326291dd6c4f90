"""What the checker writes: letters from templates, and the MIME message that carries them.

Templates live in `templates/<language>/`: a subject line, a plain-text part and an HTML part per
message. A customer gets a message in their language where the council has a template for it,
in English otherwise. Everything a customer wrote is data, never markup: the HTML templates
escape it, and no header is ever built from it; subject lines hold only the case reference and
the template's own words.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sla_monitor.cases import Case, Outcome
from sla_monitor.checker.mailer import OutboundEmail
from sla_monitor.directory import Directory
from sla_monitor.wording import (
    DEFAULT_LANGUAGE,
    in_language,
    long_date,
    on_date,
    outcome_label,
)
from sla_monitor.wording import case_type_label as case_type_label  # re-exported

if TYPE_CHECKING:
    from jinja2 import Environment
    from jinja2.runtime import Context

    from sla_monitor.council import Council

# A plain address: no display name, no comments, no quoted local part. Anything else is not
# mailed automatically; the owner gets the letter to send by hand instead.
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}"
    r"@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_MESSAGE_ID = re.compile(r"^[!-;=?-~]{1,500}@[!-;=?-~]{1,250}$")  # printable, no < or >
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$")
_UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9._-]")
_FILENAME_LENGTH = 100
_FONT_SIZE = re.compile(r"font-size:(\d{1,3})px")
_HEADERS_UNFOLDED = SMTP.clone(max_line_length=998)


def valid_address(address: str | None) -> bool:
    return bool(address) and _ADDRESS.match(address or "") is not None


def normalise_message_id(value: str | None) -> str | None:
    """A Message-ID as stored (no angle brackets), or None when it is not a usable one."""
    if not value:
        return None
    bare = value.strip().removeprefix("<").removesuffix(">")
    return bare if _MESSAGE_ID.match(bare) else None


def primary_language(tag: str | None) -> str:
    """`cy-GB` -> `cy`; empty -> the default."""
    primary = re.split(r"[-_]", (tag or "").strip().lower(), maxsplit=1)[0]
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Contact:
    """Who is dealing with a case, and how the customer reaches them."""

    name: str
    job_title: str
    service: str
    email: str
    phone: str

    @property
    def description(self) -> str:
        """`Jane Smith, Housing Officer, Housing`, each part once."""
        parts: list[str] = []
        for part in (self.name, self.job_title, self.service):
            if part and part not in parts:
                parts.append(part)
        return ", ".join(parts)


def contact_for(case: Case, directory: Directory, council: Council) -> Contact:
    department = directory.department_of(case)
    service = department.name if department else council.name
    owner = directory.owner(case)
    if owner is not None:
        return Contact(owner.name, owner.job_title, service, owner.email, council.phone)
    team_email = (department.team_email if department else None) or council.customer_services_email
    return Contact(service, "", service, team_email, council.phone)


@dataclass(frozen=True)
class Letter:
    subject: str
    text: str
    html: str
    language: str


class Composer:
    """Renders the council's letters from the templates shipped with the product."""

    def __init__(self, council: Council) -> None:
        self.council = council

    @cached_property
    def _environment(self) -> Environment:
        # jinja2 loads with the first letter, not with the checker: most sweeps send nothing.
        from jinja2 import (
            Environment,
            PackageLoader,
            StrictUndefined,
            pass_context,
            select_autoescape,
        )

        environment = Environment(
            loader=PackageLoader("sla_monitor.checker", "templates"),
            # HTML is escaped; the text part and the subject are plain text.
            autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        environment.filters["long_date"] = pass_context(_long_date_filter)
        environment.filters["on_date"] = pass_context(_on_date_filter)
        environment.filters["outcome_label"] = pass_context(_outcome_filter)
        environment.filters["in_language"] = pass_context(_in_language_filter)
        environment.filters["yours"] = pass_context(_yours_filter)
        return environment

    @cached_property
    def _names(self) -> frozenset[str]:
        return frozenset(self._environment.list_templates(extensions=["j2"]))

    def languages_for(self, name: str) -> frozenset[str]:
        """The languages a message has templates in."""
        suffix = f"/{name}.txt.j2"
        return frozenset(n.split("/", 1)[0] for n in self._names if n.endswith(suffix))

    def language_for(self, preferred: str | None, name: str) -> str:
        language = primary_language(preferred)
        return language if language in self.languages_for(name) else DEFAULT_LANGUAGE

    def compose(
        self,
        name: str,
        *,
        language: str = DEFAULT_LANGUAGE,
        large_print: bool = False,
        **context: Any,
    ) -> Letter:
        context = {"council": self.council, "language": language, **context}
        environment = self._environment
        subject = environment.get_template(f"{language}/{name}.subject.j2").render(context)
        # One line of the template's own words: never a line break for a header to split on.
        subject = " ".join(_CONTROL.sub(" ", subject).split())
        text = environment.get_template(f"{language}/{name}.txt.j2").render(context)
        html_name = f"{language}/{name}.html.j2"
        if html_name in self._names:
            html = environment.get_template(html_name).render({**context, "subject": subject})
        else:
            paragraphs = [p.splitlines() for p in re.split(r"\n\s*\n", text.strip()) if p]
            # Staff messages and plain customer letters have one source, the text; their HTML is
            # its paragraphs, escaped, in the letter's own layout (its footer, its words).
            layout = f"{language}/paragraphs.html.j2"
            if layout not in self._names:
                layout = f"{DEFAULT_LANGUAGE}/paragraphs.html.j2"
            html = environment.get_template(layout).render(
                {**context, "subject": subject, "paragraphs": paragraphs}
            )
        if large_print:
            html = _FONT_SIZE.sub(_large_font_size, html)
        return Letter(subject=subject, text=text, html=html, language=language)


def _large_font_size(match: re.Match[str]) -> str:
    """Every size in the email set for a large-print reader: at least 22px (16.5 point, the
    RNIB's clear print guidance for large print asks 16 at the least), headings still larger."""
    return f"font-size:{max(round(int(match.group(1)) * 1.4), 22)}px"


def _long_date_filter(context: Context, day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.date()
    return long_date(day, str(context.get("language", DEFAULT_LANGUAGE)))


def _on_date_filter(context: Context, day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.date()
    return on_date(day, str(context.get("language", DEFAULT_LANGUAGE)))


def _yours_filter(context: Context, label: str, start: bool = False) -> str:
    """`your complaint`; in a letter to someone acting for the customer (`acting_for`, the
    customer's name), `the complaint you made for Margaret Hill`."""
    acting_for = context.get("acting_for")
    words = f"the {label} you made for {acting_for}" if acting_for else f"your {label}"
    return words[:1].upper() + words[1:] if start else words


def _in_language_filter(context: Context, name: str) -> str:
    return in_language(name, str(context.get("language", DEFAULT_LANGUAGE)))


def _outcome_filter(context: Context, outcome: Outcome) -> str:
    return outcome_label(outcome, str(context.get("language", DEFAULT_LANGUAGE)))


@dataclass(frozen=True)
class Attachment:
    """A file that goes with a letter, such as the printable PDF of it."""

    filename: str
    content_type: str  # `application/pdf`
    data: bytes


def safe_filename(name: str) -> str:
    """A file name every mail reader and file system takes as it is: letters, digits, `.`, `_`
    and `-` only (anything else becomes `_`), no leading dot, at most 100 characters with the
    extension kept."""
    cleaned = _UNSAFE_IN_FILENAME.sub("_", name).lstrip(".")
    if len(cleaned) > _FILENAME_LENGTH:
        stem, dot, extension = cleaned.rpartition(".")
        if dot and stem and len(extension) <= 10:
            cleaned = f"{stem[: _FILENAME_LENGTH - len(extension) - 1]}.{extension}"
        else:
            cleaned = cleaned[:_FILENAME_LENGTH]
    return cleaned or "attachment"


def new_message_id(reference: str, key: str, sender: str) -> str:
    """A fresh Message-ID: the case reference (so a reply finds its case even without our
    records), a digest of the action, and a random part. No personal data."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    domain = sender.rpartition("@")[2] or "localhost"
    return f"{reference}.{digest}.{uuid.uuid4().hex[:16]}@{domain}"


def build_email(
    letter: Letter,
    *,
    council: Council,
    sender: str,
    to: Sequence[str],
    reference: str,
    message_id: str,
    at: datetime,
    in_reply_to: str | None = None,
    auto_reply: bool = False,
    attachments: Sequence[Attachment] = (),
) -> OutboundEmail:
    """The MIME message for a letter: text and HTML alternatives, threading headers, and the
    headers that stop autoresponders answering a machine. With attachments it is
    multipart/mixed: the alternatives first, then each file, base64-encoded."""
    recipients = tuple(to)
    if not recipients or not all(valid_address(a) for a in recipients):
        raise ValueError("every recipient must be a plain email address")
    if not valid_address(sender):
        raise ValueError("the sender must be a plain email address")
    for attachment in attachments:
        if not _CONTENT_TYPE.match(attachment.content_type.lower()):
            raise ValueError("an attachment's content type must be a plain type/subtype")
    message = EmailMessage(policy=SMTP)
    message["From"] = formataddr((council.name, sender))
    message["To"] = ", ".join(recipients)
    message["Subject"] = letter.subject
    message["Date"] = format_datetime(at)
    message["Message-ID"] = f"<{message_id}>"
    original = normalise_message_id(in_reply_to)
    if original:
        message["In-Reply-To"] = f"<{original}>"
        message["References"] = f"<{original}>"
    # RFC 3834: answers to a customer's message are auto-replied, the rest auto-generated.
    message["Auto-Submitted"] = "auto-replied" if auto_reply else "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message["X-Case-Reference"] = reference
    message.set_content(letter.text, cte="quoted-printable")
    message.add_alternative(letter.html, subtype="html", cte="quoted-printable")
    for attachment in attachments:
        # The first one turns the message into multipart/mixed around the alternatives.
        maintype, _, subtype = attachment.content_type.lower().partition("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype,
            filename=safe_filename(attachment.filename),
        )
    # After the content: setting content drops every Content-* header set before it.
    message["Content-Language"] = letter.language
    # Headers unfolded: Python folds a long subject by moving all of it to a continuation
    # line, which readers then see with a leading space. They stay far below 998 characters.
    raw = message.as_bytes(policy=_HEADERS_UNFOLDED)
    return OutboundEmail(sender=sender, recipients=recipients, message_id=message_id, raw=raw)
