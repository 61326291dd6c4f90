"""A subject access bundle (UK GDPR article 15): what the council holds about one person, as
files a Data Protection Officer reviews and hands over.

    index.html                  what is held, why, and where; a page a case
    cases/<reference>.html      the case's facts, its messages and its timeline
    letters/<reference>/<key>.txt (.pdf)   each letter as it was sent
    files/<reference>/<name>    each file they sent (the raw email among them)
    mail-set-aside/<n>.eml      mail set aside from their address, as it came
    manifest.json               every file with its size and SHA-256 checksum

Other people's personal data is marked for redaction review, never removed here (the DPO
decides): every email address and phone number that is not the person's own (an officer's
direct line, a neighbour's), the officers who acted, and internal notes, which may name third
parties. Marked passages carry the class `redaction-review` and are listed on the index page.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.correspondence import Direction, conversation
from sla_monitor.directory import Directory
from sla_monitor.listing import phone_digits
from sla_monitor.mail.receive import safe_file_name
from sla_monitor.privacy.files import PersonsFiles
from sla_monitor.privacy.holdings import HeldCase, Holdings
from sla_monitor.wording import long_date

_CONTACT = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+|\+?\d[\d ]{8,}\d")
_STYLE = (
    "body{font-family:Arial,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;"
    "line-height:1.4}mark.redaction-review{background:#ffdd00;outline:2px solid #0b0c0c}"
    "table{border-collapse:collapse}td,th{border-bottom:1px solid #b1b4b6;padding:.3em .6em;"
    "text-align:left;vertical-align:top}"
)


@dataclass
class Bundle:
    files: dict[str, bytes] = field(default_factory=dict)
    reviews: list[str] = field(default_factory=list)  # what is marked for redaction review
    missing: list[str] = field(default_factory=list)  # files no longer in the bucket

    def add(self, path: str, content: bytes) -> None:
        self.files[path] = content

    def manifest(self, *, person: str, made_at: datetime) -> bytes:
        entries = [
            {"path": path, "bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
            for path, content in sorted(self.files.items())
        ]
        record = {"about": person, "made_at": made_at.isoformat(), "files": entries}
        return json.dumps(record, indent=2).encode()


def subject_access_bundle(
    holdings: Holdings,
    *,
    files: PersonsFiles,
    directory: Directory,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Bundle:
    """Every file of the bundle, its manifest last (over all the others)."""
    bundle = Bundle()
    own = _own_contacts(holdings)
    for held in holdings.cases:
        reference = held.case.reference
        bundle.add(
            f"cases/{reference}.html", _case_page(held, own, directory, calendar, bundle).encode()
        )
        for key, letter in held.letters:
            bundle.add(f"letters/{reference}/{safe_file_name(key)}.txt", letter.text.encode())
            if letter.pdf:
                bundle.add(f"letters/{reference}/{safe_file_name(key)}.pdf", letter.pdf)
        for file in held.files:
            content = files.read(file.key)
            path = f"files/{reference}/{file.attachment_id}-{safe_file_name(file.filename)}"
            if content is None:
                bundle.missing.append(path)
            else:
                bundle.add(path, content)
    for number, record in enumerate(holdings.triage, start=1):
        if record.raw_location:
            content = files.read(record.raw_location)
            if content is not None:
                bundle.add(f"mail-set-aside/{number:03d}.eml", content)
    bundle.add("index.html", _index_page(holdings, bundle, calendar, now).encode())
    person = holdings.person.email or holdings.person.name or holdings.person.phone or ""
    bundle.add("manifest.json", bundle.manifest(person=person, made_at=now))
    return bundle


def _own_contacts(holdings: Holdings) -> set[str]:
    own = {holdings.person.address or "", holdings.person.digits or ""}
    for held in holdings.cases:
        for party in (held.case.customer, held.case.representative):
            if party is not None and held.standing.value != "name_only":
                own |= {(party.email or "").lower(), phone_digits(party.phone or "") or ""}
    return own - {""}


def _marked(text: str, own: set[str], bundle: Bundle, where: str) -> str:
    """The text escaped, with other people's email addresses and phone numbers marked."""
    out, last = [], 0
    for found in _CONTACT.finditer(text):
        value = found.group(0)
        out.append(html.escape(text[last : found.start()]))
        mine = value.lower() in own or (phone_digits(value) or "") in own
        if mine:
            out.append(html.escape(value))
        else:
            out.append(f'<mark class="redaction-review">{html.escape(value)}</mark>')
            bundle.reviews.append(f"{where}: a contact detail that is not the person's own")
        last = found.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}'
        f"</title><style>{_STYLE}</style></head><body><main>{body}</main></body></html>"
    )


def _when(at: datetime | None, calendar: WorkingDayCalendar) -> str:
    if at is None:
        return "not recorded"
    local = calendar.local(at)
    return f"{long_date(local.date())}, {local:%H:%M}"


def _case_page(
    held: HeldCase,
    own: set[str],
    directory: Directory,
    calendar: WorkingDayCalendar,
    bundle: Bundle,
) -> str:
    case = held.case
    where = case.reference
    owner = directory.owner(case)
    officer = (
        f'<mark class="redaction-review">{html.escape(owner.name)}</mark>'
        if owner
        else "nobody yet"
    )
    rows = [
        ("Reference", html.escape(case.reference)),
        ("What it is", html.escape(case.case_type.label)),
        ("Your part in it", html.escape(held.standing.words)),
        ("Received", _when(case.received_at, calendar)),
        ("Subject", _marked(case.subject, own, bundle, where)),
        ("Dealt with by", officer),
        ("Status", "open" if case.is_open else f"closed {_when(case.closed_at, calendar)}"),
    ]
    if owner:
        bundle.reviews.append(f"{where}: the officer dealing with the case")
    parts = [f"<h1>{html.escape(case.reference)}</h1><table>"]
    parts += [f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in rows]
    parts.append("</table><h2>Messages</h2>")
    for message in conversation(case, held.timeline):
        text = _marked(message.text or "(its words were not kept)", own, bundle, where)
        if message.direction is Direction.NOTE:
            text = f'<mark class="redaction-review">{text}</mark>'
            bundle.reviews.append(f"{where}: an internal note, which may name others")
        parts.append(
            f"<h3>{html.escape(message.title)}, {_when(message.at, calendar)}</h3>"
            f'<p style="white-space:pre-wrap">{text}</p>'
        )
    parts.append("<h2>Timeline</h2><table><tr><th>When</th><th>What happened</th></tr>")
    for event in held.timeline:
        summary = _marked(event.summary, own, bundle, where)
        parts.append(f"<tr><td>{_when(event.at, calendar)}</td><td>{summary}</td></tr>")
    parts.append("</table>")
    return _page(f"{case.reference}: subject access", "".join(parts))


def _index_page(
    holdings: Holdings, bundle: Bundle, calendar: WorkingDayCalendar, now: datetime
) -> str:
    person = holdings.person
    named = ", ".join(v for v in (person.name, person.email, person.phone) if v)
    parts = [
        f"<h1>What the council holds about {html.escape(named)}</h1>",
        f"<p>Made {_when(now, calendar)}. Each record says why it is held and where.</p>",
        "<table><tr><th>What</th><th>Case</th><th>When</th><th>Detail</th><th>Why it is held"
        "</th><th>Where</th></tr>",
    ]
    for record in holdings.records():
        case = (
            f'<a href="cases/{record.reference}.html">{record.reference}</a>'
            if record.reference
            else "—"
        )
        parts.append(
            f"<tr><td>{html.escape(record.kind)}</td><td>{case}</td>"
            f"<td>{_when(record.at, calendar)}</td><td>{html.escape(record.description)}</td>"
            f"<td>{html.escape(record.why)}</td><td>{html.escape(record.where)}</td></tr>"
        )
    parts.append("</table><h2>For redaction review before it is handed over</h2>")
    reviews = sorted(set(bundle.reviews))
    parts.append(
        "<ul>" + "".join(f"<li>{html.escape(r)}</li>" for r in reviews) + "</ul>"
        if reviews
        else "<p>Nothing is marked.</p>"
    )
    if bundle.missing:
        parts.append("<h2>Files no longer kept</h2><ul>")
        parts += [f"<li>{html.escape(m)}</li>" for m in bundle.missing]
        parts.append("</ul>")
    return _page("Subject access: what the council holds", "".join(parts))
