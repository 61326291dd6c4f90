"""The records the open status API publishes, and how they are written out: a GeoReport v2
service, a service request, and what the council publishes under its name. Datetimes are written
as W3C datetimes in London time with their offset, fields in the specification's order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sla_monitor.calendar import LONDON


@dataclass(frozen=True)
class Service:
    """One GeoReport service: a case type at a department."""

    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: str
    keywords: str
    group: str


@dataclass(frozen=True)
class ServiceRequest:
    """One case as a GeoReport service request. Fields left None are published as empty."""

    service_request_id: str
    status: str
    status_notes: str
    service_name: str
    service_code: str
    description: str | None
    agency_responsible: str
    service_notice: str | None
    requested_datetime: datetime
    updated_datetime: datetime
    expected_datetime: datetime | None
    address: str | None = None
    address_id: str | None = None
    zipcode: str | None = None
    lat: float | None = None
    long: float | None = None
    media_url: str | None = None


SERVICE_FIELDS: tuple[str, ...] = tuple(Service.__dataclass_fields__)
REQUEST_FIELDS: tuple[str, ...] = tuple(ServiceRequest.__dataclass_fields__)


@dataclass(frozen=True)
class Publication:
    """What the council publishes: its name (the agency when a case names no department), its
    jurisdiction id, and whether anonymised descriptions are published."""

    council_name: str
    jurisdiction_id: str
    publish_descriptions: bool = False


def as_document(record: Service | ServiceRequest) -> dict[str, Any]:
    """The record's fields in the specification's order, datetimes as W3C datetimes in London
    time with their offset."""
    document: dict[str, Any] = {}
    for name in record.__dataclass_fields__:
        value = getattr(record, name)
        if isinstance(value, datetime):
            value = w3c_datetime(value)
        document[name] = value
    return document


def w3c_datetime(instant: datetime) -> str:
    """`2026-12-14T09:12:00+00:00`: seconds, and the offset London had then."""
    return instant.astimezone(LONDON).replace(microsecond=0).isoformat()
