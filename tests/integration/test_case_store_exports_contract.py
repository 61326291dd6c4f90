"""Both case stores keep the work list's exports alike: kept once, read back as kept (the view's
reach and filter whole), and finished once, ready or failed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from sla_monitor.calendar import LONDON
from sla_monitor.cases import CaseType, Channel
from sla_monitor.store.ports import ExportStatus, WorkListExport
from sla_monitor.work_list import Reach, WorkListFilter

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=LONDON)


def an_export(**changes) -> WorkListExport:
    export = WorkListExport(
        export_id="a1b2c3",
        officer_id="waste-officer",
        reach=Reach(departments=("waste-services", "housing"), referred=True),
        wanted=WorkListFilter(
            departments=("housing",),
            case_type=CaseType.COMPLAINT,
            channel=Channel.EMAIL,
            stage=2,
            breached=True,
            due_within=3,
            search="Smith",
        ),
        created_at=NOW,
    )
    return replace(export, **changes)


def test_an_export_is_read_back_as_it_was_kept(case_store):
    export = an_export()
    case_store.keep_export(export, expires_at=NOW + timedelta(days=1))

    assert case_store.get_export("a1b2c3") == export
    assert case_store.get_export("another") is None


def test_an_unfiltered_view_keeps_no_filter_apart_from_an_empty_one(case_store):
    everything = an_export(reach=Reach(everything=True), wanted=WorkListFilter())
    nothing = an_export(export_id="d4", wanted=WorkListFilter(departments=()))
    case_store.keep_export(everything, expires_at=NOW + timedelta(days=1))
    case_store.keep_export(nothing, expires_at=NOW + timedelta(days=1))

    assert case_store.get_export("a1b2c3").wanted.departments is None
    assert case_store.get_export("d4").wanted.departments == ()


def test_an_export_id_is_kept_once(case_store):
    case_store.keep_export(an_export(), expires_at=NOW + timedelta(days=1))
    with pytest.raises(Exception):  # noqa: B017 - each store refuses in its own way
        case_store.keep_export(an_export(officer_id="other"), expires_at=NOW)
    assert case_store.get_export("a1b2c3").officer_id == "waste-officer"


def test_an_export_is_finished_once(case_store):
    case_store.keep_export(an_export(), expires_at=NOW + timedelta(days=1))
    done = NOW + timedelta(seconds=20)
    ready = an_export(
        status=ExportStatus.READY, rows=42, key="exports/a1b2c3/cases.csv", finished_at=done
    )

    assert case_store.finish_export(ready) is True
    # A retried job finds it finished and changes nothing.
    failed = an_export(status=ExportStatus.FAILED, reason="Too slow", finished_at=done)
    assert case_store.finish_export(failed) is False
    assert case_store.get_export("a1b2c3") == ready


def test_an_export_not_kept_is_not_finished(case_store):
    assert case_store.finish_export(an_export(status=ExportStatus.READY, rows=1)) is False
    assert case_store.get_export("a1b2c3") is None
