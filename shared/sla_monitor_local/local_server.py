"""Serve API Gateway proxy handlers on this computer, so a browser can use the pages locally.

Each HTTP request becomes the event API Gateway's REST API (proxy integration) would send, and
the handler's answer becomes the HTTP response, so a handler meets the same shapes here as in AWS.
Each handler is mounted under a base path, as an API is under a custom domain's base path
mapping: the event's `path` is the path within the API, `requestContext.path` the full one.
Events reach a handler one at a time, as they do in one Lambda container.

    from functions.have_your_say.app import handler

    with LocalApiServer({PUBLIC_FORM_BASE_PATH: handler}, port=8000) as server:
        print(f"the public form: {server.url}{PUBLIC_FORM_BASE_PATH}/")
"""

from __future__ import annotations

import base64
import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

ProxyHandler = Callable[[dict[str, Any], Any], dict[str, Any]]

# API Gateway refuses bodies over 10 MB before any function sees them.
MAX_BODY_BYTES = 10 * 1024 * 1024
STAGE = "local"
# Where the public form is mounted locally (in AWS: its API's stage or base path mapping).
PUBLIC_FORM_BASE_PATH = "/have-your-say"
# The open status API's routes on the public API (in AWS too: the form's API sends them to the
# Open311 function).
OPEN311_ROUTE_PREFIX = "/open311/"
_TEXT_TYPES = ("text/", "application/x-www-form-urlencoded", "application/json", "application/xml")


@dataclass
class LocalLambdaContext:
    """Enough of Lambda's context object for Powertools and handlers."""

    function_name: str = "local"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:eu-west-2:123456789012:function:local"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"
    _deadline: float = field(default_factory=lambda: time.monotonic() + 30)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def proxy_event(
    *,
    method: str,
    target: str,
    headers: list[tuple[str, str]],
    body: bytes,
    client_ip: str,
    received_at: datetime,
    base_path: str = "",
) -> dict[str, Any]:
    """The API Gateway REST API proxy event for one HTTP request to an API under `base_path`."""
    parts = urlsplit(target)
    full_path = parts.path or "/"
    path = (full_path[len(base_path) :] or "/") if base_path else full_path
    query = parse_qsl(parts.query, keep_blank_values=True)
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers:
        multi_headers.setdefault(name, []).append(value)
    multi_headers.setdefault("X-Forwarded-Proto", ["http"])
    multi_headers.setdefault("X-Forwarded-For", [client_ip])
    multi_query: dict[str, list[str]] = {}
    for name, value in query:
        multi_query.setdefault(name, []).append(value)
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
    text_body: str | None = None
    is_base64 = False
    if body:
        # Text passes through as text; anything else arrives base64-encoded, as it does from an
        # API with binary media types.
        is_base64 = bool(content_type) and not content_type.lower().startswith(_TEXT_TYPES)
        if not is_base64:
            try:
                text_body = body.decode("utf-8")
            except UnicodeDecodeError:
                is_base64 = True
        if is_base64:
            text_body = base64.b64encode(body).decode("ascii")
    request_id = str(uuid.uuid4())
    user_agent = next((v for k, v in headers if k.lower() == "user-agent"), None)
    host = next((v for k, v in headers if k.lower() == "host"), "127.0.0.1")
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": {k: v[-1] for k, v in multi_headers.items()},
        "multiValueHeaders": multi_headers,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": {"proxy": path.lstrip("/")} if path != "/" else None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "local",
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "extendedRequestId": request_id,
            "requestTime": received_at.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "path": full_path,
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": STAGE,
            "domainPrefix": host.split(".")[0],
            "requestTimeEpoch": int(received_at.timestamp() * 1000),
            "requestId": request_id,
            "identity": {
                "sourceIp": client_ip,
                "userAgent": user_agent,
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "user": None,
            },
            "domainName": host,
            "apiId": "local",
        },
        "body": text_body,
        "isBase64Encoded": is_base64,
    }


def routed_by_path(routes: Mapping[str, ProxyHandler], *, otherwise: ProxyHandler) -> ProxyHandler:
    """One API whose routes go to different functions, as API Gateway sends each route of an
    API to its own: the first prefix of `routes` the event's path starts with picks the handler,
    `otherwise` takes the rest."""

    def route(event: dict[str, Any], context: Any) -> dict[str, Any]:
        path = str(event.get("path") or "/")
        for prefix, handler in routes.items():
            if path.startswith(prefix):
                return handler(event, context)
        return otherwise(event, context)

    return route


class LocalApiServer:
    """Serves proxy handlers, each under a path prefix (the longest matching prefix wins)."""

    def __init__(
        self,
        handlers: Mapping[str, ProxyHandler],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        access_log: Callable[[str], None] | None = None,
    ) -> None:
        if not handlers:
            raise ValueError("give at least one handler")
        mounts = {"/" + prefix.strip("/"): handler for prefix, handler in handlers.items()}
        self._mounts = sorted(mounts.items(), key=lambda item: len(item[0]), reverse=True)
        self._lock = threading.Lock()
        self._access_log = access_log
        self._thread: threading.Thread | None = None
        self._httpd = ThreadingHTTPServer((host, port), self._request_handler_class())
        self._httpd.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def mount_for(self, path: str) -> tuple[str, ProxyHandler] | None:
        """The base path and handler that serve `path` (the longest matching base path)."""
        for prefix, handler in self._mounts:
            if prefix == "/" or path == prefix or path.startswith(prefix + "/"):
                return ("" if prefix == "/" else prefix), handler
        return None

    def invoke(self, handler: ProxyHandler, event: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            return handler(event, LocalLambdaContext())

    def start(self) -> LocalApiServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="local-api", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (Ctrl-C)."""
        with contextlib.suppress(KeyboardInterrupt):
            self._httpd.serve_forever()
        self._httpd.server_close()

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> LocalApiServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def _request_handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class ProxyRequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "sla-monitor-local"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY_BYTES:
                    self._plain(413, "Request Entity Too Large")
                    return
                body = self.rfile.read(length) if length else b""
                mount = server.mount_for(urlsplit(self.path).path)
                if mount is None:
                    self._plain(404, "Not Found")
                    return
                base_path, handler = mount
                event = proxy_event(
                    method=self.command,
                    target=self.path,
                    headers=list(self.headers.items()),
                    body=body,
                    client_ip=self.client_address[0],
                    received_at=datetime.now(UTC),
                    base_path=base_path,
                )
                try:
                    result = server.invoke(handler, event)
                except Exception as error:  # the handler crashed: as API Gateway, answer 502
                    self._plain(502, f"Bad Gateway: the handler raised {type(error).__name__}")
                    return
                self._send(result)

            def _send(self, result: Mapping[str, Any]) -> None:
                raw = result.get("body") or ""
                payload = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
                self.send_response(int(result.get("statusCode", 200)))
                headers: dict[str, list[str]] = {
                    k: list(v) for k, v in (result.get("multiValueHeaders") or {}).items()
                }
                for name, value in (result.get("headers") or {}).items():
                    headers.setdefault(name, [str(value)])
                for name, values in headers.items():
                    if name.lower() not in ("content-length", "connection"):
                        for value in values:
                            self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            def _plain(self, status: int, text: str) -> None:
                payload = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _answer

            def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
                if server._access_log is not None:
                    server._access_log(f"{self.command} {urlsplit(self.path).path} {code}")

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the access log above is all a person needs."""

        return ProxyRequestHandler
