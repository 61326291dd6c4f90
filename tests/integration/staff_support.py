"""A browser without a browser for the staff workspace over HTTP: a cookie jar, no redirects
followed (so each answer is seen as it is), the sample sign-ins of the local stack, and the
fixtures every HTTP module of the workspace shares (import them into the module: `stack`, the
local stack it runs against, and `browsers`, one signed in for each role)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sla_monitor_local.local_stack import LocalStack, local_stack
from sla_monitor_local.local_staff import local_password
from sla_monitor_local.seeded_stacks import SeededStacks

EMAILS = {
    "officer": "jo.patel@nwleicestershire.gov.uk",
    "head_of_service": "head.housing@nwleicestershire.gov.uk",
    "corporate_complaints_officer": "complaints@nwleicestershire.gov.uk",
    "chief_executive": "chief.executive@nwleicestershire.gov.uk",
    "administrator": "it.administrator@nwleicestershire.gov.uk",
}
ROLES = list(EMAILS)


@dataclass
class Answer:
    status: int
    headers: Any
    body: str

    @property
    def location(self) -> str:
        return str(self.headers.get("Location", ""))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """A cookie jar and no redirects followed, so each answer is seen as it is."""

    def __init__(self, workspace: str) -> None:
        self.base = workspace.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects()
        )

    def _open(self, request: urllib.request.Request) -> Answer:
        try:
            with self._opener.open(request, timeout=30) as answer:
                return Answer(answer.status, answer.headers, answer.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers, error.read().decode())

    def get(self, path: str) -> Answer:
        return self._open(urllib.request.Request(self.base + path))

    def follow(self, location: str) -> Answer:
        """An address the workspace gave (it starts with the workspace's base path)."""
        origin = self.base[: self.base.index("/", len("http://"))]
        return self._open(urllib.request.Request(origin + location))

    def post(self, path: str, fields: dict[str, str]) -> Answer:
        data = urllib.parse.urlencode(fields).encode()
        return self._open(urllib.request.Request(self.base + path, data=data, method="POST"))

    def post_for_file(self, path: str, fields: dict[str, str]) -> tuple[int, Any, bytes]:
        """A form whose answer is a file (a PDF): its status, headers and bytes."""
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=data, method="POST")
        with self._opener.open(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()

    def post_pairs(self, path: str, pairs: list[tuple[str, str]]) -> Answer:
        """A form with a field given more than once (checkboxes of one name)."""
        data = urllib.parse.urlencode(pairs).encode()
        return self._open(urllib.request.Request(self.base + path, data=data, method="POST"))

    def csrf(self, path: str) -> str:
        page = self.get(path)
        assert page.status == 200, (path, page.status)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.body).group(1)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def sign_in(self, email: str, password: str | None = None) -> Answer:
        # The local stack's own password for this run, unless a test gives another.
        password = local_password() if password is None else password
        token = self.csrf("/sign-in")
        return self.post(
            "/sign-in",
            {"csrf_token": token, "email": email, "password": password, "return_to": "/staff/"},
        )

    def submit(self, path: str, fields: dict[str, str], *, form: str | None = None) -> Answer:
        """Post `fields` to `path` with the CSRF token (and hidden fields) of its form page
        (`form`, else `path` itself), as a person filling it in would."""
        page = self.get(form or path)
        assert page.status == 200, (form or path, page.status, page.body[:300])
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.body))
        return self.post(path, {**hidden, **fields})


def references_in(body: str) -> set[str]:
    return set(re.findall(r"NWL-\d{4}-\d{6}", body))


@pytest.fixture(scope="module")
def stack(request: pytest.FixtureRequest, seeded_stacks: SeededStacks) -> Iterator[LocalStack]:
    """The local stack a module's tests run against, at the module's NOW where it has one (its
    tests reckon their dates from it), else at the clock's time."""
    now = getattr(request.module, "NOW", None) or datetime.now(UTC)
    with local_stack(aws_port=0, web_port=0, now=now, seeded_stacks=seeded_stacks) as running:
        yield running


@pytest.fixture(scope="module")
def browsers(stack: LocalStack) -> dict[str, Browser]:
    """A browser signed in for each role."""
    signed_in = {}
    for role, email in EMAILS.items():
        browser = Browser(stack.workspace)
        answer = browser.sign_in(email)
        assert answer.status == 303, (role, answer.status, answer.body[:500])
        signed_in[role] = browser
    return signed_in
