"""In AWS, asking for a sign-in link answers before anything is looked up: the residents' function
invokes itself asynchronously with the request, and that invocation sends the link."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sla_monitor_local.local_server import LocalLambdaContext

from functions.your_cases import app
from integration.test_your_cases_http import (  # noqa: F401 - the module's fixtures
    NOW,
    RESIDENT,
    Resident,
    bundle,
    cases,
    links_in,
    location,
)
from sla_monitor.settings import reset_settings_cache


class LambdaService:
    """Lambda as the function sees it: what it was asked to invoke."""

    def __init__(self) -> None:
        self.invoked: list[dict[str, Any]] = []

    def invoke(self, **asked: Any) -> None:
        self.invoked.append(asked)


@pytest.fixture
def in_aws(bundle, monkeypatch):  # noqa: F811 - the fixture imported above
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "your-cases")
    monkeypatch.setenv("FORM_SECRET", "s" * 40)
    reset_settings_cache()
    lambda_service = LambdaService()
    real_client = bundle.client

    def client(service: str, **options: Any) -> Any:
        return lambda_service if service == "lambda" else real_client(service, **options)

    monkeypatch.setattr(bundle, "client", client)
    yield lambda_service
    reset_settings_cache()


def test_the_page_answers_and_the_function_invoked_apart_sends_the_link(in_aws, cases):  # noqa: F811
    sam = Resident()

    asked = sam.ask_for_link(RESIDENT)

    assert (asked["statusCode"], location(asked)) == (
        303,
        "/have-your-say/your-cases/check-your-email",
    )
    assert links_in(RESIDENT) == []  # nothing sent, nothing looked up yet
    [invocation] = in_aws.invoked
    assert invocation["InvocationType"] == "Event"
    assert invocation["FunctionName"] == LocalLambdaContext().invoked_function_arn

    dealt_with = app.handle(json.loads(invocation["Payload"]), LocalLambdaContext(), now=NOW)

    assert dealt_with == {"link": "sent"}
    [link] = links_in(RESIDENT)
    assert sam.sign_in_with(link)["statusCode"] == 303
