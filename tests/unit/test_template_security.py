"""template.yaml's defences around the staff workspace and the data: the staff API's firewall,
access log and gateway answers; every log group under the council's key; the web functions'
writes narrowed to their own partitions; the signing secrets rotated; and sign-in links sent
after the answer."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
from samtranslator.yaml_helper import yaml_parse

from sla_monitor.store.dynamodb.items import message_key
from sla_monitor.store.ports import customer_key
from sla_monitor.store.shelves import COUNTERS_KEY, Shelf, shelf_partition, term_key
from tests.unit.test_template_public_form import (
    access_log_without_personal_data,
    gateway_answers_carry_the_security_headers,
)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = yaml_parse((ROOT / "template.yaml").read_text())
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
STAFF_API = RESOURCES["StaffWorkspaceApi"]["Properties"]
CASES_TABLE = {"Fn::GetAtt": ["CasesTable", "Arn"]}
WRITES = {
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statements(role: str) -> list[dict[str, Any]]:
    return [
        statement
        for policy in RESOURCES[role]["Properties"].get("Policies", [])
        for statement in policy["PolicyDocument"]["Statement"]
    ]


def _rules(acl: str) -> dict[str, dict[str, Any]]:
    rules = RESOURCES[acl]["Properties"]["Rules"]
    found = {}
    for rule in rules:
        if "Fn::If" in rule:
            condition, rule, otherwise = rule["Fn::If"]
            assert condition == "HasStaffAllowList" and otherwise == {"Ref": "AWS::NoValue"}
        found[rule["Name"]] = rule
    return found


# -- the staff API --------------------------------------------------------------------------------


def test_the_staff_api_is_behind_a_firewall_with_a_rate_rule_and_aws_common_rules():
    association = RESOURCES["StaffWorkspaceFirewallAssociation"]["Properties"]
    assert association["WebACLArn"] == {"Fn::GetAtt": ["StaffWorkspaceFirewall", "Arn"]}
    assert (
        "restapis/${StaffWorkspaceApi}/stages/${StaffWorkspaceApi.Stage}"
        in (association["ResourceArn"]["Fn::Sub"])
    )
    rules = _rules("StaffWorkspaceFirewall")
    rate = rules["requests-per-ip-address"]
    assert rate["Action"] == {"Block": {}}
    assert rate["Statement"]["RateBasedStatement"]["Limit"] == {"Ref": "StaffRequestsPerAddress"}
    common = rules["aws-common-rules"]["Statement"]["ManagedRuleGroupStatement"]
    assert (common["VendorName"], common["Name"]) == ("AWS", "AWSManagedRulesCommonRuleSet")
    # Only the size of a body is counted rather than blocked (a long note or reply).
    assert [o["Name"] for o in common["RuleActionOverrides"]] == ["SizeRestrictions_BODY"]
    assert rules["aws-common-rules"]["OverrideAction"] == {"None": {}}


def test_the_councils_network_can_be_the_only_way_in():
    parameter = TEMPLATE["Parameters"]["StaffAllowedAddresses"]
    assert parameter["Type"] == "CommaDelimitedList" and parameter["Default"] == ""
    ip_set = RESOURCES["StaffWorkspaceAllowedAddresses"]
    assert ip_set["Condition"] == "HasStaffAllowList"
    assert ip_set["Properties"]["Addresses"] == {"Ref": "StaffAllowedAddresses"}
    outside = _rules("StaffWorkspaceFirewall")["only-the-councils-network"]
    assert outside["Action"] == {"Block": {}}
    assert outside["Statement"]["NotStatement"]["Statement"]["IPSetReferenceStatement"] == {
        "Arn": {"Fn::GetAtt": ["StaffWorkspaceAllowedAddresses", "Arn"]}
    }
    priorities = [r["Priority"] for r in _rules("StaffWorkspaceFirewall").values()]
    assert len(set(priorities)) == len(priorities)


def test_the_staff_api_logs_each_request_without_personal_data():
    fields = access_log_without_personal_data(
        STAFF_API["AccessLogSetting"], "StaffWorkspaceAccessLogGroup"
    )
    assert {"requestId", "httpMethod", "resourcePath", "status", "wafResponseCode"} <= fields
    assert RESOURCES["StaffWorkspaceApi"]["DependsOn"] == "ApiGatewayAccount"


def test_the_staff_api_gateways_own_answers_carry_the_security_headers():
    gateway_answers_carry_the_security_headers(STAFF_API)


# -- logs under the council's key ------------------------------------------------------------------


def test_every_log_group_is_encrypted_with_the_councils_key():
    groups = {k: r for k, r in RESOURCES.items() if r["Type"] == "AWS::Logs::LogGroup"}
    assert len(groups) >= 10
    for name, group in groups.items():
        assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": ["DataKey", "Arn"]}, name


def test_the_key_lets_cloudwatch_logs_use_it_for_this_accounts_log_groups_only():
    statements = RESOURCES["DataKey"]["Properties"]["KeyPolicy"]["Statement"]
    [logs] = [s for s in statements if s["Sid"] == "CloudWatchLogsEncryptsLogGroups"]
    assert logs["Principal"] == {"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}}
    assert "kms:GenerateDataKey*" in logs["Action"] and "kms:Decrypt*" in logs["Action"]
    context = logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]["Fn::Sub"]
    assert context.endswith(":${AWS::AccountId}:log-group:*")


# -- what the web functions may write --------------------------------------------------------------


def _cases_table_writes(role: str) -> list[dict[str, Any]]:
    return [
        s
        for s in _statements(role)
        if s["Effect"] == "Allow"
        and CASES_TABLE in _as_list(s["Resource"])
        and WRITES & set(_as_list(s["Action"]))
    ]


def _may_write(role: str, partition: str) -> bool:
    patterns = [
        pattern
        for s in _cases_table_writes(role)
        for pattern in _as_list(s["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"])
    ]
    return any(fnmatchcase(partition, p) for p in patterns)


# Partitions of the cases table, as the store's own key functions make them.
CASE = "CASE#NWL-2026-000001"
SHELVES = shelf_partition(next(iter(Shelf)), "housing")
TERM = term_key("damp")
MESSAGE = message_key("<a@example.org>")
SIGN_IN = "SIGN_IN#" + "0" * 64
RATE = "RATE#address#" + "0" * 32
COUNTER = "COUNTER#NWL-2026"
EXPORT = "EXPORT#" + "0" * 32
CASEWORK = (CASE, SHELVES, TERM, COUNTERS_KEY, "DELIVERY#one", MESSAGE)


@pytest.mark.parametrize("role", ["YourCasesRole", "StaffWorkspaceRole"])
def test_every_write_of_a_web_function_to_the_cases_table_names_its_partitions(role):
    writes = _cases_table_writes(role)
    assert writes, role
    for statement in writes:
        keys = statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
        assert "*" not in keys, statement["Sid"]


def test_residents_write_their_cases_links_and_counters_and_nothing_of_the_staffs():
    for partition in (*CASEWORK, SIGN_IN, RATE):
        assert _may_write("YourCasesRole", partition), partition
    for partition in (COUNTER, EXPORT, "TRIAGE", "CLASSIFIER_EXAMPLE"):
        assert not _may_write("YourCasesRole", partition), partition
    assert customer_key("sam@example.org").startswith("CUSTOMER#")  # an index's key, never written
    assert not _may_write("YourCasesRole", customer_key("sam@example.org"))


def test_staff_write_casework_and_never_a_residents_sign_in_link_or_counter():
    for partition in (*CASEWORK, COUNTER, EXPORT, "TRIAGE", "CLASSIFIER_EXAMPLE"):
        assert _may_write("StaffWorkspaceRole", partition), partition
    for partition in (SIGN_IN, RATE):
        assert not _may_write("StaffWorkspaceRole", partition), partition


# -- sign-in links after the answer ---------------------------------------------------------------


def test_the_residents_function_may_invoke_itself_and_only_itself():
    policy = RESOURCES["YourCasesInvokesItself"]["Properties"]
    assert policy["Roles"] == [{"Ref": "YourCasesRole"}]
    [statement] = policy["PolicyDocument"]["Statement"]
    assert statement["Action"] == "lambda:InvokeFunction"
    assert statement["Resource"] == [
        {"Fn::GetAtt": ["YourCasesFunction", "Arn"]},
        {"Fn::Sub": "${YourCasesFunction.Arn}:*"},
    ]
    invoke = RESOURCES["YourCasesFunction"]["Properties"]["EventInvokeConfig"]
    assert invoke["MaximumEventAgeInSeconds"] <= 600
    assert invoke["MaximumRetryAttempts"] <= 1


# -- secrets rotated -------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", ["FormSecret", "StaffSessionSecret"])
def test_each_signing_secret_is_rotated_by_the_rotation_function(secret):
    [schedule] = [
        r["Properties"]
        for r in RESOURCES.values()
        if r["Type"] == "AWS::SecretsManager::RotationSchedule"
        and r["Properties"]["SecretId"] == {"Ref": secret}
    ]
    assert schedule["RotationLambdaARN"] == {"Fn::GetAtt": ["SecretRotationFunction", "Arn"]}
    assert re.fullmatch(r"rate\((\d+) days\)", schedule["RotationRules"]["ScheduleExpression"])


def test_the_rotation_function_may_change_the_signing_secrets_only():
    [rotate] = [s for s in _statements("SecretRotationRole") if s["Sid"] == "RotateSigningSecrets"]
    assert rotate["Resource"] == [{"Ref": "FormSecret"}, {"Ref": "StaffSessionSecret"}]
    permission = RESOURCES["SecretRotationPermission"]["Properties"]
    assert permission["Principal"] == "secretsmanager.amazonaws.com"
    assert permission["SourceAccount"] == {"Ref": "AWS::AccountId"}
