"""`sla-monitor local`: AWS on a moto server and the public form, both on 127.0.0.1."""

from __future__ import annotations

import os
import urllib.request
from datetime import UTC, datetime

import boto3
from sla_monitor_local.local_stack import local_stack


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
