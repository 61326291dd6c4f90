"""`sla-monitor case hold` and `case release` against in-process AWS: a closed case on hold
keeps no expiry on its item, its timeline or its search entries, gets it back when the hold is
lifted, and only the Corporate Complaints Officer may do either."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sla_monitor.runtime import services

from .support import event, log_complaint, refused, run_json, stored

pytestmark = pytest.mark.slow(seconds=20)

CLOSED_AT = "2026-12-01T11:00"


def expiries(reference: str) -> set[datetime | None]:
    """The expiry of the case's item and of every event under it, as stored."""
    m = services().store.models
    found = {m.case.get(f"CASE#{reference}", "CASE").expires_at}
    found |= {
        e.expires_at for e in m.event.query(f"CASE#{reference}", m.event.sk.startswith("EVENT#"))
    }
    return found


def closed_complaint(capsys) -> str:
    original = log_complaint(capsys)
    duplicate = log_complaint(capsys, now="2026-12-01T10:30")
    run_json(capsys, f"merge {duplicate} --into {original} --now {CLOSED_AT}")
    return duplicate


def test_a_held_case_never_expires_and_expires_again_once_released(aws, capsys):
    reference = closed_complaint(capsys)
    closed_at = stored(reference).closed_at
    assert closed_at is not None
    retention = timedelta(days=services().council.retention_days)
    # Events written while the case was open carry no expiry of their own.
    assert expiries(reference) - {None} == {closed_at + retention}

    held = run_json(
        capsys,
        f"hold {reference} --reason 'The Ombudsman is investigating' "
        "--as complaints-officer --now 2026-12-02T09:00",
    )
    assert held["result"] == f"{reference}: kept on legal hold (The Ombudsman is investigating)"
    hold = stored(reference).legal_hold
    assert hold is not None and hold.held_by == "complaints-officer"
    assert hold.held_at == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    assert expiries(reference) == {None}
    assert event(reference, "legal_hold").summary == (
        "kept on legal hold: The Ombudsman is investigating"
    )

    released = run_json(
        capsys,
        f"release {reference} --reason 'The Ombudsman closed the case' "
        "--as complaints-officer --now 2027-01-04T09:00",
    )
    assert released["result"].startswith(f"{reference}: legal hold lifted")
    assert stored(reference).legal_hold is None
    assert expiries(reference) == {closed_at + retention}
    assert event(reference, "legal_hold_lifted").details["reason"] == (
        "The Ombudsman closed the case"
    )


def test_only_the_corporate_complaints_officer_may_hold_a_case(aws, capsys):
    reference = closed_complaint(capsys)
    reason = refused(capsys, f"hold {reference} --reason 'A claim' --as jane-smith")
    assert reason.startswith("'jane-smith' may not keep a case on legal hold")
    assert stored(reference).legal_hold is None


def test_a_hold_needs_a_reason_and_is_not_placed_twice(aws, capsys):
    reference = closed_complaint(capsys)
    assert refused(capsys, f"hold {reference} --reason ' ' --as complaints-officer").startswith(
        "say why the case must be kept"
    )
    run_json(capsys, f"hold {reference} --reason 'A claim' --as complaints-officer")
    assert refused(capsys, f"hold {reference} --reason 'Again' --as complaints-officer").startswith(
        f"{reference} is on hold already"
    )
    assert refused(capsys, f"release {reference} --reason 'x' --as jane-smith").startswith(
        "'jane-smith' may not"
    )
