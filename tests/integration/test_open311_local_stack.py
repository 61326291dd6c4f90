"""`sla-monitor local` serves the open status API on the public API, beside the form."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime

import pytest
from sla_monitor_local.local_stack import local_stack

pytestmark = pytest.mark.slow(seconds=15)


def test_the_local_stack_serves_open311_beside_the_form():
    now = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
    with local_stack(aws_port=0, web_port=0, now=now) as stack:
        assert stack.open_status == stack.public_form + "open311/v2/"
        assert stack.info()["open_status"] == stack.open_status
        with urllib.request.urlopen(stack.open_status + "services.json", timeout=10) as answer:
            assert answer.status == 200
            assert answer.headers["Access-Control-Allow-Origin"] == "*"
            assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
            codes = {s["service_code"] for s in json.loads(answer.read())}
        with urllib.request.urlopen(stack.open_status + "requests.json", timeout=10) as answer:
            requests = json.loads(answer.read())
        # The seeded complaints, requests and enquiries, not the compliment; no one's name.
        published = {
            c.reference
            for c in stack.services.store.all_cases()
            if c.case_type in {"complaint", "service_request", "enquiry"}
        }
        assert {r["service_request_id"] for r in requests} == published
        assert {r["service_code"] for r in requests} <= codes
        assert "Sample resident" not in json.dumps(requests)
        # The form is still the form.
        with urllib.request.urlopen(stack.public_form, timeout=10) as page:
            assert "Have Your Say" in page.read().decode("utf-8")
