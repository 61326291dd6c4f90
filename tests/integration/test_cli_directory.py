"""`sla-monitor directory ...` against in-process AWS: what it prints, and what it stores."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

import pytest

from sla_monitor.calendar import LONDON
from sla_monitor.cli.main import main
from sla_monitor.directory import Directory
from sla_monitor.runtime import services

pytestmark = pytest.mark.slow(seconds=12)

NOW = "2026-12-01T10:00"


@pytest.fixture
def aws() -> Iterator[None]:
    """One in-process AWS for the whole test; the commands find it as they would an endpoint."""
    from sla_monitor_local.embedded import embedded_aws

    with embedded_aws():
        yield


def stored() -> Directory:
    return services().directory_store.load_directory()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["directory", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def add_jane(capsys) -> None:
    code, _, _ = run(
        capsys,
        "add-officer",
        "jane-smith",
        "--name",
        "Jane Smith",
        "--email",
        "jane.smith@nwleicestershire.gov.uk",
        "--job-title",
        "Housing Officer",
        "--department",
        "housing",
        "--as",
        "complaints-officer",
        "--now",
        NOW,
    )
    assert code == 0


def test_list_shows_departments_with_their_heads_officers_and_roles(aws, capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Departments"
    housing = next(line for line in lines if line.strip().startswith("housing "))
    assert "Housing" in housing and "head: head-housing (Head of Housing)" in housing
    assert "Officers" in lines and "Roles" in lines
    assert any(line.split() == ["default_department", "customer-services"] for line in lines)


def test_list_as_json(aws, capsys):
    add_jane(capsys)
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    listing = json.loads(out)
    assert set(listing) == {"departments", "officers", "roles"}
    housing = next(d for d in listing["departments"] if d["code"] == "housing")
    assert housing == {
        "code": "housing",
        "name": "Housing",
        "head_of_service": "head-housing",
        "team_email": None,
        "retired": False,
        "changed_by": None,
        "changed_at": None,
    }
    jane = next(o for o in listing["officers"] if o["officer_id"] == "jane-smith")
    assert jane == {
        "officer_id": "jane-smith",
        "name": "Jane Smith",
        "email": "jane.smith@nwleicestershire.gov.uk",
        "job_title": "Housing Officer",
        "department": "housing",
        "retired": False,
        "changed_by": "complaints-officer",
        "changed_at": "2026-12-01T10:00:00+00:00",
    }
    assert listing["roles"] == {
        "corporate_complaints_officer": "complaints-officer",
        "chief_executive": "chief-executive",
        "default_department": "customer-services",
    }


def test_an_officer_is_added_and_recorded_with_who_added_them(aws, capsys):
    add_jane(capsys)
    jane = stored().officer("jane-smith")
    assert (jane.name, jane.department, jane.retired) == ("Jane Smith", "housing", False)
    assert jane.changed_by == "complaints-officer"
    assert jane.changed_at == datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)


def test_a_department_is_added_changed_and_retired(aws, capsys):
    add_jane(capsys)
    code, out, _ = run(capsys, "add-department", "parks", "--name", "Parks", "--head", "jane-smith")
    assert (code, out) == (0, "added department parks: Parks, Head of Service jane-smith\n")
    code, out, _ = run(
        capsys,
        "change-department",
        "parks",
        "--team-email",
        "parks@nwleicestershire.gov.uk",
        "--json",
    )
    assert code == 0
    change = json.loads(out)
    assert change["action"] == "change-department"
    assert change["department"]["team_email"] == "parks@nwleicestershire.gov.uk"
    assert change["department"]["changed_by"] == "administrator"
    code, out, _ = run(capsys, "retire-department", "parks")
    assert (code, out) == (
        0,
        "retired department parks: Parks, Head of Service jane-smith, "
        "team email parks@nwleicestershire.gov.uk\n",
    )
    assert stored().department("parks").retired
    _, listing, _ = run(capsys, "list")
    assert next(line for line in listing.splitlines() if "parks" in line).endswith("retired")


def test_an_officer_is_changed_and_retired(aws, capsys):
    add_jane(capsys)
    code, out, _ = run(capsys, "change-officer", "jane-smith", "--job-title", "Team Leader")
    assert code == 0
    assert out.startswith("changed officer jane-smith: Jane Smith, Team Leader")
    code, out, _ = run(capsys, "retire-officer", "jane-smith", "--json")
    assert code == 0
    assert json.loads(out)["officer"]["retired"] is True
    jane = stored().officer("jane-smith")
    assert (jane.job_title, jane.retired) == ("Team Leader", True)


def test_a_role_is_given_to_another_officer(aws, capsys):
    add_jane(capsys)
    code, out, _ = run(capsys, "set-role", "corporate_complaints_officer", "jane-smith")
    assert (code, out) == (0, "corporate_complaints_officer is now jane-smith\n")
    assert stored().corporate_complaints_officer == "jane-smith"
    code, out, _ = run(capsys, "set-role", "default_department", "housing", "--json")
    assert json.loads(out) == {
        "action": "set-role",
        "role": "default_department",
        "value": "housing",
    }


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (
            ("retire-officer", "head-housing"),
            "officer head-housing is Head of Service of housing: name another head first",
        ),
        (
            ("retire-department", "customer-services"),
            "department customer-services is the default department: "
            "name another default_department first",
        ),
        (
            ("add-department", "housing", "--name", "Housing", "--head", "head-housing"),
            "a department with the code housing exists already",
        ),
        (
            ("add-department", "parks", "--name", "Parks", "--head", "nobody"),
            "no officer has the id 'nobody'",
        ),
        (
            ("change-officer", "head-housing", "--email", "Head <head@x.gov.uk>"),
            "the email 'Head <head@x.gov.uk>' is not a plain email address, "
            "like name@council.gov.uk",
        ),
        (("change-department", "housing"), "nothing to change"),
        (("set-role", "mayor", "head-housing"), "unknown role 'mayor'"),
    ],
)
def test_a_refused_change_says_why_in_one_line_and_changes_nothing(aws, capsys, argv, reason):
    before = stored()
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith(f"sla-monitor: {reason}")
    assert err.count("\n") == 1
    assert stored() == before


def test_a_time_that_is_not_iso_is_a_usage_error(aws, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["directory", "retire-officer", "head-housing", "--now", "yesterday"])
    assert exit_info.value.code == 2
    assert "not an ISO 8601 date-time" in capsys.readouterr().err


def test_list_on_embedded_aws(capsys):
    code, out, _ = run(capsys, "list", "--embedded", "--json")
    assert code == 0
    assert len(json.loads(out)["departments"]) == 7


def test_retiring_an_officer_hands_their_open_cases_to_the_head_of_service(aws, capsys):
    # Given Jane's complaint, acknowledged
    add_jane(capsys)
    code = main(
        [
            "case",
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
            "--now",
            NOW,
            "--json",
        ]
    )
    reference = json.loads(capsys.readouterr().out)["case"]["reference"]
    assert code == 0
    assert main(["case", "assign", reference, "--officer", "jane-smith", "--now", NOW]) == 0
    capsys.readouterr()

    # When she is retired
    code, out, _ = run(capsys, "retire-officer", "jane-smith", "--now", "2026-12-02T10:00")

    # Then her case is the Head of Service's, who is told, and so is the customer
    assert code == 0
    assert out.splitlines()[1] == (
        "1 open case(s) handed to their Head of Service, who is told; customers already told "
        f"who deals with theirs are told who does now: {reference}"
    )
    case = services().store.get_case(reference)
    owed = {(n.kind.value, n.details.get("why", "")) for n in case.notifications_unsent()}
    assert {("owner_retired", ""), ("case_update", "reassigned")} <= owed
    assert services().store.timeline(reference)[-1].kind == "owner_retired"


def test_retiring_as_json_lists_the_cases_handed_over(aws, capsys):
    add_jane(capsys)
    code, out, _ = run(capsys, "retire-officer", "jane-smith", "--json", "--now", NOW)
    assert code == 0
    record = json.loads(out)
    assert record["officer"]["retired"] is True and record["handed_over"] == []
