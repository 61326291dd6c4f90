"""The export function against moto: an officer's export of a view becomes one CSV under
exports/ in the raw-mail bucket, encrypted with the bucket's key, and the export is recorded
ready; a run Lambda retries writes nothing twice; an event naming no export changes nothing;
and the workspace starts the function asynchronously."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from functions.work_list_export import app
from sla_monitor.cases import CaseType, Channel, Customer, Preferences
from sla_monitor.intake import NewCase, register_case
from sla_monitor.store.ports import ExportStatus
from sla_monitor.work_list import Reach, WorkListFilter
from sla_monitor.work_list_export import (
    InProcessExportStarter,
    LambdaExportStarter,
    file_key,
    start_export,
)

from .lambda_context import lambda_context

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fresh_metrics():
    yield
    app.metrics.clear_metrics()


@pytest.fixture
def cases(embedded):
    references = {}
    for number, case_type in enumerate([CaseType.COMPLAINT, CaseType.ENQUIRY, CaseType.COMPLAINT]):
        received = NOW - timedelta(days=3, hours=number)
        registered = register_case(
            NewCase(
                case_type=case_type,
                channel=Channel.EMAIL,
                received_at=received,
                subject="Missed bin",
                description="Missed bin",
                customer=Customer(name=f"=Resident {number}", email=f"r{number}@example.org"),
                preferences=Preferences(),
                idempotency_key=f"export-{number}",
            ),
            store=embedded.store,
            policy=embedded.policy,
            calendar=embedded.calendar,
            now=received,
        )
        references[registered.case.reference] = case_type
    return references


def _started(embedded) -> str:
    export = start_export(
        embedded.store,
        InProcessExportStarter(lambda export_id: None, background=False),
        officer_id="complaints-officer",
        reach=Reach(complaints=True),
        wanted=WorkListFilter(case_type=CaseType.COMPLAINT),
        now=NOW,
    )
    return export.export_id


def test_an_export_becomes_one_encrypted_csv_and_is_recorded_ready(embedded, cases):
    export_id = _started(embedded)

    answer = app.handle({"export_id": export_id}, lambda_context("WorkListExportFunction"), now=NOW)

    assert answer == {"outcome": "ready", "rows": 2}
    export = embedded.store.get_export(export_id)
    assert export.status is ExportStatus.READY and export.rows == 2
    assert export.key == file_key(export) == f"exports/{export_id}/cases-2026-12-07.csv"
    kept = embedded.client("s3").get_object(
        Bucket=embedded.settings.raw_mail_bucket, Key=export.key
    )
    assert kept["ServerSideEncryption"] == "aws:kms"
    rows = list(csv.reader(io.StringIO(kept["Body"].read().decode("utf-8"))))
    complaints = {r for r, t in cases.items() if t is CaseType.COMPLAINT}
    assert {row[0] for row in rows[1:]} == complaints
    assert {row[5] for row in rows[1:]} == {"'=Resident 0", "'=Resident 2"}


def test_a_retried_run_writes_nothing_twice(embedded, cases):
    export_id = _started(embedded)
    context = lambda_context("WorkListExportFunction")
    app.handle({"export_id": export_id}, context, now=NOW)
    s3 = embedded.client("s3")
    bucket = embedded.settings.raw_mail_bucket

    again = app.handle({"export_id": export_id}, context, now=NOW + timedelta(minutes=1))

    assert again == {"outcome": "finished already"}
    listed = s3.list_object_versions(Bucket=bucket, Prefix="exports/").get("Versions", [])
    assert len(listed) == 1


def test_a_run_that_finds_the_file_written_keeps_it(embedded, cases):
    export_id = _started(embedded)
    export = embedded.store.get_export(export_id)
    s3 = embedded.client("s3")
    bucket = embedded.settings.raw_mail_bucket
    # An earlier run wrote the file and stopped before recording the export ready.
    s3.put_object(Bucket=bucket, Key=file_key(export), Body=b"reference\n", Metadata={"rows": "0"})

    answer = app.handle({"export_id": export_id}, lambda_context("WorkListExportFunction"), now=NOW)

    assert answer == {"outcome": "ready", "rows": 0}
    body = s3.get_object(Bucket=bucket, Key=file_key(export))["Body"].read()
    assert body == b"reference\n"
    assert embedded.store.get_export(export_id).rows == 0


@pytest.mark.parametrize("event", [{}, {"export_id": "../../cases"}, {"export_id": "f" * 32}])
def test_an_event_naming_no_export_changes_nothing(embedded, event):
    answer = app.handle(event, lambda_context("WorkListExportFunction"), now=NOW)

    assert answer == {"outcome": "not found"}
    listed = embedded.client("s3").list_objects_v2(
        Bucket=embedded.settings.raw_mail_bucket, Prefix="exports/"
    )
    assert listed["KeyCount"] == 0


class _LambdaClient:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def invoke(self, **call) -> dict:
        self.calls.append(call)
        return {"StatusCode": 202}


def test_the_workspace_invokes_the_function_to_run_apart():
    client = _LambdaClient()

    LambdaExportStarter(client, "sla-monitor-WorkListExport").start("ab" * 16)

    (call,) = client.calls
    assert call["FunctionName"] == "sla-monitor-WorkListExport"
    assert call["InvocationType"] == "Event"
    assert json.loads(call["Payload"]) == {"export_id": "ab" * 16}
