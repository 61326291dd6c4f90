"""template.yaml and the open status API agree: the public API routes exactly what the Open311
function serves, and the function's role can read and nothing more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from samtranslator.yaml_helper import yaml_parse

from tests.unit.test_template_wiring import _routes_served_by

ROOT = Path(__file__).resolve().parents[2]


def _resources() -> dict[str, Any]:
    return yaml_parse((ROOT / "template.yaml").read_text())["Resources"]


def test_the_public_api_routes_exactly_what_the_open311_function_serves():
    function = _resources()["Open311Function"]["Properties"]
    routed = set()
    for event in function["Events"].values():
        assert event["Type"] == "Api"
        assert event["Properties"]["RestApiId"] == {"Ref": "HaveYourSayApi"}
        routed.add((event["Properties"]["Path"], event["Properties"]["Method"].upper()))
    served = _routes_served_by(ROOT / "shared" / "sla_monitor" / "web" / "open311" / "routes.py")
    assert (
        routed
        == served
        == {
            ("/open311/v2/{document}", "GET"),
            ("/open311/v2/requests/{request}", "GET"),
        }
    )


def test_the_open311_role_only_reads():
    role = _resources()["Open311Role"]["Properties"]
    statements = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    actions = set()
    for statement in statements:
        assert statement["Effect"] == "Allow"
        found = statement["Action"]
        actions.update([found] if isinstance(found, str) else found)
    assert actions == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "dynamodb:GetItem",
        "dynamodb:Query",
        "kms:Decrypt",
    }
    # Cases by key (case items only) and through the received-month index: never a scan, and
    # never the open-cases or next-due indexes.
    by_sid = {s["Sid"]: s for s in statements}
    assert by_sid["ReadCasesByReference"]["Condition"] == {
        "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["CASE#*"]}
    }
    assert by_sid["ReadCasesByMonth"]["Resource"] == {
        "Fn::Sub": "${CasesTable.Arn}/index/received-month"
    }


def test_the_open311_function_is_given_no_secret():
    variables = _resources()["Open311Function"]["Properties"]["Environment"]["Variables"]
    assert set(variables) == {"POWERTOOLS_SERVICE_NAME"}
