"""The local HTTP adapter: real HTTP on 127.0.0.1 in, API Gateway proxy events to a handler."""

from __future__ import annotations

import http.client
from typing import Any
from urllib.parse import urlsplit

import pytest
from sla_monitor_local.local_server import PUBLIC_FORM_BASE_PATH, LocalApiServer

from functions.have_your_say.app import handler as have_your_say


def fetch(url: str, method: str = "GET", body: bytes | None = None, headers=None):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def test_a_handler_sees_the_event_api_gateway_would_send():
    seen: list[dict[str, Any]] = []

    def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.append(event)
        return {
            "statusCode": 201,
            "headers": {"Content-Type": "text/plain"},
            "multiValueHeaders": {"Set-Cookie": ["a=1; Path=/", "b=2; Path=/"]},
            "body": f"{event['httpMethod']} {event['path']} {context.aws_request_id}",
            "isBase64Encoded": False,
        }

    with LocalApiServer({"/api": echo}) as server:
        status, headers, body = fetch(
            f"{server.url}/api/things?colour=red",
            "POST",
            b"name=value",
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        outside, _, _ = fetch(f"{server.url}/elsewhere")

    assert status == 201
    assert body.decode().startswith("POST /things ")
    assert [v for k, v in headers if k == "Set-Cookie"] == ["a=1; Path=/", "b=2; Path=/"]
    (event,) = seen
    assert event["requestContext"]["path"] == "/api/things"
    assert event["queryStringParameters"] == {"colour": "red"}
    assert event["body"] == "name=value"
    assert outside == 404


def test_a_handler_that_raises_is_a_bad_gateway_as_in_aws():
    def broken(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise RuntimeError("boom")

    with LocalApiServer({"/": broken}) as server:
        status, _, body = fetch(f"{server.url}/anything")
    assert status == 502
    assert b"boom" not in body


@pytest.mark.usefixtures("embedded")
def test_the_public_form_is_served_under_its_base_path():
    with LocalApiServer({PUBLIC_FORM_BASE_PATH: have_your_say}) as server:
        status, _, body = fetch(f"{server.url}{PUBLIC_FORM_BASE_PATH}/")
        form_status, form_headers, form = fetch(f"{server.url}{PUBLIC_FORM_BASE_PATH}/form")
        css_status, _, css = fetch(f"{server.url}{PUBLIC_FORM_BASE_PATH}/assets/council.css")

    assert status == 200
    assert f'href="{PUBLIC_FORM_BASE_PATH}/form"'.encode() in body
    assert form_status == 200
    cookie = next(v for k, v in form_headers if k == "Set-Cookie")
    assert cookie.startswith("have_your_say_csrf=")
    assert f"Path={PUBLIC_FORM_BASE_PATH}/" in cookie
    assert "Secure" not in cookie  # plain HTTP on this computer only
    assert b'name="csrf_token"' in form
    assert css_status == 200 and b".govuk-button" in css
