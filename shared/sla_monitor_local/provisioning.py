"""Create what the product needs on a target, idempotently: for `sla-monitor init` against a
local endpoint, and for embedded runs. On real AWS, `template.yaml` creates the same resources
from the same table definitions; only what a new council would configure is seeded here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from sla_monitor.council import load_council
from sla_monitor.directory import Directory
from sla_monitor.reply_templates import seed_reply_templates
from sla_monitor.settings.pieces import ResourceSettings
from sla_monitor.store.schema import CASES, DIRECTORY, TableDefinition


@dataclass
class ProvisioningReport:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)

    def note(self, what: str, created: bool) -> None:
        (self.created if created else self.existing).append(what)


def _table(
    dynamodb: Any, definition: TableDefinition, name: str, report: ProvisioningReport
) -> None:
    try:
        dynamodb.create_table(**definition.create_table_arguments(name))
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceInUseException":
            raise
        report.note(f"table {name}", created=False)
        return
    dynamodb.get_waiter("table_exists").wait(TableName=name)
    if definition.ttl_attribute:
        dynamodb.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"AttributeName": definition.ttl_attribute, "Enabled": True},
        )
    report.note(f"table {name}", created=True)


def _bucket(s3: Any, name: str, region: str, report: ProvisioningReport) -> None:
    try:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    except ClientError as error:
        if error.response["Error"]["Code"] not in (
            "BucketAlreadyOwnedByYou",
            "BucketAlreadyExists",
        ):
            raise
        report.note(f"bucket {name}", created=False)
        return
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    report.note(f"bucket {name}", created=True)


def _sender_identity(ses: Any, sender: str, report: ProvisioningReport) -> None:
    domain = sender.rpartition("@")[2]
    known = set(ses.list_identities()["Identities"])
    if sender in known or domain in known:
        report.note(f"SES identity {domain}", created=False)
        return
    ses.verify_domain_identity(Domain=domain)
    ses.verify_email_identity(EmailAddress=sender)
    report.note(f"SES identity {domain}", created=True)


def provision(
    settings: ResourceSettings,
    *,
    clients: dict[str, Any],
    directory: Directory,
    directory_store: Any,
) -> ProvisioningReport:
    """Tables, raw-mail bucket, SES sender identity, and the starting directory."""
    report = ProvisioningReport()
    _table(clients["dynamodb"], CASES, settings.cases_table, report)
    _table(clients["dynamodb"], DIRECTORY, settings.directory_table, report)
    _bucket(clients["s3"], settings.raw_mail_bucket, settings.aws_region, report)
    _sender_identity(clients["ses"], settings.sender_address, report)
    if directory_store.load_directory().departments:
        report.note("directory", created=False)
    else:
        directory_store.save_directory(directory)
        report.note("directory", created=True)
    starting = [(t.title, t.text) for t in load_council().reply_templates]
    added = seed_reply_templates(directory_store, starting, now=datetime.now(UTC))
    report.note("reply templates", created=added > 0)
    return report
