"""`sla-monitor appointment` and the call-backs of `sla-monitor case` against in-process AWS:
booked, running late, recorded and listed, stored on the case item and shown by `case show`,
with the customer told at once."""

from __future__ import annotations

import json
import shlex

import pytest

from sla_monitor.cli.main import main

from ..checker_support import mail_to
from .support import RESIDENT, log_enquiry, run, run_json, stored

pytestmark = pytest.mark.slow(seconds=30)


def appointment(capsys, command: str) -> tuple[int, str, str]:
    code = main(["appointment", *shlex.split(command)])
    out, err = capsys.readouterr()
    return code, out, err


def logged_with_email(capsys) -> str:
    logged = run_json(
        capsys,
        f"log --channel phone --type service_request --name 'Ann Example' --email {RESIDENT} "
        "--summary 'Damp in the bathroom' --department housing --now 2026-12-01T10:00 "
        "--callback-by 2026-12-01T15:00",
    )
    reference: str = logged["case"]["reference"]
    run(capsys, f"assign {reference} --officer jane-smith --now 2026-12-01T10:05")
    return reference


def test_book_late_and_record_are_kept_and_shown(aws, capsys):
    reference = logged_with_email(capsys)
    code, out, err = appointment(
        capsys,
        f"book {reference} --at 2026-12-03T10:30 --minutes 45 --kind visit "
        "--place '12 High Street, Coalville' --private-room --as jane-smith "
        "--now 2026-12-01T11:00",
    )
    assert (code, err) == (0, "")
    assert out.startswith(
        f"{reference}: 1. home visit, Thursday 3 December 2026 at 10:30am (45 minutes), "
        "12 High Street, Coalville, private room, with Jane Smith: booked\n"
    )
    assert [m.subject for m in mail_to(RESIDENT) if "appointment" in m.subject] == [
        f"{reference}: your appointment with us"
    ]
    code, out, _ = appointment(
        capsys, f"late {reference} --minutes 20 --as jane-smith --now 2026-12-03T10:25"
    )
    assert code == 0 and "by about 20 minutes; the customer is told" in out
    assert f"{reference}: we are running late for your appointment" in [
        m.subject for m in mail_to(RESIDENT)
    ]
    code, _, _ = appointment(
        capsys,
        f"record {reference} --outcome kept --late-minutes 20 --as jane-smith "
        "--now 2026-12-03T11:30",
    )
    assert code == 0
    [kept] = stored(reference).appointments
    assert (kept.late_minutes, kept.late_notices[0].minutes, kept.private_room) == (20, 20, True)
    shown = run_json(capsys, f"show {reference} --now 2026-12-03T12:00")
    [clock] = [c for c in shown["clocks"] if c["promise"] == "appointment_on_time"]
    assert clock["state"] == "breached"
    assert shown["appointments"][0]["in_words"] == "kept 20 minutes late"
    assert shown["call_backs"][0]["called_at"] is None
    code, out, _ = run(capsys, f"called-back {reference} --as jane-smith --now 2026-12-01T14:00")
    assert code == 0
    assert out.startswith(f"{reference}: call-back 1 made\n")
    assert stored(reference).call_backs[0].called_by == "jane-smith"


def test_list_shows_an_officers_appointments_today_and_tomorrow(aws, capsys):
    reference = logged_with_email(capsys)
    for at in ("2026-12-02T09:00", "2026-12-04T09:00"):
        assert (
            appointment(
                capsys,
                f"book {reference} --at {at} --minutes 30 --kind call --place '07700 900123' "
                "--now 2026-12-01T11:00",
            )[0]
            == 0
        )
    code, out, _ = appointment(capsys, "list --as jane-smith --now 2026-12-01T16:00 --json")
    assert code == 0
    listed = json.loads(out)
    assert [(a["reference"], a["starts_at"]) for a in listed] == [
        (reference, "2026-12-02T09:00:00+00:00")
    ]


def test_an_appointment_without_a_place_is_refused(aws, capsys):
    reference = log_enquiry(capsys)
    code, out, err = appointment(
        capsys,
        f"book {reference} --at 2026-12-03T10:30 --minutes 45 --kind office --place ' ' "
        "--officer jane-smith --now 2026-12-01T11:00",
    )
    assert (code, out) == (2, "")
    assert err == "sla-monitor: say where: address\n"
