"""Deployment smoke test: template.yaml as a stack in moto, with no AWS account.

The SAM template is packaged and translated to CloudFormation (aws-sam-translator), the stack is
created in moto's CloudFormation, and what moto's CloudFormation cannot create is created through
the services' APIs with the template's resolved properties (see sam_deployment.py). The tests then
read the resources back from moto. Where moto neither creates nor reports a setting (PITR, TTL,
the layer and architecture of a function, the bucket's public access block...), the test says so
and checks the translated template instead.
"""

from __future__ import annotations

import fnmatch
import io
import json
import os
import zipfile
from collections.abc import Iterator
from typing import Any
from unittest import mock

import boto3
import pytest
from moto import mock_aws

from sla_monitor.store.schema import TABLES

from .sam_deployment import (
    ACCOUNT,
    ARTIFACT_BUCKET,
    REGION,
    Resolver,
    create_stack,
    create_what_moto_cannot,
    load_sam_template,
    package,
    policy_document,
    translate,
)

pytestmark = pytest.mark.slow(seconds=24)

STACK = "sla-monitor"
PARAMETERS = {
    "ReceivingDomain": "contact.example.gov.uk",
    "ReceivingAddress": "customer.services@contact.example.gov.uk",
    "SenderAddress": "customer.services@example.gov.uk",
    "AlarmEmailAddresses": "it.duty@example.gov.uk, complaints.officer@example.gov.uk",
    "StaffWorkspaceUrl": "https://staff.example.gov.uk",
    "StaffSignInDomainPrefix": "example-council-staff",
}

# What moto's CloudFormation skips, each created through its service's API instead.
NOT_CREATED_BY_MOTO_CLOUDFORMATION = {
    "AWS::ApiGateway::Account",
    "AWS::ApiGateway::Stage",
    "AWS::CloudWatch::Alarm",
    "AWS::Lambda::EventInvokeConfig",
    "AWS::Logs::MetricFilter",
    "AWS::S3::BucketPolicy",
    "AWS::SES::ConfigurationSet",
    "AWS::SES::ConfigurationSetEventDestination",
    "AWS::SES::ReceiptRule",
    "AWS::SES::ReceiptRuleSet",
    "AWS::SNS::Subscription",
    "AWS::SNS::TopicPolicy",
    "AWS::SQS::QueuePolicy",
    "AWS::Scheduler::Schedule",
    "AWS::SecretsManager::Secret",
    "AWS::SecretsManager::RotationSchedule",
    "AWS::WAFv2::WebACL",
    "AWS::WAFv2::WebACLAssociation",
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolGroup",
    "AWS::Cognito::UserPoolClient",
    "AWS::Cognito::UserPoolDomain",
    "AWS::Cognito::ManagedLoginBranding",
    # The public form's alias (SnapStart applies to published versions).
    "AWS::Lambda::Alias",
    "AWS::GuardDuty::MalwareProtectionPlan",
}
# Made through the API too, though moto's CloudFormation knows the type: the permissions that
# let API Gateway call the form's alias (see sam_deployment._names_an_alias).
ALSO_CREATED_THROUGH_APIS = {"AWS::Lambda::Permission"}

ASYNC_FUNCTIONS = (
    "EmailIntakeFunction",
    "DeadlineCheckerFunction",
    "DeliveryEventsFunction",
    "ScanResultsFunction",
)
FUNCTIONS = (*ASYNC_FUNCTIONS, "HaveYourSayFunction", "Open311Function", "StaffWorkspaceFunction")


class Deployment:
    """The stack in moto, and ways to look at it."""

    def __init__(self) -> None:
        self._clients: dict[str, Any] = {}
        sam = package(load_sam_template(), self.client("s3"))
        self.template = translate(sam, PARAMETERS)
        self.skipped = create_stack(self.client("cloudformation"), STACK, self.template, PARAMETERS)
        summaries = self.client("cloudformation").list_stack_resources(StackName=STACK)[
            "StackResourceSummaries"
        ]
        self.resolver = Resolver(
            self.template,
            PARAMETERS,
            STACK,
            {s["LogicalResourceId"]: s["PhysicalResourceId"] for s in summaries},
            self.client,
        )
        self.created_through_apis = create_what_moto_cannot(
            self.template, self.resolver, self.client
        )

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = boto3.client(service, region_name=REGION)
        return self._clients[service]

    def physical(self, logical_id: str) -> str:
        return self.resolver.physical_ids[logical_id]

    def arn(self, logical_id: str) -> str:
        return self.resolver.get_att(logical_id, "Arn")

    def properties(self, logical_id: str) -> dict[str, Any]:
        """A resource's properties in the translated template, unresolved."""
        return self.template["Resources"][logical_id]["Properties"]

    def resolved(self, logical_id: str) -> dict[str, Any]:
        return self.resolver.resolve(self.properties(logical_id))

    def function(self, logical_id: str) -> dict[str, Any]:
        return self.client("lambda").get_function_configuration(
            FunctionName=self.physical(logical_id)
        )

    def role_statements(self, function_id: str) -> list[dict[str, Any]]:
        """The statements of the function's role as moto's IAM holds them."""
        role_name = self.function(function_id)["Role"].rsplit("/", 1)[1]
        iam = self.client("iam")
        statements = []
        for name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
            document = iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]
            statements += policy_document(document)["Statement"]
        assert not iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]
        return statements

    def role_policy(self, function_id: str) -> list[dict[str, Any]]:
        """The statements of the function's role, resolved against the whole deployment.

        moto's CloudFormation drops a reference to a resource it skipped (the form secret, the
        configuration set), so the statements are resolved here once those exist too; their
        number is checked against what moto's IAM holds.
        """
        (policy,) = self.properties(function_id.replace("Function", "Role"))["Policies"]
        statements = self.resolver.resolve(policy["PolicyDocument"]["Statement"])
        assert len(statements) == len(self.role_statements(function_id))
        return statements


@pytest.fixture(scope="module")
def deployed() -> Iterator[Deployment]:
    credentials = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }
    with mock.patch.dict(os.environ, credentials), mock_aws():
        yield Deployment()


# -- the stack ---------------------------------------------------------------------------------


def test_the_stack_is_created(deployed):
    stack = deployed.client("cloudformation").describe_stacks(StackName=STACK)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    api = deployed.physical("HaveYourSayApi")
    assert outputs["HaveYourSayUrl"] == (
        f"https://{api}.execute-api.{REGION}.amazonaws.com/have-your-say/"
    )
    assert outputs["MxRecord"] == (
        f"contact.example.gov.uk MX 10 inbound-smtp.{REGION}.amazonaws.com"
    )


def test_moto_skips_exactly_the_types_created_another_way(deployed):
    assert deployed.skipped == NOT_CREATED_BY_MOTO_CLOUDFORMATION
    assert set(deployed.created_through_apis) == (
        NOT_CREATED_BY_MOTO_CLOUDFORMATION | ALSO_CREATED_THROUGH_APIS
    )


# -- tables ------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.logical_id)
def test_tables_have_the_schema_keys_and_indexes(deployed, table):
    described = deployed.client("dynamodb").describe_table(
        TableName=deployed.physical(table.logical_id)
    )["Table"]
    expected = table.cloudformation_properties()

    assert described["KeySchema"] == expected["KeySchema"]
    assert sorted(described["AttributeDefinitions"], key=str) == sorted(
        expected["AttributeDefinitions"], key=str
    )
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert described["DeletionProtectionEnabled"] is True
    indexes = [
        {k: ix[k] for k in ("IndexName", "KeySchema", "Projection")}
        for ix in described.get("GlobalSecondaryIndexes", [])
    ]
    assert indexes == expected.get("GlobalSecondaryIndexes", [])


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.logical_id)
def test_tables_are_recoverable_and_encrypted_with_the_data_key(deployed, table):
    # moto's CloudFormation applies neither point-in-time recovery, nor TTL, nor the KMS key of a
    # table, and does not report them: checked on the translated template.
    props = deployed.resolved(table.logical_id)
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"] == {
        "SSEEnabled": True,
        "SSEType": "KMS",
        "KMSMasterKeyId": deployed.arn("DataKey"),
    }
    ttl = table.cloudformation_properties().get("TimeToLiveSpecification")
    assert props.get("TimeToLiveSpecification") == ttl
    assert deployed.template["Resources"][table.logical_id]["DeletionPolicy"] == "Retain"


# -- raw mail ----------------------------------------------------------------------------------


def test_raw_mail_bucket_is_encrypted_with_the_data_key(deployed):
    encryption = deployed.client("s3").get_bucket_encryption(
        Bucket=deployed.physical("RawMailBucket")
    )["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
    assert encryption == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": deployed.arn("DataKey")}


def test_raw_mail_bucket_is_private_versioned_and_expires_mail_after_retention(deployed):
    # moto's CloudFormation ignores these bucket properties: checked on the translated template.
    props = deployed.resolved("RawMailBucket")
    assert set(props["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(props["PublicAccessBlockConfiguration"]) == 4
    assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    rules = {r.get("Prefix", r.get("Id")): r for r in props["LifecycleConfiguration"]["Rules"]}
    (rule,) = [r for r in rules.values() if r.get("ExpirationInDays") == 2190]
    assert rule["Status"] == "Enabled"  # the mail and files, after RetentionDays (the default)
    # The work list's spreadsheets are gone after a day.
    (exports,) = [r for r in rules.values() if "exports" in str(r)]
    assert exports["Status"] == "Enabled" and exports["ExpirationInDays"] == 1
    assert deployed.template["Resources"]["RawMailBucket"]["DeletionPolicy"] == "Retain"


def test_raw_mail_bucket_policy_refuses_plain_http_and_lets_only_our_rule_write(deployed):
    policy = json.loads(
        deployed.client("s3").get_bucket_policy(Bucket=deployed.physical("RawMailBucket"))["Policy"]
    )
    statements = {s["Sid"]: s for s in policy["Statement"]}
    deny = statements["DenyInsecureTransport"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}

    ses = statements["SesStoresInboundMail"]
    bucket = deployed.physical("RawMailBucket")
    rule_set = deployed.physical("InboundRuleSet")
    rule = deployed.physical("StoreAndIngestRule")
    assert ses["Principal"] == {"Service": "ses.amazonaws.com"}
    assert ses["Action"] == "s3:PutObject"
    assert ses["Resource"] == f"arn:aws:s3:::{bucket}/inbound/*"
    assert ses["Condition"]["StringEquals"] == {
        "aws:SourceAccount": ACCOUNT,
        "aws:SourceArn": f"arn:aws:ses:{REGION}:{ACCOUNT}:receipt-rule-set/{rule_set}:"
        f"receipt-rule/{rule}",
    }


# -- receiving mail ----------------------------------------------------------------------------


def test_ses_stores_each_message_then_invokes_intake(deployed):
    (rule,) = deployed.client("ses").describe_receipt_rule_set(
        RuleSetName=deployed.physical("InboundRuleSet")
    )["Rules"]
    intake = deployed.function("EmailIntakeFunction")

    assert rule["Enabled"] is True
    assert rule["ScanEnabled"] is True
    assert rule["Recipients"] == [PARAMETERS["ReceivingAddress"]]
    store, invoke = rule["Actions"]
    assert store == {
        "S3Action": {
            "BucketName": deployed.physical("RawMailBucket"),
            "ObjectKeyPrefix": intake["Environment"]["Variables"]["RAW_MAIL_PREFIX"],
        }
    }
    assert invoke == {
        "LambdaAction": {"FunctionArn": intake["FunctionArn"], "InvocationType": "Event"}
    }


def test_only_our_receipt_rule_may_invoke_intake(deployed):
    policy = json.loads(
        deployed.client("lambda").get_policy(FunctionName=deployed.physical("EmailIntakeFunction"))[
            "Policy"
        ]
    )
    (statement,) = policy["Statement"]
    rule_set = deployed.physical("InboundRuleSet")
    rule = deployed.physical("StoreAndIngestRule")
    assert statement["Principal"] == {"Service": "ses.amazonaws.com"}
    assert statement["Condition"]["StringEquals"] == {"AWS:SourceAccount": ACCOUNT}
    assert statement["Condition"]["ArnLike"] == {
        "AWS:SourceArn": f"arn:aws:ses:{REGION}:{ACCOUNT}:receipt-rule-set/{rule_set}:"
        f"receipt-rule/{rule}"
    }


# -- sending mail and its delivery events ------------------------------------------------------


def test_sent_mail_reports_bounces_and_complaints_to_delivery_events(deployed):
    ses = deployed.client("ses")
    configuration_set = deployed.physical("OutboundConfigurationSet")
    (destination,) = ses.describe_configuration_set(
        ConfigurationSetName=configuration_set,
        ConfigurationSetAttributeNames=["eventDestinations"],
    )["EventDestinations"]
    topic = deployed.physical("DeliveryEventsTopic")

    assert destination["Enabled"] is True
    assert {"bounce", "complaint"} <= set(destination["MatchingEventTypes"])
    assert destination["SNSDestination"] == {"TopicARN": topic}

    subscriptions = deployed.client("sns").list_subscriptions_by_topic(TopicArn=topic)
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions["Subscriptions"]] == [
        ("lambda", deployed.function("DeliveryEventsFunction")["FunctionArn"])
    ]
    topic_policy = json.loads(
        deployed.client("sns").get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"]
    )
    (publish,) = topic_policy["Statement"]
    assert publish["Principal"] == {"Service": "ses.amazonaws.com"}
    assert publish["Condition"]["StringEquals"]["aws:SourceArn"] == (
        f"arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/{configuration_set}"
    )


def test_functions_are_told_the_configuration_set_and_sender(deployed):
    for function_id in ("DeadlineCheckerFunction", "DeliveryEventsFunction"):
        variables = deployed.resolved(function_id)["Environment"]["Variables"]
        assert variables["SES_CONFIGURATION_SET"] == deployed.physical("OutboundConfigurationSet")
        assert variables["SENDER_ADDRESS"] == PARAMETERS["SenderAddress"]


# -- functions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("function_id", FUNCTIONS)
def test_functions_run_the_runtime_and_find_their_resources(deployed, function_id):
    configuration = deployed.function(function_id)
    variables = configuration["Environment"]["Variables"]

    assert configuration["Runtime"] == "python3.12"
    assert configuration["Handler"] == "app.handler"
    assert variables["CASES_TABLE"] == deployed.physical("CasesTable")
    assert variables["DIRECTORY_TABLE"] == deployed.physical("DirectoryTable")
    assert variables["RAW_MAIL_BUCKET"] == deployed.physical("RawMailBucket")
    assert variables["POWERTOOLS_SERVICE_NAME"]
    # Each function has a role of its own.
    role = configuration["Role"].rsplit("/", 1)[1]
    assert role == deployed.physical(function_id.replace("Function", "Role"))


@pytest.mark.parametrize("function_id", FUNCTIONS)
def test_functions_are_arm64_with_the_shared_layer_tracing_and_own_log_group(deployed, function_id):
    # moto's CloudFormation ignores Architectures, Layers, TracingConfig and LoggingConfig:
    # checked on the translated template, the log group in moto.
    props = deployed.properties(function_id)
    shared, *apart = props["Layers"]  # the Globals' layer first, then the function's own
    assert shared == {
        "Ref": next(k for k in deployed.template["Resources"] if k.startswith("SharedLayer"))
    }
    for layer in (shared, *apart):
        assert deployed.template["Resources"][layer["Ref"]]["Type"] == "AWS::Lambda::LayerVersion"
    assert props["Architectures"] == ["arm64"]
    assert props["TracingConfig"] == {"Mode": "Active"}

    group = deployed.resolver.resolve(props["LoggingConfig"]["LogGroup"])
    (described,) = [
        g
        for g in deployed.client("logs").describe_log_groups(logGroupNamePrefix=group)["logGroups"]
        if g["logGroupName"] == group
    ]
    assert described["retentionInDays"] == 90  # the LogRetentionDays default


def test_the_checker_has_a_time_budget_shorter_than_the_sweep_interval(deployed):
    assert deployed.function("DeadlineCheckerFunction")["Timeout"] == 240  # five-minute sweeps


def test_the_form_reads_its_csrf_secret_from_the_stack_secret(deployed):
    variables = deployed.resolved("HaveYourSayFunction")["Environment"]["Variables"]
    secret = deployed.client("secretsmanager").describe_secret(
        SecretId=variables["FORM_SECRET_PARAMETER"]
    )
    assert secret["ARN"] == deployed.physical("FormSecret")
    assert secret["KmsKeyId"] == deployed.physical("DataKey")


def test_the_layer_carries_the_package_and_its_configuration(deployed):
    layers = deployed.client("lambda").list_layers()["Layers"]
    assert len(layers) == 3  # shared, documents and sign-in
    assert all(
        layer["LatestMatchingVersion"]["CompatibleRuntimes"] == ["python3.12"] for layer in layers
    )
    layer_id = next(
        k
        for k, v in deployed.template["Resources"].items()
        if v["Type"] == "AWS::Lambda::LayerVersion" and k.startswith("SharedLayer")
    )
    key = deployed.properties(layer_id)["Content"]["S3Key"]
    archive = deployed.client("s3").get_object(Bucket=ARTIFACT_BUCKET, Key=key)["Body"].read()
    names = set(zipfile.ZipFile(io.BytesIO(archive)).namelist())
    assert "python/sla_monitor/__init__.py" in names
    assert "python/sla_monitor/config/council.yaml" in names
    # The classification's weights, applied without numpy: nothing fetched at run time.
    assert "python/sla_monitor/config/classifier-weights.json" in names
    assert not any(n.startswith(("python/numpy/", "python/sklearn/")) for n in names)


# -- least privilege ---------------------------------------------------------------------------


def _allows(
    statements: list[dict[str, Any]], action: str, resource: str, leading_key: str | None = None
) -> bool:
    """Whether the statements allow `action` on `resource`; a statement limited to some items'
    partition keys (dynamodb:LeadingKeys) allows it only for an item under one of them."""

    def listed(value: Any) -> list[str]:
        return value if isinstance(value, list) else [value]

    def keys_allowed(statement: dict[str, Any]) -> bool:
        conditions = statement.get("Condition", {})
        equals = conditions.get("ForAllValues:StringEquals", {})
        like = conditions.get("ForAllValues:StringLike", {})
        if "dynamodb:LeadingKeys" in equals:
            return leading_key in listed(equals["dynamodb:LeadingKeys"])
        if "dynamodb:LeadingKeys" in like:
            return leading_key is not None and any(
                fnmatch.fnmatchcase(leading_key, pattern)
                for pattern in listed(like["dynamodb:LeadingKeys"])
            )
        return True

    def matches(s: dict[str, Any]) -> bool:
        return (
            any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in listed(s["Action"]))
            and any(fnmatch.fnmatchcase(resource, r) for r in listed(s["Resource"]))
            and keys_allowed(s)
        )

    # As IAM decides: an explicit deny wins over any allow.
    allowed = any(s["Effect"] == "Allow" and matches(s) for s in statements)
    return allowed and not any(s["Effect"] == "Deny" and matches(s) for s in statements)


@pytest.mark.parametrize("function_id", FUNCTIONS)
def test_roles_name_every_action_and_scope_every_resource(deployed, function_id):
    for statement in deployed.role_policy(function_id):
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        assert not [a for a in actions if "*" in a], statement
        if statement["Resource"] == "*":
            # X-Ray's write actions have no resource to scope them to.
            assert all(a.startswith("xray:Put") for a in actions), statement
        if any(a.startswith("kms:") for a in actions):
            assert "kms:ViaService" in statement["Condition"]["StringEquals"], statement


# What the administrators' staff account pages call, on the staff pool only.
STAFF_ACCOUNT_ACTIONS = (
    "ListUsers",
    "ListUsersInGroup",
    "AdminGetUser",
    "AdminListGroupsForUser",
    "AdminCreateUser",
    "AdminAddUserToGroup",
    "AdminRemoveUserFromGroup",
    "AdminDisableUser",
)


def _expectations(d: Deployment) -> dict[str, tuple[list[tuple[str, ...]], list[tuple[str, ...]]]]:
    cases, directory = d.arn("CasesTable"), d.arn("DirectoryTable")
    bucket = d.arn("RawMailBucket")
    identity = f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/example.gov.uk"
    configuration_set = (
        f"arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/{d.physical('OutboundConfigurationSet')}"
    )
    queue, secret = d.arn("FailedEventsQueue"), d.physical("FormSecret")
    staff_secret = d.physical("StaffSessionSecret")
    pool = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{d.physical('StaffUserPool')}"

    def log(group: str) -> str:
        return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/{STACK}/{group}:log-stream:2026/01/05/x"

    return {
        "EmailIntakeFunction": (
            [
                ("s3:GetObject", f"{bucket}/inbound/abc123"),
                ("s3:PutObject", f"{bucket}/attachments/abc123/report.pdf"),
                ("dynamodb:PutItem", cases),
                ("dynamodb:Query", directory),
                ("sqs:SendMessage", queue),
                ("logs:PutLogEvents", log("email-intake")),
            ],
            [
                ("s3:PutObject", f"{bucket}/inbound/abc123"),
                ("s3:DeleteObject", f"{bucket}/inbound/abc123"),
                ("dynamodb:Scan", cases),
                ("dynamodb:DeleteItem", cases),
                ("dynamodb:PutItem", directory),
                ("ses:SendEmail", identity),
                ("secretsmanager:GetSecretValue", secret),
                ("logs:PutLogEvents", log("deadline-checker")),
            ],
        ),
        "DeadlineCheckerFunction": (
            [
                ("dynamodb:Query", f"{cases}/index/next-due"),
                ("dynamodb:DeleteItem", cases),
                ("ses:SendEmail", identity),
                ("ses:SendRawEmail", identity),
                ("ses:SendEmail", configuration_set),
                ("sqs:SendMessage", queue),
                ("dynamodb:PutItem", directory, "POLICY"),
            ],
            [
                ("dynamodb:Scan", cases),
                ("dynamodb:Scan", f"{cases}/index/next-due"),
                ("dynamodb:PutItem", directory),
                ("dynamodb:PutItem", directory, "OFFICER"),
                ("ses:SendEmail", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/elsewhere.example.com"),
                ("s3:GetObject", f"{bucket}/inbound/abc123"),
            ],
        ),
        "HaveYourSayFunction": (
            [
                ("secretsmanager:GetSecretValue", secret),
                ("dynamodb:PutItem", cases),
                ("logs:PutLogEvents", log("have-your-say")),
            ],
            [
                ("dynamodb:Scan", cases),
                ("ses:SendEmail", identity),
                ("s3:GetObject", f"{bucket}/inbound/abc123"),
                ("sqs:SendMessage", queue),
                ("secretsmanager:GetSecretValue", staff_secret),
            ],
        ),
        # The open status API reads a case by its key and a month through the received-month
        # index, and the directory: nothing else, and it changes nothing.
        "Open311Function": (
            [
                ("dynamodb:GetItem", cases, "CASE#NWL-2026-000001"),
                ("dynamodb:Query", f"{cases}/index/received-month"),
                ("dynamodb:GetItem", directory),
                ("dynamodb:Query", directory),
                ("logs:PutLogEvents", log("open311")),
            ],
            [
                ("dynamodb:GetItem", cases, "TRIAGE"),
                ("dynamodb:GetItem", cases),
                ("dynamodb:Query", cases),
                ("dynamodb:Scan", cases),
                ("dynamodb:Scan", f"{cases}/index/received-month"),
                ("dynamodb:Query", f"{cases}/index/open-cases"),
                ("dynamodb:Query", f"{cases}/index/next-due"),
                ("dynamodb:PutItem", cases, "CASE#NWL-2026-000001"),
                ("dynamodb:UpdateItem", cases, "CASE#NWL-2026-000001"),
                ("dynamodb:DeleteItem", cases, "CASE#NWL-2026-000001"),
                ("dynamodb:PutItem", directory),
                ("secretsmanager:GetSecretValue", secret),
                ("secretsmanager:GetSecretValue", staff_secret),
                ("ses:SendEmail", identity),
                ("s3:GetObject", f"{bucket}/attachments/abc123/001-photo.jpg"),
                ("sqs:SendMessage", queue),
                ("logs:PutLogEvents", log("have-your-say")),
            ],
        ),
        "StaffWorkspaceFunction": (
            [
                ("dynamodb:GetItem", cases),
                ("dynamodb:Query", cases),
                ("dynamodb:Query", f"{cases}/index/open-cases"),
                # The reports page reads by received month.
                ("dynamodb:Query", f"{cases}/index/received-month"),
                # Only the partitions of casework, sessions and the accounts' audit trail.
                ("dynamodb:PutItem", cases, "CASE#NWL-2026-000001"),
                ("dynamodb:UpdateItem", cases, "SHELF#OWNER#housing-officer"),
                ("dynamodb:PutItem", cases, "SESSIONS#STAFF#abc123"),
                ("dynamodb:PutItem", cases, "ACCOUNT_CHANGES"),
                ("dynamodb:PutItem", cases, "VIEWS#waste-officer"),
                # A step's letters go at once: a claim released when sending failed.
                ("dynamodb:DeleteItem", cases, "CASE#NWL-2026-000001"),
                ("dynamodb:GetItem", directory),
                ("secretsmanager:GetSecretValue", staff_secret),
                ("logs:PutLogEvents", log("staff-workspace")),
                ("ses:SendEmail", identity),
                ("ses:SendRawEmail", identity),
                ("ses:SendRawEmail", configuration_set),
                # Download links to attachments, and set-aside mail taken in.
                ("s3:GetObject", f"{bucket}/attachments/abc123/001-photo.jpg"),
                ("s3:GetObject", f"{bucket}/inbound/abc123"),
                ("s3:PutObject", f"{bucket}/attachments/abc123/001-photo.jpg"),
                # Administrators: the directory, closure days and staff accounts.
                ("dynamodb:PutItem", directory, "DEPARTMENT"),
                ("dynamodb:PutItem", directory, "OFFICER"),
                ("dynamodb:PutItem", directory, "ROLE"),
                ("dynamodb:PutItem", directory, "CLOSURE"),
                ("dynamodb:DeleteItem", directory, "CLOSURE"),
                *[(f"cognito-idp:{action}", pool) for action in STAFF_ACCOUNT_ACTIONS],
            ],
            [
                ("dynamodb:Scan", cases),
                ("dynamodb:Scan", f"{cases}/index/open-cases"),
                ("dynamodb:Query", f"{cases}/index/next-due"),
                # A resident's sign-in link, session or request counter: never staff's to write.
                ("dynamodb:PutItem", cases, "SIGN_IN#abc123"),
                ("dynamodb:PutItem", cases, "SESSIONS#CUSTOMER#abc123"),
                ("dynamodb:UpdateItem", cases, "RATE#abc123"),
                ("dynamodb:PutItem", directory),
                ("dynamodb:PutItem", directory, "POLICY"),
                ("dynamodb:DeleteItem", directory, "OFFICER"),
                ("dynamodb:DeleteItem", directory, "POLICY"),
                ("secretsmanager:GetSecretValue", secret),
                ("ses:SendEmail", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/elsewhere.example.com"),
                ("s3:GetObject", f"{bucket}/elsewhere/abc123"),
                ("s3:PutObject", f"{bucket}/inbound/abc123"),
                ("s3:DeleteObject", f"{bucket}/attachments/abc123/001-photo.jpg"),
                # A quarantined file is offered only once a clean copy is out of quarantine.
                ("s3:GetObject", f"{bucket}/attachments/quarantine/abc123/001-photo.jpg"),
                ("sqs:SendMessage", queue),
                (
                    "cognito-idp:AdminCreateUser",
                    f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/x",
                ),
                ("cognito-idp:AdminDeleteUser", pool),
                ("cognito-idp:AdminSetUserPassword", pool),
                ("cognito-idp:AdminEnableUser", pool),
                ("cognito-idp:CreateGroup", pool),
                ("cognito-idp:AdminInitiateAuth", pool),
                ("logs:PutLogEvents", log("have-your-say")),
            ],
        ),
        # Records a scan result on the case and copies a clean file out of quarantine: never
        # into quarantine, never anything else of the bucket, nothing sent.
        "ScanResultsFunction": (
            [
                ("dynamodb:GetItem", cases),
                ("dynamodb:Query", cases),
                ("dynamodb:PutItem", cases),
                ("dynamodb:UpdateItem", cases),
                ("dynamodb:Query", directory),
                ("s3:GetObject", f"{bucket}/attachments/quarantine/abc123/001-photo.jpg"),
                ("s3:GetObjectVersion", f"{bucket}/attachments/quarantine/abc123/001-photo.jpg"),
                ("s3:PutObject", f"{bucket}/attachments/scanned/abc123/001-photo.jpg"),
                ("sqs:SendMessage", queue),
                ("logs:PutLogEvents", log("scan-results")),
            ],
            [
                ("dynamodb:Scan", cases),
                ("dynamodb:DeleteItem", cases),
                ("dynamodb:PutItem", directory),
                ("s3:PutObject", f"{bucket}/attachments/quarantine/abc123/001-photo.jpg"),
                ("s3:PutObject", f"{bucket}/attachments/abc123/001-photo.jpg"),
                ("s3:DeleteObject", f"{bucket}/attachments/quarantine/abc123/001-photo.jpg"),
                ("s3:GetObject", f"{bucket}/inbound/abc123"),
                ("ses:SendEmail", identity),
                ("secretsmanager:GetSecretValue", secret),
                ("logs:PutLogEvents", log("email-intake")),
            ],
        ),
        "DeliveryEventsFunction": (
            [
                ("dynamodb:UpdateItem", cases),
                ("dynamodb:DeleteItem", cases),
                ("ses:SendRawEmail", identity),
                ("ses:SendRawEmail", configuration_set),
                ("sqs:SendMessage", queue),
            ],
            [
                ("dynamodb:Scan", cases),
                (
                    "ses:SendRawEmail",
                    f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/elsewhere.example.com",
                ),
                ("s3:GetObject", f"{bucket}/inbound/abc123"),
                ("dynamodb:PutItem", directory),
            ],
        ),
    }


@pytest.mark.parametrize("function_id", FUNCTIONS)
def test_each_role_allows_what_its_function_does_and_nothing_nearby(deployed, function_id):
    statements = deployed.role_policy(function_id)
    allowed, refused = _expectations(deployed)[function_id]
    for action, resource, *key in allowed:
        assert _allows(statements, action, resource, *key), (
            f"{function_id} may not {action} {resource} {key}"
        )
    for action, resource, *key in refused:
        assert not _allows(statements, action, resource, *key), (
            f"{function_id} may {action} {resource} {key}"
        )


def test_the_data_key_rotates_and_lets_services_use_it_only_for_this_account(deployed):
    kms = deployed.client("kms")
    key = deployed.physical("DataKey")
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True
    policy = policy_document(kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"])
    logs = f"logs.{REGION}.amazonaws.com"
    for statement in policy["Statement"]:
        if statement["Principal"].get("Service") == logs:
            # CloudWatch Logs encrypts this account's log groups, and nothing else.
            assert set(statement["Action"]) == {
                "kms:Encrypt*",
                "kms:Decrypt*",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:Describe*",
            }
            assert statement["Condition"] == {
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": (
                        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:*"
                    )
                }
            }
        elif "Service" in statement["Principal"]:
            assert set(statement["Action"]) == {"kms:GenerateDataKey*", "kms:Decrypt"}
            assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    assert deployed.template["Resources"]["DataKey"]["DeletionPolicy"] == "Retain"


# -- the schedule ------------------------------------------------------------------------------


def _inline_statements(deployed, role_arn: str) -> tuple[dict, list[dict]]:
    iam = deployed.client("iam")
    role = iam.get_role(RoleName=role_arn.rsplit("/", 1)[1])["Role"]
    statements = []
    for name in iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role["RoleName"], PolicyName=name)
        statements += policy_document(document["PolicyDocument"])["Statement"]
    return role, statements


def test_every_five_minutes_the_schedule_starts_the_sweep_of_every_shard(deployed):
    schedule = deployed.client("scheduler").get_schedule(
        Name=deployed.physical("SweepStateMachineSweep")
    )
    machine = deployed.physical("SweepStateMachine")
    assert schedule["State"] == "ENABLED"
    assert schedule["ScheduleExpression"] == "rate(5 minutes)"
    assert schedule["Target"]["Arn"] == machine
    assert schedule["Target"]["RetryPolicy"]["MaximumRetryAttempts"] == 0

    role, statements = _inline_statements(deployed, schedule["Target"]["RoleArn"])
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": ["scheduler.amazonaws.com"]}
    assert [(s["Action"], s["Resource"]) for s in statements] == [
        ("states:StartExecution", machine)
    ]


def test_the_sweep_state_machine_can_only_invoke_the_checker(deployed):
    checker = deployed.function("DeadlineCheckerFunction")["FunctionArn"]
    described = deployed.client("stepfunctions").describe_state_machine(
        stateMachineArn=deployed.physical("SweepStateMachine")
    )
    definition = json.loads(described["definition"])
    task = definition["States"]["SweepEachShard"]["ItemProcessor"]["States"]["SweepShard"]
    # Step Functions fills the placeholders in from DefinitionSubstitutions when it takes the
    # definition; moto's CloudFormation hands the definition over as written.
    assert task["Parameters"]["FunctionName"] == "${DeadlineCheckerArn}"
    assert "${IndexShards}" in definition["States"]["Shards"]["Parameters"]["shards.$"]
    substitutions = deployed.template["Resources"]["SweepStateMachine"]["Properties"][
        "DefinitionSubstitutions"
    ]
    assert substitutions == {
        "DeadlineCheckerArn": {"Fn::GetAtt": ["DeadlineCheckerFunction", "Arn"]},
        "IndexShards": {"Ref": "IndexShards"},
    }

    role, statements = _inline_statements(deployed, described["roleArn"])
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "states.amazonaws.com"}
    assert statements == [
        {
            "Sid": "InvokeTheChecker",
            "Action": "lambda:InvokeFunction",
            "Effect": "Allow",
            "Resource": checker,
        }
    ]


@pytest.mark.parametrize("minutes", ["2", "5", "10", "15", "30"])
def test_every_sweep_rate_fits_the_checker_budget_and_the_silence_alarm(minutes):
    template = load_sam_template()
    rate = Resolver(template, {"CheckerRateMinutes": minutes}, STACK, {}, boto3.client)
    every = rate.resolve({"Fn::FindInMap": ["CheckerRate", minutes, "ScheduleExpression"]})
    timeout = rate.resolve({"Fn::FindInMap": ["CheckerRate", minutes, "TimeoutSeconds"]})
    silence = rate.resolve({"Fn::FindInMap": ["CheckerRate", minutes, "SilenceSeconds"]})
    assert every == f"rate({minutes} minutes)"
    assert timeout < int(minutes) * 60  # a sweep ends before the next begins
    assert timeout <= 900  # Lambda's limit
    assert silence >= 2 * int(minutes) * 60  # one late sweep is not "not running"


# -- failures and alarms -----------------------------------------------------------------------


@pytest.mark.parametrize("function_id", ASYNC_FUNCTIONS)
def test_async_invocations_that_keep_failing_land_on_the_encrypted_queue(deployed, function_id):
    config = deployed.client("lambda").get_function_event_invoke_config(
        FunctionName=deployed.physical(function_id)
    )
    assert config["DestinationConfig"]["OnFailure"]["Destination"] == deployed.arn(
        "FailedEventsQueue"
    )
    expected_retries = 0 if function_id == "DeadlineCheckerFunction" else 2
    assert config["MaximumRetryAttempts"] == expected_retries
    queue = deployed.client("sqs").get_queue_attributes(
        QueueUrl=deployed.physical("FailedEventsQueue"), AttributeNames=["KmsMasterKeyId"]
    )
    assert queue["Attributes"]["KmsMasterKeyId"] == deployed.physical("DataKey")


def test_alarms_watch_the_checker_intake_and_failed_events(deployed):
    alarms = {
        a["AlarmName"]: a for a in deployed.client("cloudwatch").describe_alarms()["MetricAlarms"]
    }
    topic = deployed.physical("AlarmTopic")
    checker = deployed.physical("DeadlineCheckerFunction")
    intake = deployed.physical("EmailIntakeFunction")
    queue_name = deployed.physical("FailedEventsQueue").rsplit("/", 1)[1]

    api = f"{STACK}-have-your-say"
    watched = {
        name: (
            a["Namespace"],
            a["MetricName"],
            a["Dimensions"][0]["Value"] if a["Dimensions"] else None,
        )
        for name, a in alarms.items()
    }
    assert watched == {
        "CheckerErrorsAlarm": ("AWS/Lambda", "Errors", checker),
        "CheckerNotRunningAlarm": ("AWS/Lambda", "Invocations", checker),
        "IntakeErrorsAlarm": ("AWS/Lambda", "Errors", intake),
        "FailedEventsAlarm": ("AWS/SQS", "ApproximateNumberOfMessagesVisible", queue_name),
        # What the operations dashboard shows that needs a person.
        "SendFailuresAlarm": ("SlaMonitor", "SendFailures", "deadline-checker"),
        "CheckerBacklogAlarm": ("SlaMonitor", "BacklogLeft", "deadline-checker"),
        "FormServerErrorsAlarm": ("AWS/ApiGateway", "5XXError", api),
        "FormLatencyAlarm": ("AWS/ApiGateway", "Latency", api),
        "SesBounceRateAlarm": ("AWS/SES", "Reputation.BounceRate", None),
        "SesComplaintRateAlarm": ("AWS/SES", "Reputation.ComplaintRate", None),
    }
    for alarm in alarms.values():
        assert alarm["AlarmActions"] == [topic]
    silent = alarms["CheckerNotRunningAlarm"]
    assert silent["ComparisonOperator"] == "LessThanThreshold"
    assert silent["TreatMissingData"] == "breaching"
    assert silent["Period"] == 900  # three five-minute sweeps


def test_the_operations_dashboard_shows_what_the_functions_publish(deployed):
    cloudwatch = deployed.client("cloudwatch")
    name = deployed.physical("OperationsDashboard")
    body = json.loads(cloudwatch.get_dashboard(DashboardName=name)["DashboardBody"])
    metrics = set()
    for widget in body["widgets"]:
        previous: list[str] = []
        for row in widget["properties"].get("metrics", []):
            if row[0] == "...":  # the previous row's metric, another dimension value
                continue
            # "." repeats what the row above has in that place.
            above = [*previous, "", ""][:2]
            names = [p if n == "." else n for n, p in zip(row[:2], above, strict=True)]
            metrics.add(tuple(names))
            previous = names
    for published in (
        ("SlaMonitor", "Breaches"),  # the deadline checker's report
        ("SlaMonitor", "SendFailures"),
        ("SlaMonitor", "BacklogLeft"),
        ("SlaMonitor", "EmailCases"),  # email intake
        ("SlaMonitor", "WebCases"),  # the form's log, through the metric filter
        ("SlaMonitor", "DeliveryBounce"),  # delivery events
        ("AWS/ApiGateway", "5XXError"),
        ("AWS/ApiGateway", "Latency"),
        ("AWS/SES", "Reputation.BounceRate"),
        ("AWS/SES", "Reputation.ComplaintRate"),
    ):
        assert published in metrics
    text = json.dumps(body)
    assert deployed.physical("DeadlineCheckerFunction") in text
    assert f"{STACK}-have-your-say" in text
    assert "${" not in text  # every placeholder was filled in

    group = deployed.resolver.resolve(deployed.properties("HaveYourSayFunction")["LoggingConfig"])[
        "LogGroup"
    ]
    filters = {
        f["filterName"]: f
        for f in deployed.client("logs").describe_metric_filters(logGroupName=group)[
            "metricFilters"
        ]
    }
    (counted,) = filters["WebCasesMetricFilter"]["metricTransformations"]
    assert (counted["metricNamespace"], counted["metricName"]) == ("SlaMonitor", "WebCases")
    assert filters["WebCasesMetricFilter"]["filterPattern"] == '{ $.message = "case registered" }'


def test_alarms_reach_every_staff_address_through_an_encrypted_topic(deployed):
    sns = deployed.client("sns")
    topic = deployed.physical("AlarmTopic")
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attributes["KmsMasterKeyId"] == deployed.physical("DataKey")
    subscribed = {
        (s["Protocol"], s["Endpoint"])
        for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    }
    assert subscribed == {
        ("email", "it.duty@example.gov.uk"),
        ("email", "complaints.officer@example.gov.uk"),
    }


@pytest.mark.parametrize(
    ("addresses", "second", "third"),
    [
        ("a@example.gov.uk", False, False),
        ("a@x.gov.uk,b@x.gov.uk", True, False),
        ("a@x.gov.uk,b@x.gov.uk,c@x.gov.uk", True, True),
    ],
)
def test_one_alarm_subscription_per_address_given(addresses, second, third):
    template = load_sam_template()
    resolver = Resolver(template, {"AlarmEmailAddresses": addresses}, STACK, {}, boto3.client)
    assert resolver.condition("HasSecondAlarmEmail") is second
    assert resolver.condition("HasThirdAlarmEmail") is third


# -- the public form ---------------------------------------------------------------------------


def test_the_public_api_routes_the_form_pages_to_the_form_function(deployed):
    gateway = deployed.client("apigateway")
    api = deployed.physical("HaveYourSayApi")
    form = deployed.function("HaveYourSayFunction")["FunctionArn"]
    open311 = deployed.function("Open311Function")["FunctionArn"]
    your_cases = deployed.function("YourCasesFunction")["FunctionArn"]
    # The form's routes call the alias of its latest published version: SnapStart starts those
    # from a snapshot.
    alias = load_sam_template()["Resources"]["HaveYourSayFunction"]["Properties"][
        "AutoPublishAlias"
    ]
    routes: dict[str, set[tuple[str, str]]] = {form: set(), open311: set(), your_cases: set()}
    for resource in gateway.get_resources(restApiId=api)["items"]:
        for method in resource.get("resourceMethods", {}):
            integration = gateway.get_integration(
                restApiId=api, resourceId=resource["id"], httpMethod=method
            )
            assert integration["type"].upper() == "AWS_PROXY"
            (function,) = [f for f in routes if f in integration["uri"]]
            if function == form:
                assert f"{form}:{alias}/invocations" in integration["uri"]
            routes[function].add((resource["path"], method))
    assert routes[form] == {
        ("/", "GET"),
        ("/form", "GET"),
        ("/form", "POST"),
        ("/check", "GET"),
        ("/check", "POST"),
        ("/confirmation", "GET"),
        ("/accessibility", "GET"),
        ("/privacy", "GET"),
        ("/cookies", "GET"),
        ("/assets/{name}", "GET"),
    }
    # The open status API is on the same public API, to its own function.
    assert routes[open311] == {
        ("/open311/v2/{document}", "GET"),
        ("/open311/v2/requests/{request}", "GET"),
    }
    # So are the residents' own pages.
    assert routes[your_cases] == {
        ("/your-cases", "GET"),
        ("/your-cases/{step}", "X-AMAZON-APIGATEWAY-ANY-METHOD"),
        ("/your-cases/{reference}/{step}", "X-AMAZON-APIGATEWAY-ANY-METHOD"),
        ("/your-cases/{reference}/letters/{letter}", "GET"),
    }
    stages = [s["stageName"] for s in gateway.get_stages(restApiId=api)["item"]]
    assert stages == ["have-your-say"]
    # API Gateway may call the alias, route by route.
    policy = deployed.client("lambda").get_policy(
        FunctionName=deployed.physical("HaveYourSayFunction"), Qualifier=alias
    )["Policy"]
    assert len(json.loads(policy)["Statement"]) == len(routes[form])


def test_the_form_stage_writes_access_logs_through_the_accounts_logging_role(deployed):
    gateway = deployed.client("apigateway")
    api = deployed.physical("HaveYourSayApi")
    stage = gateway.get_stage(restApiId=api, stageName="have-your-say")
    group = deployed.physical("HaveYourSayAccessLogGroup")
    assert stage["accessLogSettings"]["destinationArn"].split(":log-group:")[1] == f"{group}:*"
    assert '"resourcePath":"$context.resourcePath"' in stage["accessLogSettings"]["format"]
    assert "sourceIp" not in stage["accessLogSettings"]["format"]
    role = gateway.get_account()["cloudwatchRoleArn"]
    assert role.rsplit("/", 1)[1] == deployed.physical("ApiGatewayLoggingRole")
    (described,) = deployed.client("logs").describe_log_groups(logGroupNamePrefix=group)[
        "logGroups"
    ]
    assert described["retentionInDays"] == 90


def test_the_public_api_is_throttled_on_its_stage(deployed):
    # moto keeps no method settings from a created stage: checked on the translated template.
    stage_id = next(
        k
        for k, v in deployed.template["Resources"].items()
        if v["Type"] == "AWS::ApiGateway::Stage"
        and v["Properties"]["RestApiId"] == {"Ref": "HaveYourSayApi"}
    )
    (settings,) = deployed.resolver.resolve(deployed.properties(stage_id)["MethodSettings"])
    assert settings["ResourcePath"] == "/*"
    assert settings["HttpMethod"] == "*"
    assert settings["ThrottlingRateLimit"] == 10
    assert settings["ThrottlingBurstLimit"] == 20


def test_a_firewall_rule_limits_each_ip_address_on_the_form_stage(deployed):
    waf = deployed.client("wafv2")
    (summary,) = [
        acl
        for acl in waf.list_web_acls(Scope="REGIONAL")["WebACLs"]
        if acl["Name"]
        == deployed.resolver.resolve(
            deployed.template["Resources"]["HaveYourSayFirewall"]["Properties"]["Name"]
        )
    ]
    acl = waf.get_web_acl(Name=summary["Name"], Scope="REGIONAL", Id=summary["Id"])["WebACL"]
    assert acl["DefaultAction"] == {"Allow": {}}
    (rule,) = acl["Rules"]
    assert rule["Action"] == {"Block": {}}
    rate = rule["Statement"]["RateBasedStatement"]
    assert (rate["AggregateKeyType"], rate["Limit"], rate["EvaluationWindowSec"]) == (
        "IP",
        100,
        300,
    )
    api_id = deployed.resolver.ref("HaveYourSayApi")
    stage = f"arn:aws:apigateway:eu-west-2::/restapis/{api_id}/stages/have-your-say"
    assert waf.get_web_acl_for_resource(ResourceArn=stage)["WebACL"]["ARN"] == summary["ARN"]


def test_the_staff_workspace_is_behind_a_firewall_of_its_own(deployed):
    waf = deployed.client("wafv2")
    name = deployed.resolver.resolve(
        deployed.template["Resources"]["StaffWorkspaceFirewall"]["Properties"]["Name"]
    )
    (summary,) = [a for a in waf.list_web_acls(Scope="REGIONAL")["WebACLs"] if a["Name"] == name]
    acl = waf.get_web_acl(Name=name, Scope="REGIONAL", Id=summary["Id"])["WebACL"]
    rules = {rule["Name"]: rule for rule in acl["Rules"]}
    # No council network given: no allow list, a rate per address and AWS's common rules.
    assert "only-the-councils-network" not in rules
    rate = next(r for r in rules.values() if "RateBasedStatement" in r["Statement"])
    assert rate["Action"] == {"Block": {}}
    assert rate["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"
    managed = [r["Statement"]["ManagedRuleGroupStatement"] for r in rules.values() if
               "ManagedRuleGroupStatement" in r["Statement"]]  # fmt: skip
    assert [m["Name"] for m in managed] == ["AWSManagedRulesCommonRuleSet"]
    api_id = deployed.resolver.ref("StaffWorkspaceApi")
    stage = deployed.resolver.resolve(
        deployed.template["Resources"]["StaffWorkspaceFirewallAssociation"]["Properties"][
            "ResourceArn"
        ]
    )
    assert api_id in stage
    assert waf.get_web_acl_for_resource(ResourceArn=stage)["WebACL"]["ARN"] == summary["ARN"]


# -- the staff workspace and its sign-in -------------------------------------------------------


def test_the_staff_api_routes_the_workspace_pages_to_the_staff_function(deployed):
    # test_template_wiring checks that these events are exactly the routes the workspace serves.
    gateway = deployed.client("apigateway")
    api = deployed.physical("StaffWorkspaceApi")
    function = deployed.function("StaffWorkspaceFunction")["FunctionArn"]
    routes = set()
    for resource in gateway.get_resources(restApiId=api)["items"]:
        for method in resource.get("resourceMethods", {}):
            integration = gateway.get_integration(
                restApiId=api, resourceId=resource["id"], httpMethod=method
            )
            assert integration["type"].upper() == "AWS_PROXY"
            assert function in integration["uri"]
            # SAM's OpenAPI names ANY by its extension, which moto keeps as the method's name.
            any_method = method.lower() == "x-amazon-apigateway-any-method"
            routes.add((resource["path"], "ANY" if any_method else method))
    events = load_sam_template()["Resources"]["StaffWorkspaceFunction"]["Properties"]["Events"]
    assert routes == {
        (e["Properties"]["Path"], e["Properties"]["Method"].upper()) for e in events.values()
    }
    assert [s["stageName"] for s in gateway.get_stages(restApiId=api)["item"]] == ["staff"]


def test_the_staff_functions_resource_policy_stays_well_within_lambdas_limit(deployed):
    # One statement per API route; Lambda refuses a resource policy over 20 KB, and a longer
    # stack name lengthens every statement: keep a wide margin.
    policy = deployed.client("lambda").get_policy(
        FunctionName=deployed.physical("StaffWorkspaceFunction")
    )["Policy"]
    events = load_sam_template()["Resources"]["StaffWorkspaceFunction"]["Properties"]["Events"]
    assert len(json.loads(policy)["Statement"]) == len(events)
    assert len(policy.encode()) < 14 * 1024


def test_staff_sign_in_asks_for_a_second_factor_and_allows_no_self_sign_up(deployed):
    cognito = deployed.client("cognito-idp")
    pool_id = deployed.physical("StaffUserPool")
    pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["UsernameAttributes"] == ["email"]
    assert cognito.get_user_pool_mfa_config(UserPoolId=pool_id)["MfaConfiguration"] == "ON"
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] >= 14
    # moto does not keep the add-ons or the tier: checked on the translated template.
    props = deployed.resolved("StaffUserPool")
    assert props["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}
    assert props["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert props["DeletionProtection"] == "ACTIVE"
    assert deployed.template["Resources"]["StaffUserPool"]["DeletionPolicy"] == "Retain"


def test_the_staff_pool_has_one_group_per_role_of_the_permission_matrix(deployed):
    from sla_monitor.web.staff.permissions import StaffRole

    groups = deployed.client("cognito-idp").list_groups(
        UserPoolId=deployed.physical("StaffUserPool")
    )["Groups"]
    assert {g["GroupName"] for g in groups} == {r.value for r in StaffRole}


def test_the_workspace_client_uses_the_code_flow_with_pkce_and_no_password_flow(deployed):
    client = deployed.client("cognito-idp").describe_user_pool_client(
        UserPoolId=deployed.physical("StaffUserPool"),
        ClientId=deployed.physical("StaffUserPoolClient"),
    )["UserPoolClient"]
    assert "ClientSecret" not in client  # a public client: PKCE protects the code
    assert client["AllowedOAuthFlows"] == ["code"]
    assert client["AllowedOAuthFlowsUserPoolClient"] is True
    assert set(client["AllowedOAuthScopes"]) == {"openid", "email", "profile"}
    assert client["CallbackURLs"] == ["https://staff.example.gov.uk/auth/callback"]
    assert client["LogoutURLs"] == ["https://staff.example.gov.uk/signed-out"]
    assert not {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"} & set(
        client["ExplicitAuthFlows"]
    )


def test_the_workspace_is_told_its_pool_client_domain_and_never_the_local_form(deployed):
    variables = deployed.resolved("StaffWorkspaceFunction")["Environment"]["Variables"]
    assert variables["STAFF_USER_POOL_ID"] == deployed.physical("StaffUserPool")
    assert variables["STAFF_CLIENT_ID"] == deployed.physical("StaffUserPoolClient")
    assert variables["STAFF_SIGN_IN_DOMAIN"] == (
        f"https://example-council-staff.auth.{REGION}.amazoncognito.com"
    )
    assert variables["STAFF_WORKSPACE_URL"] == PARAMETERS["StaffWorkspaceUrl"]
    assert variables["FORM_SECRET_PARAMETER"] == deployed.physical("StaffSessionSecret")
    assert "STAFF_LOCAL_SIGN_IN" not in variables
    assert "STAFF_LOCAL_SIGN_IN" not in json.dumps(deployed.template)


# -- quarantined files scanned -----------------------------------------------------------------


def test_guardduty_scan_results_of_the_quarantine_folder_reach_the_scan_results_function(
    deployed,
):
    events = deployed.client("events")
    function_arn = deployed.function("ScanResultsFunction")["FunctionArn"]
    (rule,) = [
        r
        for r in events.list_rules()["Rules"]
        if any(
            t["Arn"] == function_arn for t in events.list_targets_by_rule(Rule=r["Name"])["Targets"]
        )
    ]
    assert rule["State"] == "ENABLED"
    assert json.loads(rule["EventPattern"]) == {
        "source": ["aws.guardduty"],
        "detail-type": ["GuardDuty Malware Protection Object Scan Result"],
        "detail": {
            "resourceType": ["S3_OBJECT"],
            "s3ObjectDetails": {
                "bucketName": [deployed.physical("RawMailBucket")],
                "objectKey": [{"prefix": "attachments/quarantine/"}],
            },
        },
    }
    permission = json.loads(
        deployed.client("lambda").get_policy(FunctionName=function_arn)["Policy"]
    )
    (statement,) = permission["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == rule["Arn"]


def test_guardduty_may_read_and_tag_only_the_quarantine_folder(deployed):
    plan = deployed.resolved("QuarantineMalwareProtectionPlan")
    assert plan["ProtectedResource"]["S3Bucket"] == {
        "BucketName": deployed.physical("RawMailBucket"),
        "ObjectPrefixes": ["attachments/quarantine/"],
    }
    assert plan["Actions"] == {"Tagging": {"Status": "ENABLED"}}
    role, statements = _inline_statements(deployed, plan["Role"])
    (trust,) = policy_document(role["AssumeRolePolicyDocument"])["Statement"]
    assert trust["Principal"] == {"Service": "malware-protection-plan.guardduty.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    bucket = deployed.arn("RawMailBucket")
    quarantined = f"{bucket}/attachments/quarantine/your-cases-abc/001-photo.jpg"
    for action in ("s3:GetObject", "s3:GetObjectVersion", "s3:PutObjectTagging"):
        assert _allows(statements, action, quarantined), action
    assert _allows(
        statements, "s3:PutObject", f"{bucket}/malware-protection-resource-validation-object"
    )
    assert _allows(statements, "s3:PutBucketNotification", bucket)
    for action, resource in (
        ("s3:GetObject", f"{bucket}/attachments/abc/001-photo.jpg"),
        ("s3:GetObject", f"{bucket}/inbound/abc123"),
        ("s3:PutObject", quarantined),
        ("s3:DeleteObject", quarantined),
        ("s3:PutObjectTagging", f"{bucket}/inbound/abc123"),
        ("events:PutRule", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/anything"),
    ):
        assert not _allows(statements, action, resource), (action, resource)
    (decrypt,) = [s for s in statements if "kms:Decrypt" in s["Action"]]
    assert decrypt["Resource"] == deployed.arn("DataKey")
    assert decrypt["Condition"] == {
        "StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}
    }
