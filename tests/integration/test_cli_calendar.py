"""`sla-monitor calendar ...` against in-process AWS: what it prints, and what it stores."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime

import pytest

from sla_monitor.calendar import LONDON, ClosureDay
from sla_monitor.cli.main import main
from sla_monitor.runtime import services

pytestmark = pytest.mark.slow(seconds=12)

NOW = "2026-12-01T10:00"


@pytest.fixture
def aws() -> Iterator[None]:
    """One in-process AWS for the whole test; the commands find it as they would an endpoint."""
    from sla_monitor_local.embedded import embedded_aws

    with embedded_aws():
        yield


def stored() -> list[ClosureDay]:
    return services().directory_store.closure_days()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["calendar", *argv, "--now", NOW])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_day_is_closed_with_its_reason_and_who_closed_it(aws, capsys):
    code, out, _ = run(
        capsys, "close", "2026-12-24", "--reason", "Christmas Eve", "--as", "complaints-officer"
    )
    assert (code, out) == (
        0,
        "closed 2026-12-24 (Thursday): Christmas Eve\nno open case's due dates moved\n",
    )
    assert stored() == [
        ClosureDay(
            date(2026, 12, 24),
            "Christmas Eve",
            "complaints-officer",
            datetime(2026, 12, 1, 10, 0, tzinfo=LONDON),
        )
    ]
    # The working days the product counts skip it from now on.
    assert not services().calendar.is_working_day(date(2026, 12, 24))


def test_closing_as_json(aws, capsys):
    code, out, _ = run(capsys, "close", "2026-12-24", "--reason", "Christmas Eve", "--json")
    assert code == 0
    assert json.loads(out) == {
        "action": "close",
        "closure_day": {
            "day": "2026-12-24",
            "reason": "Christmas Eve",
            "source": "stored",
            "added_by": "administrator",
            "added_at": "2026-12-01T10:00:00+00:00",
        },
        "retimed": [],
    }


def test_list_shows_closure_days_and_the_coming_years_bank_holidays(aws, capsys):
    run(capsys, "close", "2026-12-24", "--reason", "Christmas Eve")
    code, out, _ = run(capsys, "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Closure days"
    assert (
        lines[1] == "  2026-12-24  Thu  Christmas Eve  (added by administrator, 2026-12-01 10:00)"
    )
    assert lines[2] == "Bank holidays from 2026-12-01 to 2027-11-30"
    assert "  2026-12-25  Fri  Christmas Day" in lines
    assert "  2027-08-30  Mon  Late Summer Bank Holiday" in lines


def test_list_as_json(aws, capsys):
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    listing = json.loads(out)
    assert listing["closure_days"] == []
    assert listing["bank_holidays"][0] == {"day": "2026-12-25", "name": "Christmas Day"}
    assert all(
        h["day"] >= "2026-12-01" and h["day"] < "2027-12-01" for h in listing["bank_holidays"]
    )


def test_a_closed_day_is_opened_again(aws, capsys):
    run(capsys, "close", "2026-12-24", "--reason", "Christmas Eve")
    code, out, _ = run(capsys, "open", "2026-12-24")
    assert (code, out) == (
        0,
        "opened 2026-12-24 (Thursday) again; it was closed: Christmas Eve\n"
        "no open case's due dates moved\n",
    )
    assert stored() == []
    assert services().calendar.is_working_day(date(2026, 12, 24))


def test_opening_as_json(aws, capsys):
    run(capsys, "close", "2026-12-24", "--reason", "Christmas Eve")
    code, out, _ = run(capsys, "open", "2026-12-24", "--json", "--as", "complaints-officer")
    assert code == 0
    opened = json.loads(out)
    assert opened["action"] == "open"
    assert opened["by"] == "complaints-officer"
    assert opened["closure_day"]["day"] == "2026-12-24"


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (
            ("close", "2026-12-26", "--reason", "Boxing Day"),
            "Saturday 26 December 2026 is a weekend day: the council is closed at weekends anyway",
        ),
        (
            ("close", "2026-12-25", "--reason", "Christmas"),
            "Friday 25 December 2026 is a bank holiday (Christmas Day)",
        ),
        (
            ("close", "2026-11-30", "--reason", "Too late"),
            "Monday 30 November 2026 has passed (today is Tuesday 1 December 2026): "
            "the deadlines counted over it stand",
        ),
        (
            ("close", "2026-12-23", "--reason", "Christmas Eve"),
            "Wednesday 23 December 2026 is closed already (Staff training)",
        ),
        (("open", "2026-12-22"), "Tuesday 22 December 2026 is not a closure day"),
    ],
)
def test_a_refused_change_says_why_in_one_line_and_changes_nothing(aws, capsys, argv, reason):
    assert run(capsys, "close", "2026-12-23", "--reason", "Staff training")[0] == 0
    before = stored()
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err == f"sla-monitor: {reason}\n"
    assert stored() == before


def test_a_date_that_is_not_iso_is_a_usage_error(aws, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["calendar", "close", "24/12/2026", "--reason", "Christmas Eve"])
    assert exit_info.value.code == 2
    assert "is not a date; write it like 2026-12-24" in capsys.readouterr().err
    assert stored() == []


def test_closing_a_day_re_times_the_open_cases_it_touches(aws, capsys):
    code, out, _ = run_case(
        capsys,
        "log",
        "--channel",
        "letter",
        "--type",
        "enquiry",
        "--name",
        "Ann Example",
        "--email",
        "ann@example.org",
        "--summary",
        "When is the bin collected?",
    )
    assert code == 0
    reference = json.loads(out)["case"]["reference"]  # received Tuesday 1 December: due Tuesday 8th

    code, out, _ = run(capsys, "close", "2026-12-04", "--reason", "Staff training", "--json")

    assert code == 0
    [moved] = json.loads(out)["retimed"]
    assert moved["reference"] == reference
    respond = next(c for c in moved["clocks"] if c["promise"] == "respond_to_enquiry")
    assert (respond["old"], respond["new"], respond["moved"]) == ("2026-12-08", "2026-12-09", True)
    timeline = services().store.timeline(reference)
    assert timeline[-1].summary.startswith("re-timed (2026-12-04 closed)")


def run_case(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["case", *argv, "--now", NOW, "--json"])
    out, err = capsys.readouterr()
    return code, out, err


def test_closing_a_day_tells_a_customer_whose_reply_date_moved(aws, capsys):
    # Given a complaint by phone, acknowledged at once: a reply promised by Tuesday 15 December
    code, out, _ = run_case(
        capsys,
        "log",
        "--channel",
        "telephone",
        "--type",
        "complaint",
        "--name",
        "Ann Example",
        "--email",
        "ann@example.org",
        "--summary",
        "The crew left my bin on the road again",
        "--department",
        "housing",
    )
    assert code == 0
    reference = json.loads(out)["case"]["reference"]
    assert services().store.get_case(reference).acknowledged_at is not None

    # When the council closes on Friday 4 December
    code, _, _ = run(capsys, "close", "2026-12-04", "--reason", "Staff training")

    # Then the customer is owed a case update with the new date, and the timeline says so
    assert code == 0
    case = services().store.get_case(reference)
    [update] = [n for n in case.notifications_unsent() if n.details.get("why") == "retimed"]
    assert update.details["reply_by"] == "2026-12-16"
    assert (
        services()
        .store.timeline(reference)[-1]
        .summary.endswith("the customer is told their new reply date, 2026-12-16")
    )
