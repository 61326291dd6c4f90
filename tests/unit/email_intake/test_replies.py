"""Threading a reply onto its case, and finding what is new in it."""

from __future__ import annotations

from datetime import datetime

import pytest

from sla_monitor.calendar import LONDON
from sla_monitor.cases import Case, CaseType, Channel
from sla_monitor.mail.message import parse_email
from sla_monitor.mail.replies import (
    find_thread,
    message_id_forms,
    new_words,
    references_in,
)


class Cases:
    def __init__(self, references=(), message_ids=None):
        self.references = set(references)
        self.message_ids = message_ids or {}

    def get_case(self, reference):
        if reference not in self.references:
            return None
        return Case(
            reference=reference,
            case_type=CaseType.ENQUIRY,
            channel=Channel.EMAIL,
            received_at=datetime(2026, 3, 3, tzinfo=LONDON),
            subject="s",
            description="d",
        )

    def find_case_by_message_id(self, message_id):
        return self.message_ids.get(message_id)


def email(subject="Re: bins", in_reply_to=None, references=None):
    lines = ["From: a@example.org", f"Subject: {subject}"]
    if in_reply_to:
        lines.append(f"In-Reply-To: {in_reply_to}")
    if references:
        lines.append(f"References: {references}")
    return parse_email(("\n".join(lines) + "\n\nbody\n").encode())


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Re: NWL-2026-000123", ("NWL-2026-000123",)),
        ("re: nwl-2026-000123 and NWL 2026 000124", ("NWL-2026-000123", "NWL-2026-000124")),
        ("NWL2026000123", ("NWL-2026-000123",)),
        ("XNWL-2026-000123", ()),
        ("NWL-2026-0001234567", ()),
        ("NWL-26-000123", ()),
        ("ABC-2026-000123", ()),
    ],
)
def test_references_in(text, found):
    assert references_in(text, "NWL") == found


def test_message_id_forms_include_the_short_ses_id():
    assert message_id_forms("<0102abc-000000@eu-west-2.amazonses.com>") == (
        "0102abc-000000@eu-west-2.amazonses.com",
        "<0102abc-000000@eu-west-2.amazonses.com>",
        "0102abc-000000",
    )
    assert message_id_forms("x@example.org") == ("x@example.org", "<x@example.org>")


def test_in_reply_to_wins_over_the_subject():
    store = Cases(["NWL-2026-000001", "NWL-2026-000002"], {"0102ack": "NWL-2026-000002"})
    parsed = email("Re: NWL-2026-000001", in_reply_to="<0102ack@eu-west-2.amazonses.com>")

    match = find_thread(parsed, store=store, prefix="NWL")

    assert (match.reference, match.matched_by) == ("NWL-2026-000002", "in-reply-to")


def test_a_subject_reference_to_no_case_is_passed_over():
    store = Cases(["NWL-2026-000002"])
    parsed = email("Re: NWL-2026-000001 and NWL-2026-000002")

    match = find_thread(parsed, store=store, prefix="NWL")

    assert (match.reference, match.matched_by) == ("NWL-2026-000002", "subject reference")


def test_the_latest_known_references_entry_is_used():
    store = Cases(
        message_ids={"old@example.org": "NWL-2026-000001", "new@example.org": "NWL-2026-000007"}
    )
    parsed = email(references="<old@example.org> <new@example.org> <unknown@example.org>")

    match = find_thread(parsed, store=store, prefix="NWL")

    assert (match.reference, match.matched_by) == ("NWL-2026-000007", "references")


def test_no_thread():
    assert find_thread(email("Re: NWL-2026-000001"), store=Cases(), prefix="NWL") is None


@pytest.mark.parametrize(
    "quoted",
    [
        "On Tue, 17 Mar 2026 at 10:00, Customer Services wrote:\n> earlier",
        "On Tue, 17 Mar 2026 at 10:00, Customer Services\n<cs@example.org> wrote:\n> earlier",
        "-----Original Message-----\nFrom: Customer Services\nSent: today",
        "________________________________\nFrom: Customer Services\nSent: today",
        "From: Customer Services\nSent: 17 March 2026\nTo: me",
        "> earlier\n> more",
    ],
)
def test_new_words_drop_the_quoted_message(quoted):
    assert new_words(f"Here is the photo.\n\n{quoted}") == "Here is the photo."


def test_new_words_keep_everything_when_only_a_quote_was_sent():
    assert new_words("> just the old text") == "> just the old text"
