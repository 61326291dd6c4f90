"""The same behaviour from both directory stores: DynamoDB (on moto) and in memory."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from sla_monitor.calendar import LONDON, ClosureDay
from sla_monitor.directory import Department, Directory, Officer, default_directory
from sla_monitor.store.memory import InMemoryDirectoryStore

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)


@pytest.fixture(params=["dynamodb", "memory"])
def store(request):
    if request.param == "memory":
        yield InMemoryDirectoryStore(default_directory())
        return
    from sla_monitor_local.embedded import embedded_aws

    with embedded_aws() as bundle:
        yield bundle.directory_store


def by_code(directory: Directory) -> dict[str, Department]:
    return {d.code: d for d in directory.departments}


def by_id(directory: Directory) -> dict[str, Officer]:
    return {o.officer_id: o for o in directory.officers}


def test_one_department_is_written_and_the_rest_left_alone(store):
    before = store.load_directory()
    parks = Department(
        "parks",
        "Parks",
        head_of_service="head-planning",
        team_email="parks@example.gov.uk",
        changed_by="complaints-officer",
        changed_at=NOW,
    )
    store.save_department(parks)
    after = store.load_directory()
    assert by_code(after) == {**by_code(before), "parks": parks}
    loaded = after.department("parks")
    assert (loaded.changed_by, loaded.changed_at) == ("complaints-officer", NOW)
    assert by_id(after) == by_id(before)


def test_a_retired_department_and_officer_come_back_retired(store):
    housing = store.load_directory().department("housing")
    store.save_department(replace(housing, retired=True))
    officer = store.load_directory().officer("head-planning")
    store.save_officer(replace(officer, retired=True, changed_by="administrator", changed_at=NOW))
    directory = store.load_directory()
    assert directory.department("housing").retired
    assert directory.officer("head-planning").retired
    assert directory.officer("head-planning").changed_at == NOW
    assert not directory.officer("head-housing").retired


def test_one_officer_is_written_and_the_rest_left_alone(store):
    before = store.load_directory()
    jane = Officer("jane-smith", "Jane Smith", "jane@example.gov.uk", "Officer", "housing")
    store.save_officer(jane)
    moved = replace(jane, department="planning")
    store.save_officer(moved)
    after = store.load_directory()
    assert by_id(after) == {**by_id(before), "jane-smith": moved}
    assert by_code(after) == by_code(before)


def test_a_role_is_set_alone(store):
    before = store.load_directory()
    store.save_role("chief_executive", "head-housing", changed_by="administrator", changed_at=NOW)
    store.save_role("default_department", "housing", changed_by="administrator", changed_at=NOW)
    after = store.load_directory()
    assert (after.chief_executive, after.default_department) == ("head-housing", "housing")
    assert after.corporate_complaints_officer == before.corporate_complaints_officer
    with pytest.raises(ValueError, match="unknown role"):
        store.save_role("mayor", "head-housing", changed_by="administrator", changed_at=NOW)


def test_closure_days_are_kept_once_earliest_first_and_removed(store):
    christmas_eve = ClosureDay(date(2026, 12, 24), "Christmas Eve", "administrator", NOW)
    training = ClosureDay(date(2026, 12, 2), "Staff training", "complaints-officer", NOW)
    assert store.closure_days() == []
    assert store.add_closure_day(christmas_eve) is True
    assert store.add_closure_day(training) is True
    assert store.add_closure_day(replace(christmas_eve, reason="again")) is False
    assert store.closure_days() == [training, christmas_eve]
    assert store.remove_closure_day(date(2026, 12, 2)) is True
    assert store.remove_closure_day(date(2026, 12, 2)) is False
    assert store.closure_days() == [christmas_eve]


def test_a_reply_template_is_kept_with_every_change_to_it(store):
    from sla_monitor.reply_templates import add_template, change_template, retire_template

    later = NOW.replace(hour=11)
    added = add_template(
        store, title="Pothole filled", text="Filled: ((reference)).", by="admin", now=NOW
    )
    change_template(
        store, added.key, title="Pothole repaired", text="Repaired.", by="admin-2", now=later
    )
    retire_template(store, added.key, by="admin", now=later.replace(hour=12))

    kept = next(t for t in store.reply_templates() if t.key == added.key)
    assert (kept.title, kept.text, kept.retired) == ("Pothole repaired", "Repaired.", True)
    assert (kept.changed_by, kept.changed_at) == ("admin", later.replace(hour=12))
    changes = store.reply_template_changes(added.key)
    assert [(c.what, c.by, c.title, c.at) for c in changes] == [
        ("added", "admin", "Pothole filled", NOW),
        ("changed", "admin-2", "Pothole repaired", later),
        ("retired", "admin", "Pothole repaired", later.replace(hour=12)),
    ]
