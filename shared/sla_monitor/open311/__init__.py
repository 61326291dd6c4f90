"""The open status API: cases as Open311 GeoReport v2 service requests, with nothing personal.

Pure apart from the store it is handed: `services` lists the services from the directory,
`service_requests` maps a case and the engine's evaluation of it to the GeoReport record (with
the description only as `anonymiser` leaves it), `query` checks a request's query parameters,
`reading` (`OpenStatus`) reads the cases a query asks for, and `records` holds the records and
writes them out. `sla_monitor.web.open311.routes` turns the results into JSON or XML.

What is published, and what is not:
- Complaints, service requests and enquiries are published; compliments and comments are
  feedback, not requests the council must act on, and are not. Messages set aside for staff
  (triage) never became cases and never appear.
- A case is identified by its reference, the number the resident was given.
- `service_code` is the case type and the department dealing with it (`complaint-planning`),
  `agency_responsible` the department's name, never an officer's.
- `status` is open or closed; `status_notes` one of a few fixed phrases.
- `expected_datetime` is when the current stage's response promise falls due, by the engine:
  counting pauses and an extension, or the date a holding update gave the customer. While the
  clock is stopped (waiting on the customer) it is empty.
- The customer's name, contact details and address, the officer's name, what the customer
  wrote and what the council answered are never published. Only when the council turns on
  `open_data.publish_descriptions` is the description published, and then only as
  `anonymised_description` leaves it; when in doubt, nothing.
"""

from __future__ import annotations

from sla_monitor.open311.errors import NotFound, Open311Error
from sla_monitor.open311.query import (
    COMMON_PARAMETERS,
    REQUESTS_PARAMETERS,
    check_jurisdiction,
    parse_requests_query,
    single_values,
)
from sla_monitor.open311.reading import OpenStatus
from sla_monitor.open311.records import Publication, Service, ServiceRequest, as_document

__all__ = [
    "COMMON_PARAMETERS",
    "REQUESTS_PARAMETERS",
    "NotFound",
    "Open311Error",
    "OpenStatus",
    "Publication",
    "Service",
    "ServiceRequest",
    "as_document",
    "check_jurisdiction",
    "parse_requests_query",
    "single_values",
]
