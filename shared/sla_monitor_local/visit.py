"""A resident's visit to the "Have Your Say" form, played through the function's handler.

It does what a browser does, with API Gateway events in between: it keeps the form's cookie and
hidden fields from page to page. The demo sends its web form submissions this way, at simulated
times, so they go through the real pages, checks and intake; the tests use it too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit

from sla_monitor_local.local_server import (
    PUBLIC_FORM_BASE_PATH,
    LocalLambdaContext,
    proxy_event,
)

_REFERENCE = re.compile(r"[A-Z]{2,6}-\d{4}-\d{6}")
_CHECK_PAGE = 'id="check-answers"'  # the check answers page's form
MAX_PAGES = 10  # more than the form has questions


class TimedHandler(Protocol):
    def __call__(self, event: dict[str, Any], context: Any, *, now: datetime) -> dict[str, Any]: ...


class FormNotSent(Exception):
    """The form did not reach the confirmation page; `status` and `page` say what came back."""

    def __init__(self, status: int, page: str) -> None:
        super().__init__(f"the form answered {status}")
        self.status = status
        self.page = page


class _HiddenFields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden" and found.get("name"):
            self.fields[str(found["name"])] = found.get("value") or ""


def hidden_fields(page: str) -> dict[str, str]:
    parser = _HiddenFields()
    parser.feed(page)
    return parser.fields


class HaveYourSayVisit:
    """One visit: a cookie jar and the hidden fields of the last page."""

    def __init__(self, handle: TimedHandler, *, base_path: str = PUBLIC_FORM_BASE_PATH) -> None:
        self.handle = handle
        self.base_path = base_path
        self.cookies: dict[str, str] = {}
        self.hidden: dict[str, str] = {}

    def get(self, path: str, *, now: datetime, query: Mapping[str, str] | None = None) -> dict:
        target = self.base_path + path + (f"?{urlencode(query)}" if query else "")
        return self._send("GET", target, b"", now=now)

    def post(self, path: str, fields: Mapping[str, str], *, now: datetime) -> dict:
        body = urlencode({**self.hidden, **fields}).encode("utf-8")
        return self._send("POST", self.base_path + path, body, now=now)

    def submit(self, answers: Mapping[str, str], *, now: datetime) -> str:
        """Answer each question page in turn, accept the answers and send: the case reference
        it was given. Each page reads only its own answers from what is posted."""
        self.get("/form", now=now)
        for _ in range(MAX_PAGES):
            page = self.post("/form", answers, now=now)
            if page["statusCode"] != 200:
                raise FormNotSent(page["statusCode"], page.get("body") or "")
            if _CHECK_PAGE in (page.get("body") or ""):
                break
        else:
            raise FormNotSent(page["statusCode"], page.get("body") or "")
        sent = self.post("/check", {}, now=now)
        if sent["statusCode"] != 303:
            raise FormNotSent(sent["statusCode"], sent.get("body") or "")
        location = urlsplit(_header(sent, "Location"))
        confirmation = self.get(
            location.path[len(self.base_path) :], now=now, query=dict(parse_qsl(location.query))
        )
        found = _REFERENCE.search(confirmation.get("body") or "")
        if confirmation["statusCode"] != 200 or found is None:
            raise FormNotSent(confirmation["statusCode"], confirmation.get("body") or "")
        return found.group(0)

    def _send(self, method: str, target: str, body: bytes, *, now: datetime) -> dict:
        headers = [("Host", "127.0.0.1"), ("User-Agent", "sla-monitor visit")]
        if method == "POST":
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        if self.cookies:
            headers.append(("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items())))
        event = proxy_event(
            method=method,
            target=target,
            headers=headers,
            body=body,
            client_ip="127.0.0.1",
            received_at=now,
            base_path=self.base_path,
        )
        response = self.handle(event, LocalLambdaContext(), now=now)
        for cookie in (response.get("multiValueHeaders") or {}).get("Set-Cookie", []):
            for name, morsel in SimpleCookie(cookie).items():
                self.cookies[name] = morsel.value
        if response["statusCode"] in (200, 400):
            self.hidden = hidden_fields(response.get("body") or "")
        return response


def _header(response: Mapping[str, Any], name: str) -> str:
    for key, value in (response.get("headers") or {}).items():
        if key.lower() == name.lower():
            return str(value)
    for key, values in (response.get("multiValueHeaders") or {}).items():
        if key.lower() == name.lower() and values:
            return str(values[0])
    raise KeyError(name)
