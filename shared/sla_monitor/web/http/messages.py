"""A request as the pages read it and a response as they write it, with the cookies it sets:
plain data the route modules turn into and out of API Gateway's events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sla_monitor.web.pages import Urls


@dataclass(frozen=True)
class WebRequest:
    """What the pages need from an HTTP request."""

    base_path: str = ""
    secure: bool = True  # HTTPS, as API Gateway always is; plain HTTP only on a person's computer
    cookies: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    content_type: str | None = None
    # The address the request came from, as API Gateway saw it (for the arrival limits).
    source_ip: str | None = None

    @property
    def urls(self) -> Urls:
        return Urls(self.base_path)


@dataclass(frozen=True)
class SetCookie:
    name: str
    value: str
    path: str
    max_age: int
    secure: bool
    http_only: bool = True
    same_site: str = "Lax"


@dataclass(frozen=True)
class WebResponse:
    status: int
    body: str
    content_type: str = "text/html; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    cookies: tuple[SetCookie, ...] = ()
    # What the function may log about this request: never personal data.
    log_message: str | None = None
    log_fields: Mapping[str, Any] = field(default_factory=dict)
    # A file's bytes (a letter's PDF), sent base64-encoded through API Gateway, instead of `body`.
    data: bytes | None = None
