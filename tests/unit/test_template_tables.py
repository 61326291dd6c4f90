"""template.yaml declares the tables exactly as shared/sla_monitor/store/schema.py defines them.

The schema module is the one source of truth: `sla-monitor init` and the tests build their tables
from it, and a deployed stack must have the same keys and indexes, or the code that works locally
fails in AWS.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from samtranslator.yaml_helper import yaml_parse

from sla_monitor.store.schema import CASES, NEXT_DUE_INDEX, TABLES, TableDefinition

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    return yaml_parse(TEMPLATE.read_text())["Resources"]


def _by_name(attributes: list[dict[str, str]]) -> list[dict[str, str]]:
    # The order of attribute definitions means nothing to DynamoDB.
    return sorted(attributes, key=lambda a: a["AttributeName"])


def test_the_template_declares_exactly_the_schema_tables(resources):
    declared = {k for k, r in resources.items() if r["Type"] == "AWS::DynamoDB::Table"}
    assert declared == {t.logical_id for t in TABLES}


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.logical_id)
def test_table_shape_matches_the_schema(resources, table: TableDefinition):
    expected = table.cloudformation_properties()
    declared = resources[table.logical_id]["Properties"]

    assert _by_name(declared["AttributeDefinitions"]) == _by_name(expected["AttributeDefinitions"])
    assert declared["KeySchema"] == expected["KeySchema"]
    assert declared["BillingMode"] == expected["BillingMode"]
    assert declared.get("GlobalSecondaryIndexes") == expected.get("GlobalSecondaryIndexes")
    assert declared.get("TimeToLiveSpecification") == expected.get("TimeToLiveSpecification")


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.logical_id)
def test_table_data_is_protected(resources, table: TableDefinition):
    resource = resources[table.logical_id]
    props = resource["Properties"]

    # Case records outlive the stack: deleting or replacing it keeps the table.
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["UpdateReplacePolicy"] == "Retain"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"] == {
        "SSEEnabled": True,
        "SSEType": "KMS",
        "KMSMasterKeyId": {"Fn::GetAtt": ["DataKey", "Arn"]},
    }
    # The key must outlive the tables it encrypts.
    assert resources["DataKey"]["DeletionPolicy"] == "Retain"


def test_the_checker_may_query_the_index_the_schema_names(resources):
    statements = resources["DeadlineCheckerRole"]["Properties"]["Policies"][0]["PolicyDocument"][
        "Statement"
    ]
    sweep = next(s for s in statements if s["Sid"] == "SweepAndClaimCases")
    assert {"Fn::Sub": f"${{{CASES.logical_id}.Arn}}/index/{NEXT_DUE_INDEX}"} in sweep["Resource"]


def _case_statements(resources: dict[str, Any], role: str) -> list[dict[str, Any]]:
    policies = resources[role]["Properties"].get("Policies", [])
    return [
        statement
        for policy in policies
        for statement in policy["PolicyDocument"]["Statement"]
        if statement.get("Effect") == "Allow" and _TABLE in _as_list(statement.get("Resource"))
    ]


_TABLE = {"Fn::GetAtt": ["CasesTable", "Arn"]}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


# The functions that save cases already stored (a reply, a step, a sweep, a delivery event, a
# scan result); the public form only creates them.
SAVING_ROLES = (
    "EmailIntakeRole",
    "DeadlineCheckerRole",
    "YourCasesRole",
    "StaffWorkspaceRole",
    "DeliveryEventsRole",
    "ScanResultsRole",
)


@pytest.mark.parametrize("role", SAVING_ROLES)
def test_every_role_that_saves_cases_may_move_them_on_the_shelves(resources, role):
    """A save of a case already stored deletes the shelf entries and search terms it leaves
    (`store/dynamodb/filing.py`), in its transaction: without the right, the save fails."""
    deleting = [
        s for s in _case_statements(resources, role) if "dynamodb:DeleteItem" in _actions(s)
    ]
    assert deleting, f"{role} saves cases but may not move them off a shelf"


def test_the_public_form_only_creates_cases(resources):
    granted = [a for s in _case_statements(resources, "HaveYourSayRole") for a in _actions(s)]
    assert "dynamodb:PutItem" in granted and "dynamodb:DeleteItem" not in granted


def test_the_workspace_may_read_a_page_of_cases_in_one_batch(resources):
    granted = [a for s in _case_statements(resources, "StaffWorkspaceRole") for a in _actions(s)]
    assert "dynamodb:BatchGetItem" in granted
