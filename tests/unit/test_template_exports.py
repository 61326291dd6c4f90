"""template.yaml runs the work list's exports as a job: the staff workspace may start the export
function and sign links to its files; the function reads the work list, writes export items only
and files under exports/ only; and the files go after a day."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from samtranslator.yaml_helper import yaml_parse

from sla_monitor.work_list_export import EXPORTS_PREFIX

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = yaml_parse((ROOT / "template.yaml").read_text())
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
EXPORT_FILES = {"Fn::Sub": "${RawMailBucket.Arn}/" + EXPORTS_PREFIX + "*"}


def statements(role: str) -> dict[str, dict[str, Any]]:
    (policy,) = RESOURCES[role]["Properties"]["Policies"]
    return {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}


def test_the_function_is_deployed_as_the_others_with_its_own_role_and_retries():
    props = RESOURCES["WorkListExportFunction"]["Properties"]
    assert props["CodeUri"] == "functions/work_list_export/"
    assert props["Role"] == {"Fn::GetAtt": ["WorkListExportRole", "Arn"]}
    assert props["LoggingConfig"] == {"LogGroup": {"Ref": "WorkListExportLogGroup"}}
    assert "Layers" not in props and "Runtime" not in props  # the Globals' layer and runtime
    assert props["EventInvokeConfig"]["MaximumRetryAttempts"] == 2
    assert props["EventInvokeConfig"]["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["FailedEventsQueue", "Arn"]
    }
    assert "Events" not in props  # only the workspace starts it


def test_the_workspace_starts_the_function_and_signs_links_to_its_files_only():
    variables = RESOURCES["StaffWorkspaceFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["EXPORT_FUNCTION_NAME"] == {"Ref": "WorkListExportFunction"}
    granted = statements("StaffWorkspaceRole")
    assert granted["StartWorkListExports"]["Action"] == "lambda:InvokeFunction"
    assert granted["StartWorkListExports"]["Resource"] == {
        "Fn::GetAtt": ["WorkListExportFunction", "Arn"]
    }
    assert granted["DownloadWorkListExports"]["Action"] == "s3:GetObject"
    assert granted["DownloadWorkListExports"]["Resource"] == EXPORT_FILES
    # A page of the work list reads its cases in one batch.
    assert "dynamodb:BatchGetItem" in granted["ReadCases"]["Action"]


def test_the_function_reads_the_work_list_and_writes_only_exports():
    granted = statements("WorkListExportRole")
    cases = {"Fn::GetAtt": ["CasesTable", "Arn"]}
    assert granted["ReadWorkList"]["Resource"] == cases
    assert set(granted["ReadWorkList"]["Action"]) == {
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
    }
    assert granted["FinishExports"]["Action"] == "dynamodb:UpdateItem"
    assert granted["FinishExports"]["Condition"] == {
        "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["EXPORT#*"]}
    }
    assert granted["KeepExportFiles"]["Resource"] == EXPORT_FILES
    text = repr(granted)
    for never in ("dynamodb:Scan", "dynamodb:PutItem", "dynamodb:DeleteItem", "s3:DeleteObject"):
        assert never not in text, never
    for statement in granted.values():
        if any(str(a).startswith("s3:") for a in _actions(statement)):
            assert statement["Resource"] == EXPORT_FILES, statement["Sid"]
    key = granted["UseDataKeyThroughServices"]
    assert key["Resource"] == {"Fn::GetAtt": ["DataKey", "Arn"]}
    assert "kms:ViaService" in key["Condition"]["StringEquals"]


def _actions(statement: dict[str, Any]) -> list[str]:
    actions = statement["Action"]
    return actions if isinstance(actions, list) else [actions]


def test_the_files_go_a_day_after_they_were_written():
    rules = RESOURCES["RawMailBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    (exports,) = [r for r in rules if r.get("Prefix") == EXPORTS_PREFIX]
    assert exports["Status"] == "Enabled"
    assert exports["ExpirationInDays"] == 1
    # The bucket keeps old versions: an export's go the day after too.
    assert exports["NoncurrentVersionExpiration"] == {"NoncurrentDays": 1}
