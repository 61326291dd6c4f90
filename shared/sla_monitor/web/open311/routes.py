"""The open status API's routes: Open311 GeoReport v2 read endpoints on the public API.

    GET /open311/v2/services.json        (or .xml)  the services: case types at departments
    GET /open311/v2/requests.json        (or .xml)  published cases, filtered as GeoReport says
    GET /open311/v2/requests/{id}.json   (or .xml)  one published case

What a case becomes, and which cases are published, is decided in `sla_monitor.open311`; here
only the format, the headers and which HTTP status answers a refusal (in the specification's
error format: a list of `{code, description}`). The Lambda handler (functions/open311) only
calls `handle`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from sla_monitor.open311 import (
    COMMON_PARAMETERS,
    REQUESTS_PARAMETERS,
    NotFound,
    Open311Error,
    OpenStatus,
    Publication,
    Service,
    ServiceRequest,
    as_document,
    check_jurisdiction,
    parse_requests_query,
    single_values,
)
from sla_monitor.runtime import services
from sla_monitor.web.gateway import unexpected_error_fields
from sla_monitor.web.http.headers import security_headers

logger = Logger(service="open311")
app = APIGatewayRestResolver()

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
# Open data: any web page may read it. Short caching: a case's status changes during the day.
_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "X-Content-Type-Options": "nosniff",
}
SERVICES_MAX_AGE = 300
REQUESTS_MAX_AGE = 60
# Root and item element names of the XML documents, as the specification's examples have them.
_XML_NAMES = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
}


def open_status() -> OpenStatus:
    bundle = services()
    council = bundle.council
    return OpenStatus(
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        directory=bundle.directory,
        publication=Publication(
            council_name=council.name,
            jurisdiction_id=council.jurisdiction_id,
            publish_descriptions=council.open_data.publish_descriptions,
        ),
    )


# -- formats ---------------------------------------------------------------------------------


def _split(document: str) -> tuple[str, str]:
    """`requests.json` as ("requests", "json"); an unknown format is not found."""
    name, dot, extension = document.rpartition(".")
    if not dot or not name:
        raise NotFound(f"{document[:80]!r} names no format: add .json or .xml")
    if extension not in CONTENT_TYPES:
        raise NotFound(f"the format {extension[:20]!r} is not offered: use .json or .xml")
    return name, extension


def _xml(kind: str, documents: Sequence[Mapping[str, Any]]) -> str:
    root_name, item_name = _XML_NAMES[kind]
    root = ElementTree.Element(root_name)
    for document in documents:
        item = ElementTree.SubElement(root, item_name)
        for name, value in document.items():
            element = ElementTree.SubElement(item, name)
            if isinstance(value, bool):
                element.text = "true" if value else "false"
            elif value is not None:
                element.text = str(value)
    body = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}'


def _answer(
    kind: str,
    documents: Sequence[Mapping[str, Any]],
    extension: str,
    *,
    status: int = 200,
    max_age: int | None = None,
) -> Response:
    if extension == "xml":
        body = _xml(kind, documents)
    else:
        body = json.dumps(list(documents), ensure_ascii=False)
    cache = f"public, max-age={max_age}" if max_age is not None else "no-store"
    # The public API's headers on every answer (HSTS over HTTPS, a policy that loads nothing),
    # then open data's own: anyone's page may read it.
    secure = (app.current_event.headers.get("x-forwarded-proto") or "https") != "http"
    return Response(
        status_code=status,
        content_type=CONTENT_TYPES[extension],
        body=body,
        headers={**security_headers(secure=secure), **_HEADERS, "Cache-Control": cache},
    )


def _records(records: Sequence[Service | ServiceRequest]) -> list[dict[str, Any]]:
    return [as_document(r) for r in records]


# -- between API Gateway and the open status use cases ---------------------------------------


def _now() -> datetime:
    now: datetime = app.context["now"]
    return now


def _parameters() -> dict[str, list[str]]:
    event = app.current_event
    multi = event.multi_value_query_string_parameters or {}
    if multi:
        return {k: list(v) for k, v in multi.items()}
    return {k: [v] for k, v in (event.query_string_parameters or {}).items()}


# -- routes ----------------------------------------------------------------------------------


@app.get("/open311/v2/<document>")
def document(document: str) -> Response:
    name, extension = _split(document)
    status = open_status()
    if name == "services":
        values = single_values(_parameters(), COMMON_PARAMETERS)
        check_jurisdiction(values, status.publication)
        found = status.services()
        logger.info("open311 services listed", extra={"services": len(found)})
        return _answer("services", _records(found), extension, max_age=SERVICES_MAX_AGE)
    if name == "requests":
        values = single_values(_parameters(), REQUESTS_PARAMETERS)
        check_jurisdiction(values, status.publication)
        now = _now()
        query = parse_requests_query(
            values, now=now, known_codes=(s.service_code for s in status.services())
        )
        requests = status.requests(query, now=now)
        logger.info(
            "open311 requests listed",
            extra={
                "requests": len(requests),
                "by_id": bool(query.references),
                "filters": sorted(k for k in values if k not in COMMON_PARAMETERS),
            },
        )
        return _answer("requests", _records(requests), extension, max_age=REQUESTS_MAX_AGE)
    raise NotFound(f"there is no {name[:80]!r} here: GeoReport v2 offers services and requests")


@app.get("/open311/v2/requests/<request>")
def one_request(request: str) -> Response:
    reference, extension = _split(request)
    status = open_status()
    values = single_values(_parameters(), COMMON_PARAMETERS)
    check_jurisdiction(values, status.publication)
    found = status.request(reference, now=_now())
    logger.info("open311 request shown")
    return _answer("requests", _records([found]), extension, max_age=REQUESTS_MAX_AGE)


# -- refusals, in the specification's error format -------------------------------------------


def _error_format() -> str:
    """Errors come in the format asked for, JSON when that is unclear."""
    try:
        path = app.current_event.path
    except Exception:  # no event to read: JSON
        return "json"
    return "xml" if path.endswith(".xml") else "json"


def _error(status: int, description: str) -> Response:
    return _answer(
        "errors", [{"code": status, "description": description}], _error_format(), status=status
    )


@app.not_found
def not_found(_: Exception) -> Response:
    return _error(404, "not found: see /open311/v2/services.json and /open311/v2/requests.json")


@app.exception_handler(Open311Error)
def refused(error: Open311Error) -> Response:
    logger.info("open311 request refused", extra={"status": error.status})
    return _error(error.status, error.description)


@app.exception_handler(Exception)
def unexpected(error: Exception) -> Response:
    logger.error("unexpected error", extra=unexpected_error_fields(error))
    return _error(500, "the service is not available: try again later")


# -- entry point -----------------------------------------------------------------------------


def handle(event: dict[str, Any], context: Any, *, now: datetime) -> dict[str, Any]:
    """Answer one API Gateway event as if the time were `now`."""
    app.append_context(now=now)
    try:
        return app.resolve(event, context)
    finally:
        app.clear_context()
