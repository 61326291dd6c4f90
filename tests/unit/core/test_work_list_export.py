"""The work list's spreadsheet, prepared as a job: every page of the view asked for, as the work
list shows it, written once, the export recorded ready (or failed, with what to do), and a run
retried by Lambda writing nothing twice."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import timedelta

import pytest

from sla_monitor.cases import CaseType, Channel, Customer
from sla_monitor.directory import default_directory
from sla_monitor.engine import record_breaches
from sla_monitor.listing import schedule_of
from sla_monitor.store.memory import InMemoryCaseStore
from sla_monitor.store.ports import ExportStatus
from sla_monitor.work_list import Reach, WorkListFilter, work_list
from sla_monitor.work_list_export import (
    COLUMNS,
    EXPORT_LIFETIME,
    FAILED_REASON,
    GIVEN_UP_AFTER,
    GIVEN_UP_REASON,
    ExportStage,
    ExportWork,
    InMemoryExportFiles,
    InProcessExportStarter,
    file_key,
    prepare_export,
    reason_of,
    stage_of,
    start_export,
)

from .test_work_list_reading import NOW, _cases, _everything


@pytest.fixture
def directory():
    # The departments and officers the cases name, one of each retired (as the reading's tests).
    base = default_directory()
    gone = replace(base.officers[-1], officer_id="gone-officer", name="Gone", retired=True)
    retired = replace(base.departments[-1], code="retired-dept", name="Old", retired=True)
    return replace(base, officers=(*base.officers, gone), departments=(*base.departments, retired))


@pytest.fixture
def store(policy, calendar):
    store = InMemoryCaseStore()
    for case in _cases(700, seed=11):
        recorded = record_breaches(case, policy, calendar, NOW - timedelta(hours=2))
        store.create_case(
            recorded, events=[], schedule=schedule_of(recorded, policy, calendar, NOW)
        )
    return store


@pytest.fixture
def work(store, policy, calendar, directory):
    return ExportWork(
        store=store,
        files=InMemoryExportFiles(),
        policy=policy,
        calendar=calendar,
        directory=directory,
        reference_prefix="NWL",
    )


def _started(work, reach, wanted, *, background=False):
    started: list[str] = []
    export = start_export(
        work.store,
        InProcessExportStarter(started.append, background=background),
        officer_id="housing-officer",
        reach=reach,
        wanted=wanted,
        now=NOW,
    )
    assert started == [export.export_id]
    return export


def _rows(work, export):
    content, rows = work.files.files[file_key(export)]
    table = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert table[0] == list(COLUMNS)
    assert len(table) - 1 == rows
    return table[1:]


VIEWS = {
    "a department's breached complaints": (
        Reach(departments=("housing",), complaints=True),
        WorkListFilter(case_type=CaseType.COMPLAINT, breached=True),
    ),
    "everything a housing officer sees": (Reach(departments=("housing",)), WorkListFilter()),
    "a channel no shelf serves, over many pages": (
        Reach(complaints=True, departments=("waste-services",)),
        WorkListFilter(channel=Channel.TELEPHONE),
    ),
    "due within three working days": (
        Reach(departments=("customer-services",)),
        WorkListFilter(due_within=3),
    ),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
@pytest.mark.parametrize("page_size, budget", [(500, 5000), (7, 20)])
def test_the_job_writes_every_case_of_the_view(name, page_size, budget, work, store, monkeypatch):
    # Small pages and a small budget too: the job goes on past every page and every budget.
    monkeypatch.setattr("sla_monitor.work_list_export.PAGE_SIZE", page_size)
    monkeypatch.setattr("sla_monitor.work_list_export.READ_BUDGET", budget)
    reach, wanted = VIEWS[name]
    export = _started(work, reach, wanted)

    prepared = prepare_export(export.export_id, work=work, now=NOW)

    expected = [
        v.case.reference
        for v in work_list(
            store.open_cases(),
            policy=work.policy,
            calendar=work.calendar,
            directory=work.directory,
            now=NOW,
            wanted=wanted,
            visible=lambda case: reach.covers(case, work.directory),
        )
    ]
    rows = _rows(work, export)
    assert expected, "the view should hold cases"
    assert sorted(row[0] for row in rows) == sorted(expected)
    # In the order an officer paging through the list sees them.
    paged, _, _ = _everything(
        store, wanted, reach, policy=work.policy, calendar=work.calendar, directory=work.directory
    )
    assert [row[0] for row in rows] == paged
    finished = store.get_export(export.export_id)
    assert finished.status is ExportStatus.READY
    assert finished.rows == len(expected) == prepared.rows
    assert finished.key == file_key(export)
    assert finished.finished_at == NOW


def test_a_search_exports_what_the_search_found_open_and_closed(work, store):
    smiths = [c for c in store.cases.values() if "Smith" in (c.customer.name or "")]
    export = _started(work, Reach(everything=True), WorkListFilter(search="smith"))

    prepare_export(export.export_id, work=work, now=NOW)

    rows = _rows(work, export)
    # The work list shows a search's 25 newest, closed cases too: so does its spreadsheet.
    by_arrival = sorted(smiths, key=lambda c: (c.received_at, c.reference), reverse=True)
    newest = [c.reference for c in by_arrival][:25]
    assert sorted(row[0] for row in rows) == sorted(newest)
    assert {row[5] for row in rows} <= {"Jane Smith", "John Smith"}


def test_the_cases_chosen_in_the_list_are_exported_alone_in_the_order_chosen(work, store):
    reach = Reach(departments=("housing",))
    housing = [c.reference for c in store.cases.values() if reach.covers(c, work.directory)]
    elsewhere = next(
        c.reference for c in store.cases.values() if not reach.covers(c, work.directory)
    )
    chosen = (housing[3], housing[0], elsewhere, "NWL-2026-999999")
    export = _started(work, reach, WorkListFilter(references=chosen))
    store.reads = 0

    prepare_export(export.export_id, work=work, now=NOW)

    # Out of the reach, or no case at all: not in the file.
    assert [row[0] for row in _rows(work, export)] == [housing[3], housing[0]]
    assert store.reads == 3  # the cases chosen that exist, read once


def test_cells_a_spreadsheet_would_run_as_formulas_are_written_as_text(work, store):
    case = next(c for c in store.cases.values() if c.is_open and c.department == "housing")
    store.cases[case.reference] = replace(case, customer=Customer(name="=HYPERLINK(1)"))
    export = _started(work, Reach(departments=("housing",)), WorkListFilter())

    prepare_export(export.export_id, work=work, now=NOW)

    (row,) = [r for r in _rows(work, export) if r[0] == case.reference]
    assert row[5] == "'=HYPERLINK(1)"


def test_a_run_retried_after_the_file_was_written_keeps_the_first_file(work, store):
    export = _started(work, Reach(departments=("housing",)), WorkListFilter())
    first = b"reference\nNWL-2026-000001\n"
    work.files.files[file_key(export)] = (first, 1)  # an earlier run wrote it, then crashed

    prepared = prepare_export(export.export_id, work=work, now=NOW)

    assert prepared.outcome == "ready"
    assert work.files.files == {file_key(export): (first, 1)}
    assert store.get_export(export.export_id).rows == 1


def test_a_run_retried_after_the_export_was_finished_changes_nothing(work, store):
    export = _started(work, Reach(departments=("housing",)), WorkListFilter())
    prepare_export(export.export_id, work=work, now=NOW)
    ready = store.get_export(export.export_id)
    later = NOW + timedelta(minutes=2)

    again = prepare_export(export.export_id, work=work, now=later)

    assert again.outcome == "finished already"
    assert store.get_export(export.export_id) == ready


class _BrokenFiles(InMemoryExportFiles):
    def keep_once(self, key, content, *, rows):
        raise OSError("the bucket is not answering")


def test_a_failure_is_recorded_with_what_to_do_and_never_the_cases(work, store):
    work.files = _BrokenFiles()
    export = _started(work, Reach(departments=("housing",)), WorkListFilter())

    prepared = prepare_export(export.export_id, work=work, now=NOW)

    assert prepared.log_fields() == {"outcome": "failed", "error_type": "OSError"}
    failed = store.get_export(export.export_id)
    assert (failed.status, failed.reason) == (ExportStatus.FAILED, FAILED_REASON)
    assert stage_of(failed, NOW) is ExportStage.FAILED
    assert reason_of(failed, NOW) == FAILED_REASON


def test_an_export_nobody_kept_is_not_prepared(work):
    assert prepare_export("0" * 32, work=work, now=NOW).outcome == "not found"
    assert work.files.files == {}


def test_an_export_still_preparing_past_every_attempt_has_failed_and_after_a_day_is_gone(work):
    export = _started(work, Reach(departments=("housing",)), WorkListFilter())

    assert stage_of(export, NOW + GIVEN_UP_AFTER - timedelta(seconds=1)) is ExportStage.PREPARING
    assert reason_of(export, NOW) is None
    assert stage_of(export, NOW + GIVEN_UP_AFTER) is ExportStage.FAILED
    assert reason_of(export, NOW + GIVEN_UP_AFTER) == GIVEN_UP_REASON
    assert stage_of(export, NOW + EXPORT_LIFETIME) is ExportStage.EXPIRED


def test_in_process_the_job_runs_in_a_thread_of_its_own(work, store):
    ran: list[str] = []
    starter = InProcessExportStarter(ran.append)
    export = start_export(
        store,
        starter,
        officer_id="housing-officer",
        reach=Reach(departments=("housing",)),
        wanted=WorkListFilter(),
        now=NOW,
    )
    for thread in starter.threads:
        thread.join(timeout=5)
    assert ran == [export.export_id]
    assert store.get_export(export.export_id).status is ExportStatus.PREPARING
