"""The local server's events have the shape API Gateway's REST API gives a proxy integration."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from sla_monitor_local.local_server import proxy_event

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_a_form_post_under_a_base_path():
    event = proxy_event(
        method="POST",
        target="/have-your-say/form?x=1&x=2&y=",
        headers=[
            ("Host", "127.0.0.1:8000"),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", "a=1"),
            ("Cookie", "b=2"),
        ],
        body=b"about=complaint&details=caf%C3%A9",
        client_ip="127.0.0.1",
        received_at=AT,
        base_path="/have-your-say",
    )

    assert event["httpMethod"] == "POST"
    assert event["path"] == "/form"
    assert event["requestContext"]["path"] == "/have-your-say/form"
    assert event["resource"] == "/{proxy+}"
    assert event["pathParameters"] == {"proxy": "form"}
    assert event["body"] == "about=complaint&details=caf%C3%A9"
    assert event["isBase64Encoded"] is False
    assert event["queryStringParameters"] == {"x": "2", "y": ""}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"], "y": [""]}
    assert event["multiValueHeaders"]["Cookie"] == ["a=1", "b=2"]
    assert event["headers"]["X-Forwarded-Proto"] == "http"
    assert event["requestContext"]["requestTimeEpoch"] == int(AT.timestamp() * 1000)
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"


def test_the_root_of_a_mounted_api_and_a_binary_body():
    event = proxy_event(
        method="POST",
        target="/have-your-say",
        headers=[("Content-Type", "image/png")],
        body=b"\x89PNG\x00",
        client_ip="127.0.0.1",
        received_at=AT,
        base_path="/have-your-say",
    )

    assert event["path"] == "/"
    assert event["pathParameters"] is None
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x89PNG\x00"
    assert event["queryStringParameters"] is None


def test_text_that_is_not_utf8_travels_base64_encoded():
    event = proxy_event(
        method="POST",
        target="/form",
        headers=[("Content-Type", "application/x-www-form-urlencoded")],
        body=b"details=\xff",
        client_ip="127.0.0.1",
        received_at=AT,
    )
    assert event["isBase64Encoded"] is True
    assert event["path"] == event["requestContext"]["path"] == "/form"
