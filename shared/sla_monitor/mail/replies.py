"""Finding the case a reply belongs to, and the new words in it.

A reply is recognised by its headers first (In-Reply-To names a message the product sent or
received on a case), then by a case reference in the subject, then by older messages in
References. Headers win because the subject is what a person edits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from sla_monitor.cases import Case

if TYPE_CHECKING:
    # Only its type: the parser loads where mail is parsed.
    from sla_monitor.mail.message import ParsedEmail

# A long thread's References can name dozens of messages; the latest few are enough.
_REFERENCES_FOLLOWED = 10

# Where a mail client starts quoting the message replied to.
_QUOTE_STARTS = (
    re.compile(r"^On\b[^\n]{0,300}(?:\n[^\n]{0,300})?\bwrote:[ \t]*$", re.MULTILINE),
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}", re.MULTILINE | re.IGNORECASE),
    re.compile(r"^_{10,}[ \t]*\n(?:From|De|Von):", re.MULTILINE),
    re.compile(r"^From:[^\n]*\n(?:Sent|Date):", re.MULTILINE),
)


class CaseLookup(Protocol):
    """The part of the case store threading needs."""

    def get_case(self, reference: str) -> Case | None: ...

    def find_case_by_message_id(self, message_id: str) -> str | None: ...


@dataclass(frozen=True)
class ThreadMatch:
    reference: str
    matched_by: str  # "in-reply-to" | "subject reference" | "references"


def reference_pattern(prefix: str) -> re.Pattern[str]:
    """Case references such as NWL-2026-000123, as people retype them (any case, a space for
    a hyphen, or none)."""
    return re.compile(
        rf"(?<![A-Za-z0-9]){re.escape(prefix)}[-\s]?(\d{{4}})[-\s]?(\d{{6,9}})(?!\d)",
        re.IGNORECASE,
    )


def references_in(text: str, prefix: str) -> tuple[str, ...]:
    """The case references written in `text`, in the form the store issues them."""
    found = (
        f"{prefix}-{year}-{number}" for year, number in reference_pattern(prefix).findall(text)
    )
    return tuple(dict.fromkeys(found))


def message_id_forms(message_id: str) -> tuple[str, ...]:
    """The forms a message id may have been recorded in.

    SES gives the sender a bare id and puts `<id@region.amazonses.com>` on the mail it sends, so a
    reply to our acknowledgement quotes the long form of an id we may hold in the short form.
    """
    bare = message_id.strip().strip("<>")
    forms = [bare, f"<{bare}>"]
    local, _, domain = bare.rpartition("@")
    if local and domain.lower().endswith("amazonses.com"):
        forms.append(local)
    return tuple(dict.fromkeys(forms))


def case_of_message(message_id: str, store: CaseLookup) -> str | None:
    for form in message_id_forms(message_id):
        reference = store.find_case_by_message_id(form)
        if reference is not None:
            return reference
    return None


def find_thread(parsed: ParsedEmail, *, store: CaseLookup, prefix: str) -> ThreadMatch | None:
    """The existing case this message replies to, or None when it starts a new one."""
    for message_id in parsed.in_reply_to:
        reference = case_of_message(message_id, store)
        if reference is not None:
            return ThreadMatch(reference, "in-reply-to")
    for reference in references_in(parsed.subject, prefix):
        if store.get_case(reference) is not None:
            return ThreadMatch(reference, "subject reference")
    for message_id in reversed(parsed.references[-_REFERENCES_FOLLOWED:]):
        reference = case_of_message(message_id, store)
        if reference is not None:
            return ThreadMatch(reference, "references")
    return None


def _trailing_quote_start(text: str) -> int:
    """Where the block of "> " lines that ends the text begins (len(text) if there is none)."""
    cut = len(text)
    position = len(text)
    for line in reversed(text.splitlines(keepends=True)):
        position -= len(line)
        if line.startswith(">"):
            cut = position
        elif line.strip():
            break
    return cut


def new_words(text: str) -> str:
    """The reply without the quoted message below it; the whole text if nothing is new."""
    cut = _trailing_quote_start(text)
    for pattern in _QUOTE_STARTS:
        match = pattern.search(text)
        if match is not None:
            cut = min(cut, match.start())
    fresh = text[:cut].strip()
    return fresh or text.strip()
