"""`sla-monitor case represent`, `case link` and `case merge` against in-process AWS: what each
stores, what `case show` then says, where the letters go, and what is refused."""

from __future__ import annotations

import pytest

from ..checker_support import mail_to
from .support import RESIDENT, event, log_complaint, refused, run, run_json, stored

pytestmark = pytest.mark.slow(seconds=20)

DAUGHTER = "priya.shah@example.org"


def test_a_representative_is_recorded_shown_and_written_to_with_consent(aws, capsys):
    reference = log_complaint(capsys)
    done = run_json(
        capsys,
        f"represent {reference} --name 'Priya Shah' --relationship daughter --email {DAUGHTER} "
        "--consent in-writing --consent-given 2026-11-30 --letters-to both --as jane-smith "
        "--now 2026-12-01T11:00",
    )
    assert done["result"] == (
        f"{reference}: Priya Shah acts for the customer; letters go to the customer and the "
        "representative"
    )
    recorded = event(reference, "representative_recorded")
    assert recorded.actor == "jane-smith"
    assert "consent given in writing on Monday 30 November 2026" in recorded.summary

    run(capsys, f"reply {reference} --text 'We have booked a visit.' --now 2026-12-01T11:30")
    assert len(mail_to(DAUGHTER)) == 1 and len(mail_to(RESIDENT)) == 2  # and the acknowledgement

    shown = run_json(capsys, f"show {reference} --now 2026-12-01T12:00")
    assert shown["representative"]["consent_given_on"] == "2026-11-30"
    assert shown["letters_to"] == "the customer and the representative"
    code, out, _ = run(capsys, f"show {reference} --now 2026-12-01T12:00")
    assert code == 0
    assert "Representative:  Priya Shah (daughter), priya.shah@example.org" in out
    found = run_json(capsys, f"list --search {DAUGHTER} --now 2026-12-01T12:00")
    assert [c["reference"] for c in found] == [reference]


def test_a_representative_without_a_way_to_reach_them_is_refused(aws, capsys):
    reference = log_complaint(capsys)
    reason = refused(capsys, f"represent {reference} --name 'Priya Shah' --relationship daughter")
    assert reason.startswith("enter at least one way to contact the representative")
    assert stored(reference).representative is None


def test_a_duplicate_is_merged_into_its_original_and_both_say_so(aws, capsys):
    original = log_complaint(capsys)
    duplicate = log_complaint(capsys, now="2026-12-01T10:30")
    other = log_complaint(capsys, now="2026-12-01T10:40")

    linked = run_json(capsys, f"link {original} --to {other} --now 2026-12-01T11:00")
    assert linked["result"] == f"{original}: linked to {other}"
    written = len(mail_to(RESIDENT))
    merged = run_json(capsys, f"merge {duplicate} --into {original} --now 2026-12-01T11:00")
    assert merged["result"] == f"{duplicate}: merged into {original} and closed"
    # The same customer, acknowledged on the original that day: not written to again.
    assert len(mail_to(RESIDENT)) == written

    shown = run_json(capsys, f"show {original} --now 2026-12-01T12:00")
    assert (shown["linked_cases"], shown["merged_from"]) == ([other], [duplicate])
    closed = run_json(capsys, f"show {duplicate} --now 2026-12-01T12:00")
    assert closed["merged_into"] == original and closed["closed_at"]
    assert refused(capsys, f"merge {other} --into {duplicate}") == (
        f"{duplicate} was merged into {original}: merge into {original} instead"
    )

    unlinked = run_json(capsys, f"link {other} --to {original} --remove --now 2026-12-01T12:30")
    assert unlinked["result"] == f"{other}: no longer linked to {original}"
    assert (stored(original).linked_cases, stored(other).linked_cases) == ((), ())
    assert event(original, "unlinked").summary == f"no longer linked to {other}"
    assert refused(capsys, f"link {other} --to {original} --remove") == (
        f"{other} is not linked to {original}"
    )
