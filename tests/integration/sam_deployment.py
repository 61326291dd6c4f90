"""Deploy template.yaml into moto the way `sam package` and CloudFormation would, with no account.

1. Package: zip each function's CodeUri and the layer's ContentUri into an artifacts bucket and
   point the template at them (what `sam package` does).
2. Translate the SAM template to plain CloudFormation with aws-sam-translator. The template names
   no AWS managed policy (every role is written out), so the translator gets an empty map and
   never looks one up.
3. Create the stack in moto's CloudFormation.
4. Create what moto's CloudFormation cannot, through the services' own APIs in moto, with the
   template's properties resolved against the stack: the SES receipt rule then has to name a
   bucket and a function that exist, the schedule a real target, and so on.
"""

from __future__ import annotations

import ast
import io
import json
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import boto3
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
REGION = "eu-west-2"
ACCOUNT = "123456789012"  # moto's account
ARTIFACT_BUCKET = "sla-monitor-deployment-artifacts"

# moto creates AWS::ApiGateway::Deployment only for an API built from Resource and Method
# resources; SAM describes the API as an OpenAPI body, so the deployment is made after the body
# is imported (see create_what_moto_cannot).
LEFT_FOR_LATER = {"AWS::ApiGateway::Deployment"}


def _names_an_alias(template: dict[str, Any], resource: dict[str, Any]) -> bool:
    """A permission on a function's alias (AutoPublishAlias): moto's CloudFormation makes no
    alias, and fails on a permission that names one, so both are made through the API."""
    if resource["Type"] != "AWS::Lambda::Permission":
        return False
    target = resource["Properties"].get("FunctionName")
    return (
        isinstance(target, dict)
        and "Ref" in target
        and template["Resources"][target["Ref"]]["Type"] == "AWS::Lambda::Alias"
    )


def load_sam_template() -> dict[str, Any]:
    return yaml_parse(TEMPLATE.read_text())


def _zip_folder(folder: Path, prefix: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, prefix + path.relative_to(folder).as_posix())
    return buffer.getvalue()


def package(sam: dict[str, Any], s3: Any) -> dict[str, Any]:
    """Upload the code the template points at and rewrite its local paths to S3 URIs."""
    s3.create_bucket(
        Bucket=ARTIFACT_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    zipped: dict[tuple[Path, str], bytes] = {}
    for logical_id, resource in sam["Resources"].items():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function":
            key, prefix = "CodeUri", ""
        elif resource["Type"] == "AWS::Serverless::LayerVersion":
            # A python3.x layer puts its packages under python/ (BuildMethod python3.12).
            key, prefix = "ContentUri", "python/"
        else:
            continue
        folder = ROOT / props[key]
        if not (folder.is_dir() and any(folder.iterdir())):
            raise FileNotFoundError(f"{props[key]} ({key} of {logical_id}) is missing or empty")
        if (folder, prefix) not in zipped:  # the layers share a folder: zipped once
            zipped[folder, prefix] = _zip_folder(folder, prefix)
        s3.put_object(Bucket=ARTIFACT_BUCKET, Key=f"{logical_id}.zip", Body=zipped[folder, prefix])
        props[key] = f"s3://{ARTIFACT_BUCKET}/{logical_id}.zip"
    return sam


def translate(sam: dict[str, Any], parameters: Mapping[str, str]) -> dict[str, Any]:
    # The session only supplies the region and partition pseudo parameters; nothing is called.
    session = boto3.session.Session(region_name=REGION)
    translator = Translator(None, Parser(), boto_session=session)
    return translator.translate(
        sam, parameter_values=dict(parameters), get_managed_policy_map=lambda: {}
    )


def create_stack(
    cloudformation: Any, name: str, template: dict[str, Any], parameters: Mapping[str, str]
) -> set[str]:
    """Create the stack; return the resource types moto's CloudFormation skipped."""
    body = {
        **template,
        "Resources": {
            k: v
            for k, v in template["Resources"].items()
            if v["Type"] not in LEFT_FOR_LATER and not _names_an_alias(template, v)
        },
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cloudformation.create_stack(
            StackName=name,
            TemplateBody=json.dumps(body),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
            Capabilities=["CAPABILITY_IAM"],
        )
    skipped = set()
    for warning in caught:
        if match := re.search(r"Tried to parse (\S+) but it's not supported", str(warning.message)):
            skipped.add(match[1])
    return skipped


# `Ref: AWS::NoValue`: the property or list item is left out, as CloudFormation does.
_NO_VALUE = object()


class Resolver:
    """Resolves the intrinsic functions the template uses against the resources in moto."""

    def __init__(
        self,
        template: dict[str, Any],
        parameters: Mapping[str, str],
        stack_name: str,
        physical_ids: dict[str, str],
        clients: Callable[[str], Any],
    ) -> None:
        self.template = template
        self.stack_name = stack_name
        self.physical_ids = physical_ids
        self.client = clients
        self.parameters: dict[str, Any] = {}
        for name, spec in template.get("Parameters", {}).items():
            value = parameters.get(name, spec.get("Default"))
            if spec["Type"] == "CommaDelimitedList":
                value = [item.strip() for item in str(value).split(",")]
            self.parameters[name] = value

    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.template["Conditions"][name]))

    def ref(self, name: str) -> Any:
        pseudo = {
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT,
            "AWS::Partition": "aws",
            "AWS::StackName": self.stack_name,
            "AWS::URLSuffix": "amazonaws.com",
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        return self.physical_ids[name]

    def get_att(self, name: str, attribute: str) -> Any:
        kind = self.template["Resources"][name]["Type"]
        physical = self.physical_ids[name]
        if (kind, attribute) == ("AWS::Lambda::Function", "Arn"):
            return self.client("lambda").get_function_configuration(FunctionName=physical)[
                "FunctionArn"
            ]
        if (kind, attribute) == ("AWS::IAM::Role", "Arn"):
            return self.client("iam").get_role(RoleName=physical)["Role"]["Arn"]
        if (kind, attribute) == ("AWS::SQS::Queue", "Arn"):
            return self.client("sqs").get_queue_attributes(
                QueueUrl=physical, AttributeNames=["QueueArn"]
            )["Attributes"]["QueueArn"]
        if (kind, attribute) == ("AWS::SQS::Queue", "QueueName"):
            return physical.rsplit("/", 1)[1]
        if (kind, attribute) == ("AWS::DynamoDB::Table", "Arn"):
            return self.client("dynamodb").describe_table(TableName=physical)["Table"]["TableArn"]
        if (kind, attribute) == ("AWS::KMS::Key", "Arn"):
            # Built, not described: moto cannot describe a key whose policy CloudFormation set.
            return f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{physical}"
        if (kind, attribute) == ("AWS::S3::Bucket", "Arn"):
            return f"arn:aws:s3:::{physical}"
        if (kind, attribute) == ("AWS::WAFv2::WebACL", "Arn"):
            return physical
        if (kind, attribute) == ("AWS::Logs::LogGroup", "Arn"):
            return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{physical}:*"
        if (kind, attribute) == ("AWS::Lambda::Version", "Version"):
            function = self.resolve(self.template["Resources"][name]["Properties"]["FunctionName"])
            listed = self.client("lambda").list_versions_by_function(FunctionName=function)
            return max(
                (v["Version"] for v in listed["Versions"] if v["Version"] != "$LATEST"), key=int
            )
        raise NotImplementedError(f"GetAtt {name}.{attribute} ({kind})")

    def _substitute(self, text: str, variables: Mapping[str, Any]) -> str:
        def one(match: re.Match[str]) -> str:
            name = match[1]
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                return str(self.get_att(*name.split(".", 1)))
            return str(self.ref(name))

        return re.sub(r"\$\{([^}!]+)\}", one, text)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [r for r in (self.resolve(v) for v in value) if r is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (function, argument), *_ = value.items()
            if function == "Ref" and argument == "AWS::NoValue":
                return _NO_VALUE
            if function == "Ref":
                return self.ref(argument)
            if function == "Fn::If":
                name, when_true, when_false = argument
                return self.resolve(when_true if self.condition(name) else when_false)
            if function == "Fn::GetAtt":
                name, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
                return self.get_att(name, attribute)
            if function == "Fn::Sub":
                if isinstance(argument, str):
                    return self._substitute(argument, {})
                text, variables = argument
                return self._substitute(text, self.resolve(variables))
            if function == "Fn::Select":
                index, items = self.resolve(argument)
                return items[int(index)]
            if function == "Fn::Split":
                delimiter, text = self.resolve(argument)
                return text.split(delimiter)
            if function == "Fn::Join":
                delimiter, items = self.resolve(argument)
                return delimiter.join(str(i) for i in items)
            if function == "Fn::FindInMap":
                mapping, first, second = self.resolve(argument)
                return self.template["Mappings"][mapping][str(first)][second]
            if function == "Fn::Equals":
                left, right = self.resolve(argument)
                return left == right
            if function == "Fn::Not":
                return not self.resolve(argument[0])
            if function == "Condition":
                return self.condition(argument)
        resolved = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not _NO_VALUE}


def _policy(document: Any) -> str:
    return json.dumps(document)


def policy_document(stored: Any) -> dict[str, Any]:
    """A policy as moto returns it: a dict, JSON, or (for what its CloudFormation stored) the
    Python text of a dict."""
    if isinstance(stored, dict):
        return stored
    try:
        return json.loads(stored)
    except json.JSONDecodeError:
        return ast.literal_eval(stored)


def create_what_moto_cannot(
    template: dict[str, Any], resolver: Resolver, client: Callable[[str], Any]
) -> dict[str, str]:
    """Create, through the service APIs, each resource moto's CloudFormation skipped.

    Returns the resource types handled, each with how it was created.
    """

    def bucket_policy(p: dict[str, Any], logical_id: str) -> str | None:
        client("s3").put_bucket_policy(Bucket=p["Bucket"], Policy=_policy(p["PolicyDocument"]))
        return None

    def topic_policy(p: dict[str, Any], logical_id: str) -> str | None:
        for topic in p["Topics"]:
            client("sns").set_topic_attributes(
                TopicArn=topic, AttributeName="Policy", AttributeValue=_policy(p["PolicyDocument"])
            )
        return None

    def queue_policy(p: dict[str, Any], logical_id: str) -> str | None:
        for queue in p["Queues"]:
            client("sqs").set_queue_attributes(
                QueueUrl=queue, Attributes={"Policy": _policy(p["PolicyDocument"])}
            )
        return None

    def secret(p: dict[str, Any], logical_id: str) -> str | None:
        secrets = client("secretsmanager")
        generate = p["GenerateSecretString"]
        value = secrets.get_random_password(
            PasswordLength=generate["PasswordLength"],
            ExcludePunctuation=generate.get("ExcludePunctuation", False),
        )["RandomPassword"]
        return secrets.create_secret(
            Name=f"{resolver.stack_name}-{logical_id}",
            Description=p["Description"],
            KmsKeyId=p["KmsKeyId"],
            SecretString=value,
        )["ARN"]

    def configuration_set(p: dict[str, Any], logical_id: str) -> str | None:
        client("ses").create_configuration_set(ConfigurationSet={"Name": p["Name"]})
        return p["Name"]

    def event_destination(p: dict[str, Any], logical_id: str) -> str | None:
        destination = p["EventDestination"]
        client("ses").create_configuration_set_event_destination(
            ConfigurationSetName=p["ConfigurationSetName"],
            EventDestination={
                "Name": destination["Name"],
                "Enabled": destination["Enabled"],
                "MatchingEventTypes": destination["MatchingEventTypes"],
                "SNSDestination": {"TopicARN": destination["SnsDestination"]["TopicARN"]},
            },
        )
        return None

    def rule_set(p: dict[str, Any], logical_id: str) -> str | None:
        client("ses").create_receipt_rule_set(RuleSetName=p["RuleSetName"])
        return p["RuleSetName"]

    def receipt_rule(p: dict[str, Any], logical_id: str) -> str | None:
        # moto checks, as SES does, that the bucket and the function of the actions exist.
        client("ses").create_receipt_rule(RuleSetName=p["RuleSetName"], Rule=p["Rule"])
        return p["Rule"]["Name"]

    def subscription(p: dict[str, Any], logical_id: str) -> str | None:
        return client("sns").subscribe(
            TopicArn=p["TopicArn"], Protocol=p["Protocol"], Endpoint=p["Endpoint"]
        )["SubscriptionArn"]

    def alarm(p: dict[str, Any], logical_id: str) -> str | None:
        client("cloudwatch").put_metric_alarm(AlarmName=logical_id, **p)
        return logical_id

    def metric_filter(p: dict[str, Any], logical_id: str) -> str | None:
        client("logs").put_metric_filter(
            logGroupName=p["LogGroupName"],
            filterName=logical_id,
            filterPattern=p["FilterPattern"],
            metricTransformations=[
                {key[0].lower() + key[1:]: value for key, value in t.items()}
                for t in p["MetricTransformations"]
            ],
        )
        return logical_id

    def rotation_schedule(p: dict[str, Any], logical_id: str) -> str | None:
        # moto's rotate_secret would run the rotation function at once (in a container): the
        # schedule's secret and function are checked to exist, as CloudFormation would.
        secret_arn = client("secretsmanager").describe_secret(SecretId=p["SecretId"])["ARN"]
        client("lambda").get_function(FunctionName=p["RotationLambdaARN"])
        assert p["RotationRules"]["ScheduleExpression"].startswith("rate(")
        return f"{secret_arn}|{logical_id}"

    def invoke_config(p: dict[str, Any], logical_id: str) -> str | None:
        client("lambda").put_function_event_invoke_config(**p)
        return None

    def schedule(p: dict[str, Any], logical_id: str) -> str | None:
        client("scheduler").create_schedule(Name=logical_id, **p)
        return logical_id

    def alias(p: dict[str, Any], logical_id: str) -> str | None:
        created = client("lambda").create_alias(
            FunctionName=p["FunctionName"], Name=p["Name"], FunctionVersion=p["FunctionVersion"]
        )
        return str(created["AliasArn"])

    def alias_permission(p: dict[str, Any], logical_id: str) -> str | None:
        function, _, qualifier = p["FunctionName"].rpartition(":")
        client("lambda").add_permission(
            FunctionName=function,
            Qualifier=qualifier,
            StatementId=logical_id,
            Action=p["Action"],
            Principal=p["Principal"],
            SourceArn=p["SourceArn"],
        )
        return logical_id

    def stage(p: dict[str, Any], logical_id: str) -> str | None:
        api = p["RestApiId"]
        body = resolver.resolve(template["Resources"][_logical_id_of(api)]["Properties"]["Body"])
        gateway = client("apigateway")
        gateway.put_rest_api(restApiId=api, mode="overwrite", body=json.dumps(body))
        gateway.create_deployment(restApiId=api, stageName=p["StageName"])
        if "AccessLogSetting" in p:
            gateway.update_stage(
                restApiId=api,
                stageName=p["StageName"],
                patchOperations=[
                    {"op": "replace", "path": f"/accessLogSettings/{name}", "value": value}
                    for name, value in (
                        ("destinationArn", p["AccessLogSetting"]["DestinationArn"]),
                        ("format", p["AccessLogSetting"]["Format"]),
                    )
                ],
            )
        return p["StageName"]

    def account(p: dict[str, Any], logical_id: str) -> str | None:
        client("apigateway").update_account(
            patchOperations=[
                {"op": "replace", "path": "/cloudwatchRoleArn", "value": p["CloudWatchRoleArn"]}
            ]
        )
        return None

    def web_acl(p: dict[str, Any], logical_id: str) -> str | None:
        created = client("wafv2").create_web_acl(**p)
        return str(created["Summary"]["ARN"])

    def web_acl_association(p: dict[str, Any], logical_id: str) -> str | None:
        client("wafv2").associate_web_acl(WebACLArn=p["WebACLArn"], ResourceArn=p["ResourceArn"])
        return None

    def user_pool(p: dict[str, Any], logical_id: str) -> str | None:
        cognito = client("cognito-idp")
        props = dict(p)
        name = props.pop("UserPoolName")
        # CloudFormation takes the MFA types with the pool; the API sets them apart.
        mfas = props.pop("EnabledMfas", [])
        pool = cognito.create_user_pool(PoolName=name, **props)["UserPool"]
        if "SOFTWARE_TOKEN_MFA" in mfas:
            cognito.set_user_pool_mfa_config(
                UserPoolId=pool["Id"],
                SoftwareTokenMfaConfiguration={"Enabled": True},
                MfaConfiguration=props.get("MfaConfiguration", "OFF"),
            )
        return str(pool["Id"])

    def user_pool_group(p: dict[str, Any], logical_id: str) -> str | None:
        client("cognito-idp").create_group(**p)
        return str(p["GroupName"])

    def user_pool_client(p: dict[str, Any], logical_id: str) -> str | None:
        created = client("cognito-idp").create_user_pool_client(**p)["UserPoolClient"]
        return str(created["ClientId"])

    def user_pool_domain(p: dict[str, Any], logical_id: str) -> str | None:
        client("cognito-idp").create_user_pool_domain(**p)
        return str(p["Domain"])

    def managed_login_branding(p: dict[str, Any], logical_id: str) -> str | None:
        # moto has no managed login branding: check that it names the pool and client made.
        client("cognito-idp").describe_user_pool_client(
            UserPoolId=p["UserPoolId"], ClientId=p["ClientId"]
        )
        return None

    def malware_protection_plan(p: dict[str, Any], logical_id: str) -> str | None:
        # moto has no GuardDuty Malware Protection: check that the plan names the role made
        # for it (trusted by GuardDuty) and a bucket that exists.
        role_name = p["Role"].rsplit("/", 1)[1]
        trust = policy_document(
            client("iam").get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
        )
        (statement,) = trust["Statement"]
        assert statement["Principal"] == {
            "Service": "malware-protection-plan.guardduty.amazonaws.com"
        }
        client("s3").head_bucket(Bucket=p["ProtectedResource"]["S3Bucket"]["BucketName"])
        return f"arn:aws:guardduty:{REGION}:{ACCOUNT}:malware-protection-plan/{logical_id}"

    def _logical_id_of(physical: str) -> str:
        return next(k for k, v in resolver.physical_ids.items() if v == physical)

    creators: dict[str, Callable[[dict[str, Any], str], str | None]] = {
        "AWS::S3::BucketPolicy": bucket_policy,
        "AWS::SNS::TopicPolicy": topic_policy,
        "AWS::SQS::QueuePolicy": queue_policy,
        "AWS::SecretsManager::Secret": secret,
        "AWS::SecretsManager::RotationSchedule": rotation_schedule,
        "AWS::SES::ConfigurationSet": configuration_set,
        "AWS::SES::ConfigurationSetEventDestination": event_destination,
        "AWS::SES::ReceiptRuleSet": rule_set,
        "AWS::SES::ReceiptRule": receipt_rule,
        "AWS::SNS::Subscription": subscription,
        "AWS::CloudWatch::Alarm": alarm,
        "AWS::Logs::MetricFilter": metric_filter,
        "AWS::Lambda::EventInvokeConfig": invoke_config,
        "AWS::Scheduler::Schedule": schedule,
        "AWS::ApiGateway::Account": account,
        # Before the stage: the API's body names the alias.
        "AWS::Lambda::Alias": alias,
        "AWS::Lambda::Permission": alias_permission,
        "AWS::ApiGateway::Stage": stage,
        "AWS::WAFv2::WebACL": web_acl,
        "AWS::WAFv2::WebACLAssociation": web_acl_association,
        "AWS::Cognito::UserPool": user_pool,
        "AWS::Cognito::UserPoolGroup": user_pool_group,
        "AWS::Cognito::UserPoolClient": user_pool_client,
        "AWS::Cognito::UserPoolDomain": user_pool_domain,
        "AWS::Cognito::ManagedLoginBranding": managed_login_branding,
        "AWS::GuardDuty::MalwareProtectionPlan": malware_protection_plan,
    }
    handled: dict[str, str] = {}
    for kind, create in creators.items():
        for logical_id, resource in _of_type(template, [kind]):
            if kind == "AWS::Lambda::Permission" and not _names_an_alias(template, resource):
                continue  # moto's CloudFormation made it
            condition = resource.get("Condition")
            if condition and not resolver.condition(condition):
                continue
            props = {
                k: resolver.resolve(v)
                for k, v in resource.get("Properties", {}).items()
                # The deployment is made with the stage, from the imported OpenAPI body.
                if (kind, k) != ("AWS::ApiGateway::Stage", "DeploymentId")
            }
            physical = create(props, logical_id)
            if physical is not None:
                resolver.physical_ids[logical_id] = physical
            handled[kind] = create.__name__
    return handled


def _of_type(template: dict[str, Any], kinds: Iterable[str]) -> list[tuple[str, dict[str, Any]]]:
    # Within a type, definition order: the template lists dependencies first where it matters.
    return [(k, v) for k, v in template["Resources"].items() if v["Type"] in set(kinds)]
