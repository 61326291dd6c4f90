"""Asking for a residents' sign-in link answers at once, the same for every address: the page
only checks the form; the address is looked up, counted and sent a link after the answer."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest

from sla_monitor.checker.mailer import InMemoryMailer
from sla_monitor.council import load_council
from sla_monitor.directory import default_directory
from sla_monitor.store.memory import InMemoryCaseStore
from sla_monitor.web.http.messages import WebRequest
from sla_monitor.web.security import CSRF_COOKIE, FormSigner, csrf_token_for
from sla_monitor.web.your_cases.link_requests import (
    EVENT_KEY,
    AfterTheAnswer,
    InvokedApart,
    LinkRequest,
)
from sla_monitor.web.your_cases.pages import YourCases
from sla_monitor.web.your_cases.sign_in import SignInPages
from tests.unit.core.test_residents import MONDAY as NOW
from tests.unit.core.test_residents import a_case

SIGNER = FormSigner(b"a secret for the tests, long enough")
PUBLIC = "https://council.example/have-your-say/your-cases"
FORM = "application/x-www-form-urlencoded"


class UntouchableStore:
    """A store the answer must not use: any look-up or count would tell known addresses apart."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __getattr__(self, name: str) -> Any:
        def refuse(*args: Any, **kwargs: Any) -> Any:
            self.asked.append(name)
            raise AssertionError(f"the answer used the store: {name}")

        return refuse


def site(store: Any, calendar, policy, mailer: InMemoryMailer | None = None) -> YourCases:
    return YourCases(
        council=load_council(),
        signer=SIGNER,
        store=store,
        policy=policy,
        calendar=calendar,
        directory=default_directory(),
        mailer=mailer,
        sender="customer.services@council.example",
        public_url=PUBLIC,
    )


def asking(address: str) -> WebRequest:
    csrf = csrf_token_for(SIGNER, None, now=NOW)
    return WebRequest(
        base_path="/have-your-say",
        cookies={CSRF_COOKIE: csrf},
        body=urlencode({"csrf_token": csrf, "email": address}).encode(),
        content_type=FORM,
        source_ip="192.0.2.10",
    )


@pytest.mark.parametrize("address", ["sam@example.org", "nobody@example.org"])
def test_the_answer_looks_nothing_up_and_leaves_the_request_for_later(address, calendar, policy):
    # Given a store the answer may not touch
    store = UntouchableStore()
    later = AfterTheAnswer()

    # When a resident asks for a link
    answer = SignInPages(site(store, calendar, policy), later).ask_for_link(
        asking(address), now=NOW
    )

    # Then the page says "check your email" without a look-up, a count or a send
    assert answer.status == 303
    assert answer.headers["Location"] == "/have-your-say/your-cases/check-your-email"
    assert store.asked == []
    assert later.take() == [
        LinkRequest(address=address, source="192.0.2.10", return_to=None, public_url=PUBLIC)
    ]


def test_after_the_answer_a_known_address_is_sent_a_link_and_an_unknown_one_nothing(
    calendar, policy
):
    store = InMemoryCaseStore()
    a_case(store, policy, calendar, email="sam@example.org")
    mailer = InMemoryMailer()
    pages = SignInPages(site(store, calendar, policy, mailer))

    assert pages.send_link(LinkRequest("nobody@example.org"), now=NOW) == "not sent"
    assert mailer.sent == []
    assert pages.send_link(LinkRequest("Sam@Example.org"), now=NOW) == "sent"
    [letter] = mailer.sent
    assert letter.recipients == ("sam@example.org",)
    body = letter.parsed().get_body(preferencelist=("plain",))
    assert body is not None
    assert f"{PUBLIC}/link?token=" in body.get_content()


def test_a_link_request_crosses_to_the_function_and_back_checked():
    asked = LinkRequest(
        "sam@example.org", source="192.0.2.10", return_to="NWL-2026-000001", public_url=PUBLIC
    )
    assert LinkRequest.from_event(asked.as_event()) == asked
    # Not a request: API Gateway's events, and anything else.
    assert LinkRequest.from_event({"httpMethod": "POST", "path": "/your-cases/sign-in"}) is None
    assert LinkRequest.from_event({EVENT_KEY: "sam@example.org"}) is None
    assert LinkRequest.from_event({EVENT_KEY: {"address": "x" * 300}}) is None
    # What cannot be trusted is dropped: a script for the link's address, a path for the case.
    forged = LinkRequest.from_event(
        {
            EVENT_KEY: {
                "address": "sam@example.org",
                "return_to": "../../staff",
                "public_url": "javascript:alert(1)//",
            }
        }
    )
    assert forged == LinkRequest("sam@example.org")


def test_in_aws_the_request_is_an_asynchronous_invocation_of_the_same_function():
    calls: list[dict[str, Any]] = []

    class Lambda:
        def invoke(self, **kwargs: Any) -> None:
            calls.append(kwargs)

    arn = "arn:aws:lambda:eu-west-2:123456789012:function:your-cases:live"
    InvokedApart(Lambda(), arn).ask(LinkRequest("sam@example.org"))

    [call] = calls
    assert (call["FunctionName"], call["InvocationType"]) == (arn, "Event")
    assert LinkRequest.from_event(json.loads(call["Payload"])) == LinkRequest("sam@example.org")
