"""`sla-monitor local`: AWS on a moto server and the public form, both on 127.0.0.1."""

from __future__ import annotations

import os
import urllib.request
from datetime import UTC, datetime

import boto3
import pytest
from sla_monitor_local.local_stack import local_stack

pytestmark = pytest.mark.slow(seconds=25)


def test_the_local_stack_serves_the_form_and_an_aws_endpoint_with_seeded_cases():
    now = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
    with local_stack(aws_port=0, web_port=0, now=now) as stack:
        assert stack.aws_endpoint.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(stack.public_form, timeout=10) as page:
            assert page.status == 200
            assert "Have Your Say" in page.read().decode("utf-8")
        # Another process would reach it through AWS_ENDPOINT_URL, as the CLI prints.
        assert os.environ["AWS_ENDPOINT_URL"] == stack.aws_endpoint
        dynamodb = boto3.client(
            "dynamodb", endpoint_url=stack.aws_endpoint, region_name="eu-west-2"
        )
        tables = dynamodb.list_tables()["TableNames"]
        assert {"sla-monitor-cases", "sla-monitor-directory"} <= set(tables)
        cases = list(stack.services.store.all_cases())
        # The form's four samples and the staff workspace's seven, in several states.
        assert len(cases) == 11
        assert all(c.received_at <= now for c in cases)
        by_reference = {c.reference: c for c in cases}
        samples = stack.sample_cases or {}
        assert by_reference[samples["damp"]].open_pause is not None
        assert by_reference[samples["repairs"]].stage == 2
        assert by_reference[samples["council-tax"]].sent_of("refer_to_chief_executive")
        assert not by_reference[samples["fence"]].is_open
        # The workspace is served beside the form, and asks for a sign-in.
        with urllib.request.urlopen(stack.workspace + "sign-in", timeout=10) as page:
            assert "Sign in to the staff workspace" in page.read().decode("utf-8")
        # The residents' pages are on the form's API, and the seeded letters link to them.
        with urllib.request.urlopen(stack.your_cases, timeout=10) as page:
            assert page.url.endswith("/have-your-say/your-cases/sign-in")
            assert "Sign in to see your cases" in page.read().decode("utf-8")
        assert stack.sign_in_links() == []
        info = stack.info()
        assert info["your_cases"] == stack.your_cases
        assert info["workspace"] == stack.workspace
        assert {u["role"] for u in info["sign_ins"]} == {
            "officer",
            "head_of_service",
            "corporate_complaints_officer",
            "chief_executive",
            "administrator",
        }
    assert "AWS_ENDPOINT_URL" not in os.environ or os.environ["AWS_ENDPOINT_URL"] != (
        stack.aws_endpoint
    )


def _records(stack) -> dict[str, object]:
    """What a stack holds, read through AWS's own APIs: every item of each table, every object
    kept in S3, every message SES was asked to send, and the staff accounts."""
    clients = {
        name: boto3.client(name, endpoint_url=stack.aws_endpoint, region_name="eu-west-2")
        for name in ("dynamodb", "s3", "ses", "cognito-idp")
    }
    dynamodb, s3 = clients["dynamodb"], clients["s3"]
    items = {
        table: sorted(str(sorted(item.items())) for item in dynamodb.scan(TableName=table)["Items"])
        for table in dynamodb.list_tables()["TableNames"]
    }
    objects = {
        (bucket["Name"], key["Key"]): s3.get_object(Bucket=bucket["Name"], Key=key["Key"])[
            "Body"
        ].read()
        for bucket in s3.list_buckets()["Buckets"]
        for key in s3.list_objects_v2(Bucket=bucket["Name"]).get("Contents", [])
    }
    users = clients["cognito-idp"].list_users(UserPoolId=stack.staff_pool.user_pool_id)
    return {
        "items": items,
        "objects": objects,
        "sent": clients["ses"].get_send_quota()["SentLast24Hours"],
        "users": sorted(u["Username"] for u in users["Users"]),
    }


def test_a_stack_started_in_the_hour_of_another_starts_from_a_copy_of_its_seeded_records():
    from unittest import mock

    from sla_monitor_local import local_stack as module
    from sla_monitor_local.seeded_stacks import SeededStacks

    now = datetime(2026, 11, 24, 11, 5, tzinfo=UTC)
    kept = SeededStacks()
    seeding = mock.patch.object(module, "seed_casework", wraps=module.seed_casework)
    with (
        seeding as seeded,
        local_stack(aws_port=0, web_port=0, now=now, seeded_stacks=kept) as first,
    ):
        as_seeded = _records(first)
        assert as_seeded["items"] and as_seeded["objects"] and as_seeded["sent"]
        # The first module's own changes stay its own.
        first.services.store.get_case(first.sample_cases["damp"])
        boto3.client("s3", endpoint_url=first.aws_endpoint, region_name="eu-west-2").put_object(
            Bucket=next(iter(as_seeded["objects"]))[0], Key="left-by-the-first", Body=b"x"
        )
        port = first.workspace
    assert seeded.call_count == 1
    later = now.replace(minute=50)
    with (
        seeding as seeded,
        local_stack(aws_port=0, web_port=0, now=later, seeded_stacks=kept) as second,
    ):
        assert seeded.call_count == 0
        assert second.workspace == port  # the seeded letters link to it
        assert second.sample_cases == first.sample_cases
        assert _records(second) == as_seeded
        with urllib.request.urlopen(second.workspace + "sign-in", timeout=10) as page:
            assert "Sign in to the staff workspace" in page.read().decode("utf-8")
        # The restored accounts sign in as the seeded ones did.
        cognito = boto3.client(
            "cognito-idp", endpoint_url=second.aws_endpoint, region_name="eu-west-2"
        )
        user = second.sample_users[0]
        from sla_monitor_local.local_staff import local_password

        signed_in = cognito.admin_initiate_auth(
            UserPoolId=second.staff_pool.user_pool_id,
            ClientId=second.staff_pool.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user.email, "PASSWORD": local_password()},
        )
        assert signed_in["AuthenticationResult"]["IdToken"]
    # Another hour has nothing kept: its first stack is seeded afresh.
    calendar = second.services.council.calendar()
    assert kept.get(SeededStacks.hour_of(now, calendar)) is not None
    assert kept.get(SeededStacks.hour_of(now.replace(hour=14), calendar)) is None
