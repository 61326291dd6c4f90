"""`sla-monitor report ...` against in-process AWS: the reports read their period through the
received-month index of the real table, and bad periods are refused in one line."""

from __future__ import annotations

import csv
import io
import json
import shlex
from collections.abc import Iterator

import pytest
from pypdf import PdfReader
from unit.reports.cases import YEAR_2026  # the cases built to known outcomes

from sla_monitor.cli.main import main
from sla_monitor.listing import Schedule
from sla_monitor.runtime import services
from sla_monitor.store.ports import Shelf, customer_key
from sla_monitor.store.shelves import department_key

pytestmark = pytest.mark.slow(seconds=10)


@pytest.fixture
def aws() -> Iterator[None]:
    from sla_monitor_local.embedded import embedded_aws

    with embedded_aws():
        yield


def run(capsys, command: str) -> tuple[int, str, str]:
    code = main(shlex.split(command))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_monthly_report_counts_the_month_s_cases(aws, capsys, tmp_path):
    # A phone complaint logged on Tuesday 1 December and acknowledged at once by the checker...
    code, _, _ = run(
        capsys,
        "case log --channel phone --type complaint --name 'Ann Example' "
        "--email ann@example.org --summary 'Bin left on the road' --department housing "
        "--now 2026-12-01T10:00",
    )
    assert code == 0
    # ...and an enquiry by letter, answered late (due 8 December, answered 10 December).
    code, out, _ = run(
        capsys,
        "case log --channel letter --type enquiry --name 'Bob Resident' "
        "--address '1 High Street' --summary 'Garden waste round?' --department waste-services "
        "--now 2026-12-01T11:00 --json",
    )
    enquiry = json.loads(out)["case"]["reference"]
    run(capsys, f"case answer {enquiry} --text Tuesdays --now 2026-12-10T10:00")

    code, out, err = run(
        capsys,
        f"report monthly --month 2026-12 --format json --output {tmp_path} --now 2027-01-11T10:00",
    )
    assert (code, err) == (0, "")
    assert (
        out == f"{tmp_path}/report-2026-12.json: December 2026, 2 case(s), 6 promise(s) fell due\n"
    )
    report = json.loads((tmp_path / "report-2026-12.json").read_text())
    assert report["cases"] == 2
    promises = {p["promise"]: p for p in report["promises"]}
    # The complaint was acknowledged on time; never answered, so its response (due 15
    # December), its progress updates (15 and 31 December; the next, 15 January, is not due)
    # and its referral to the Chief Executive (31 December) are broken.
    assert promises["acknowledge_complaint"]["kept_on_time"] == 1
    assert promises["respond_to_complaint"]["broken_not_kept"] == 1
    progress = promises["complaint_progress_update"]
    assert (progress["broken_not_kept"], progress["not_due_yet"]) == (2, 1)
    assert promises["refer_to_chief_executive"]["broken_not_kept"] == 1
    assert promises["respond_to_enquiry"]["kept_late"] == 1
    assert {d["label"] for d in report["by_department"]} == {"Housing", "Waste Services"}
    assert [o["department"] for o in report["oldest_open"]] == ["Housing"]
    assert report["trend"][-1]["month"] == "2026-12" and len(report["trend"]) == 12


def test_an_empty_month_gives_a_report_that_says_so(aws, capsys, tmp_path):
    code, out, _ = run(
        capsys, f"report monthly --month 2026-11 --output {tmp_path} --now 2026-12-01T10:00"
    )
    assert code == 0
    assert out.endswith("November 2026, no cases were received in November 2026\n")
    page = (tmp_path / "report-2026-11.html").read_text()
    assert "No cases were received in November 2026: there is nothing to report" in page


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("report monthly --month 2027-02", "February 2027 has not begun yet: there is nothing"),
        ("report monthly --month 2026-13", "'2026-13' is not a month; write it like 2026-12"),
        ("report monthly --month last", "'last' is not a month; write it like 2026-12"),
        ("report annual --year 2028", "the year 2028 (1 January 2028 to 31 December 2028) has"),
        ("report annual --year 2027 --financial", "the financial year 2027/28 (1 April 2027"),
        ("report annual --year 'two thousand'", "'two thousand' is not a year"),
    ],
)
def test_a_period_in_the_future_or_malformed_is_refused_in_one_line(capsys, command, reason):
    code, out, err = run(capsys, f"{command} --now 2027-01-15T10:00 --embedded")
    assert (code, out) == (2, "")
    assert err.startswith(f"sla-monitor: {reason}")
    assert err.count("\n") == 1


def _store_the_year() -> None:
    store = services().store
    for case in YEAR_2026:
        store.create_case(case, events=[], schedule=Schedule(None))


def test_the_annual_report_as_csv_and_pdf(aws, capsys, tmp_path):
    _store_the_year()
    code, out, err = run(
        capsys,
        f"report annual --year 2026 --format csv --output {tmp_path} --now 2027-01-20T10:00",
    )
    assert (code, err) == (0, "")
    assert "3 stage 1 and 2 stage 2 complaint(s) received" in out
    rows = list(csv.reader(io.StringIO((tmp_path / "complaints-report-2026.csv").read_text())))
    figures = {(r[0], r[1], r[2]): r[3] for r in rows[2:]}
    assert figures[("complaints", "stage 1", "received")] == "3"
    # W, received in 2024 and still open, is read through the open-cases index.
    assert figures[("complaints", "stage 2", "received")] == "2"
    assert figures[("timescales", "stage 1", "within the Code (10 working days)")] == "2"
    assert figures[("timescales", "stage 1", "percent within our own")] == "33.3"
    assert figures[("ombudsman", "all", "referrals")] == "1"
    assert figures[("feedback", "Housing", "compliments")] == "1"

    code, _, _ = run(
        capsys,
        f"report annual --year 2026 --format pdf --output {tmp_path} --now 2027-01-20T10:00",
    )
    assert code == 0
    pdf = PdfReader(tmp_path / "complaints-report-2026.pdf")
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Annual complaints performance and service improvement report 2026" in text
    assert "Supervisor checks repeats" in text


def test_the_financial_year_report_is_named_for_both_years(aws, capsys, tmp_path):
    _store_the_year()
    code, out, _ = run(
        capsys,
        f"report annual --year 2026 --financial --output {tmp_path} --now 2027-01-20T10:00",
    )
    assert code == 0
    assert "the financial year 2026/27 (1 April 2026 to 31 March 2027)" in out
    page = (tmp_path / "complaints-report-2026-27.html").read_text()
    assert "report 2026/27" in page and "The year is not over yet" in page


def test_cases_saved_before_the_index_are_given_their_month_once(aws, capsys, tmp_path):
    _store_the_year()
    store = services().store
    table = services().client("dynamodb")
    # As a case saved before the upgrade: no received_month on it.
    table.update_item(
        TableName=services().settings.cases_table,
        Key={"pk": {"S": "CASE#NWL-2026-000010"}, "sk": {"S": "CASE"}},
        UpdateExpression="REMOVE received_month",
    )
    assert [c.reference for c in store.cases_received("2026-03")] == []
    code, out, _ = run(capsys, "report backfill")
    assert (code, out.splitlines()[0]) == (0, "1 case(s) given their received month")
    assert [c.reference for c in store.cases_received("2026-03")] == ["NWL-2026-000010"]
    assert run(capsys, "report backfill")[1].splitlines()[0] == (
        "0 case(s) given their received month"
    )


def test_cases_saved_before_the_residents_index_are_given_their_key_once(aws, capsys):
    _store_the_year()
    store = services().store
    case = store.get_case("NWL-2026-000010")
    assert case is not None and case.customer.email
    key = customer_key(case.customer.email)
    assert key is not None
    before = [c.reference for c in store.cases_of_customer(key)]
    assert case.reference in before
    # As a case saved before the upgrade: no customer_key on it.
    services().client("dynamodb").update_item(
        TableName=services().settings.cases_table,
        Key={"pk": {"S": "CASE#NWL-2026-000010"}, "sk": {"S": "CASE"}},
        UpdateExpression="REMOVE customer_key",
    )
    assert case.reference not in [c.reference for c in store.cases_of_customer(key)]
    out = run(capsys, "report backfill")[1]
    assert out.splitlines()[1] == "1 case(s) given their resident's key (for the residents' pages)"
    assert [c.reference for c in store.cases_of_customer(key)] == before
    assert run(capsys, "report backfill")[1].splitlines()[1].startswith("0 case(s)")


def test_cases_saved_before_the_shelves_are_filed_once(aws, capsys):
    _store_the_year()
    store = services().store
    open_ones = [c.reference for c in YEAR_2026 if c.is_open]
    assert open_ones
    table = services().client("dynamodb")
    for case in YEAR_2026:
        # As a case saved before the upgrade: filed under nothing.
        table.update_item(
            TableName=services().settings.cases_table,
            Key={"pk": {"S": f"CASE#{case.reference}"}, "sk": {"S": "CASE"}},
            UpdateExpression="REMOVE work_filed, work_counted, search_filed",
        )
    for shelf_key in {department_key(c.department) for c in YEAR_2026}:
        for entry in list(store.shelved(Shelf.DEPARTMENT, shelf_key)):
            table.delete_item(
                TableName=services().settings.cases_table,
                Key={
                    "pk": {"S": f"SHELF#department#{shelf_key}"},
                    "sk": {"S": entry.position},
                },
            )
    out = run(capsys, "report backfill")[1]
    assert (
        out.splitlines()[2] == f"{len(YEAR_2026)} case(s) filed for the staff work list and search"
    )
    shelved = {
        e.reference
        for c in YEAR_2026
        for e in store.shelved(Shelf.DEPARTMENT, department_key(c.department))
    }
    assert shelved == set(open_ones)
    assert run(capsys, "report backfill")[1].splitlines()[2].startswith("0 case(s)")


def test_closed_cases_saved_before_the_closed_view_are_filed_on_its_shelves_once(aws, capsys):
    _store_the_year()
    store = services().store
    closed = [c for c in YEAR_2026 if not c.is_open]
    assert closed
    # The open cases were stored with no deadline: filed by their clocks first.
    run(capsys, "report backfill")
    table = services().client("dynamodb")
    name = services().settings.cases_table
    for case in closed:
        shelf_key = department_key(case.department)
        for entry in list(store.shelved(Shelf.CLOSED_DEPARTMENT, shelf_key)):
            table.delete_item(
                TableName=name,
                Key={
                    "pk": {"S": f"SHELF#closed-department#{shelf_key}"},
                    "sk": {"S": entry.position},
                },
            )
        # As a closed case saved before the upgrade: on no shelf.
        table.update_item(
            TableName=name,
            Key={"pk": {"S": f"CASE#{case.reference}"}, "sk": {"S": "CASE"}},
            UpdateExpression="REMOVE work_filed",
        )
    assert not any(
        list(store.shelved(Shelf.CLOSED_DEPARTMENT, department_key(c.department))) for c in closed
    )

    out = run(capsys, "report backfill")[1]

    assert out.splitlines()[2] == f"{len(closed)} case(s) filed for the staff work list and search"
    entries = {
        e.reference: e
        for c in closed
        for e in store.shelved(Shelf.CLOSED_DEPARTMENT, department_key(c.department))
    }
    assert set(entries) == {c.reference for c in closed}
    # Each entry expires with its case.
    case = closed[0]
    item = table.get_item(
        TableName=name,
        Key={
            "pk": {"S": f"SHELF#closed-department#{department_key(case.department)}"},
            "sk": {"S": entries[case.reference].position},
        },
    )["Item"]
    stored = table.get_item(
        TableName=name, Key={"pk": {"S": f"CASE#{case.reference}"}, "sk": {"S": "CASE"}}
    )["Item"]
    assert item["expires_at"] == stored["expires_at"]
    assert run(capsys, "report backfill")[1].splitlines()[2].startswith("0 case(s)")
