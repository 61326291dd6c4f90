"""Between API Gateway (REST API, proxy integration) and the pages: the request the pages read,
the response the resolver returns, and the stored secret that signs the pages' tokens. Both the
public form and the staff workspace use these, so a cookie, a base path or a binary body is read
the same way everywhere."""

from __future__ import annotations

import base64
import binascii
import threading
import time
import traceback
from collections.abc import Callable
from functools import lru_cache
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.shared.cookies import Cookie, SameSite
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from sla_monitor.runtime import services
from sla_monitor.web.http.messages import WebRequest, WebResponse
from sla_monitor.web.security import FormSigner, previous_secret, resolve_secret

if TYPE_CHECKING:
    # Powertools' parameters (and boto3 with them) load with the first secret read.
    from aws_lambda_powertools.utilities.parameters import SecretsProvider, SSMProvider

    from sla_monitor.settings.pieces import SecretSettings


# How long a secret read, and the signer made from it, is kept before it is read again: a
# rotated secret reaches every warm container within this time.
SECRET_MAX_AGE = 300  # seconds


def fetch_stored_secret(name: str) -> str:
    """The secret that signs a function's pages: an SSM SecureString parameter (a "/" path) or
    a Secrets Manager secret (ARN or name), read through Powertools' parameters and kept for
    SECRET_MAX_AGE seconds."""
    if name.startswith("/"):
        value = _parameters(services().client("ssm")).get(
            name, decrypt=True, max_age=SECRET_MAX_AGE
        )
    else:
        value = _secrets(services().client("secretsmanager")).get(name, max_age=SECRET_MAX_AGE)
    return str(value)


def fetch_previous_secret(name: str) -> str | None:
    """The Secrets Manager secret's version before its last rotation (AWSPREVIOUS), or None: an
    SSM parameter keeps no such version, and a secret never rotated has none."""
    if name.startswith("/"):
        return None
    client = services().client("secretsmanager")
    try:
        answer = client.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")
    except client.exceptions.ResourceNotFoundException:
        return None
    return str(answer["SecretString"])


class StoredSigner:
    """The signer of a function's pages, from its stored secret: the current version signs, and
    the previous one (read when first needed) is still accepted during a rotation's changeover.
    Made again after SECRET_MAX_AGE seconds, so a rotation reaches a warm container without a
    restart."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._kept: dict[SecretSettings, tuple[float, FormSigner]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def __call__(self, source: SecretSettings) -> FormSigner:
        with self._lock:
            kept = self._kept.get(source)
            if kept is not None and self._clock() - kept[0] < SECRET_MAX_AGE:
                return kept[1]
        # The previous version (AWSPREVIOUS) is read only when a signature does not match the
        # current one: a cold start's first request seldom brings one signed before a rotation.
        signer = FormSigner(
            resolve_secret(source, fetch_stored_secret),
            read_previous=lambda: previous_secret(source, fetch_previous_secret),
        )
        with self._lock:
            self._kept[source] = (self._clock(), signer)
        return signer

    def cache_clear(self) -> None:
        """Forget the secrets read so far (tests and the local stack)."""
        with self._lock:
            self._kept.clear()


# One provider per client, so the region, the endpoint (moto's, locally) and the retries are the
# runtime's; its cache goes with its client when the services are reset (tests, the local stack).
@lru_cache(maxsize=2)
def _parameters(client: Any) -> SSMProvider:
    from aws_lambda_powertools.utilities.parameters import SSMProvider

    return SSMProvider(boto3_client=client)


@lru_cache(maxsize=2)
def _secrets(client: Any) -> SecretsProvider:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    return SecretsProvider(boto3_client=client)


def web_request(event: APIGatewayProxyEvent) -> WebRequest:
    # The path the browser used may have a stage or a base path before the API's own path.
    raw: dict[str, Any] = event.request_context.raw_event or {}
    seen_path = str(raw.get("path") or event.path).rstrip("/")
    route = event.path.rstrip("/")
    base_path = seen_path[: len(seen_path) - len(route)] if seen_path.endswith(route) else ""
    # Powertools reads headers without regard to case.
    header = event.headers.get("cookie") or ""
    try:
        parsed = SimpleCookie(header)
    except CookieError:
        parsed = SimpleCookie()
    cookies = {name: morsel.value for name, morsel in parsed.items()}
    body: bytes | None = None
    if event.body:
        if event.is_base64_encoded:
            try:
                body = base64.b64decode(event.body, validate=True)
            except (binascii.Error, ValueError):
                body = b"\x00"  # undecodable: the form reader turns it away as unreadable
        else:
            body = event.body.encode("utf-8")
    proto = event.headers.get("x-forwarded-proto") or "https"
    identity = raw.get("identity")
    return WebRequest(
        base_path=base_path,
        secure=proto != "http",
        cookies=cookies,
        query=dict(event.query_string_parameters or {}),
        body=body,
        content_type=event.headers.get("content-type"),
        source_ip=identity.get("sourceIp") if isinstance(identity, dict) else None,
    )


def gateway_response(page: WebResponse) -> Response:
    return Response(
        status_code=page.status,
        content_type=page.content_type,
        body=page.data if page.data is not None else page.body,
        headers=dict(page.headers),
        cookies=[
            Cookie(
                name=c.name,
                value=c.value,
                path=c.path,
                secure=c.secure,
                http_only=c.http_only,
                max_age=c.max_age,
                same_site=SameSite(c.same_site),
            )
            for c in page.cookies
        ],
    )


def unexpected_error_fields(error: BaseException) -> dict[str, Any]:
    """What a route's last-resort handler logs of an error: its type and the last five places it
    passed through, never its message or the source lines (either may quote what a person typed
    or what a case holds)."""
    frames = traceback.extract_tb(error.__traceback__)[-5:]
    return {
        "error_type": type(error).__name__,
        # The file with its folder: several sites have a `pages.py` and a `routes.py`.
        "where": [
            f"{Path(f.filename).parent.name}/{Path(f.filename).name}:{f.lineno} in {f.name}"
            for f in frames
        ],
    }
