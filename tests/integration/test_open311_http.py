"""The open status API's function, given the events API Gateway sends, on moto: cases in several
states, and every answer held to the GeoReport v2 specification's field lists and formats."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from sla_monitor_local.embedded import embedded_aws
from sla_monitor_local.local_server import PUBLIC_FORM_BASE_PATH, LocalLambdaContext, proxy_event

from functions.open311 import app
from sla_monitor.calendar import LONDON
from sla_monitor.cases import CaseType, Channel, Customer, Outcome
from sla_monitor.council import OpenData
from sla_monitor.directory import Officer, default_directory
from sla_monitor.intake import NewCase, register_case
from sla_monitor.runtime import Services
from sla_monitor.staff import (
    assign_case,
    extend_deadline,
    record_acknowledgement_sent,
    record_response,
    request_stage_2,
    wait_for_customer,
)

# -- the GeoReport v2 specification, as data ------------------------------------------------
# GET services: each service has exactly these fields.
SPEC_SERVICE_FIELDS = (
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
)
SPEC_SERVICE_TYPES = {"realtime", "batch", "blackbox"}
# GET requests and GET requests/{id}: each request has exactly these fields.
SPEC_REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)
SPEC_STATUSES = {"open", "closed"}
SPEC_DATETIME_FIELDS = ("requested_datetime", "updated_datetime", "expected_datetime")
# An error: a list of these.
SPEC_ERROR_FIELDS = ("code", "description")
# The XML documents' root and item elements.
SPEC_XML = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
}
# W3C datetime, complete with seconds and the offset: 2010-04-14T06:37:38-08:00.
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})$")
SPEC_MAX_REQUESTS = 1000

NOW = datetime(2026, 12, 14, 12, 0, tzinfo=LONDON)
OFFICER = Officer(
    officer_id="jo-patel",
    name="Jo Patel",
    email="jo.patel@nwleicestershire.gov.uk",
    job_title="Planning Officer",
    department="planning",
)
PERSONAL = (
    "Margaret",
    "Hill",
    "margaret.hill@example.org",
    "07700 900123",
    "Meadow Lane",
    "LE67 3FJ",
    "Jo Patel",
    "jo-patel",
    "jo.patel",
    "never called me back",
    "photos of the wall",
    "site visit",
)


def at(day: int, hour: int, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=LONDON)


# -- the cases ------------------------------------------------------------------------------


def _new(
    bundle: Services,
    number: int,
    case_type: CaseType,
    received_at: datetime,
    *,
    channel: Channel = Channel.EMAIL,
    department: str | None = "planning",
) -> str:
    registration = register_case(
        NewCase(
            case_type=case_type,
            channel=channel,
            received_at=received_at,
            subject="The planning officer never called me back",
            description=(
                "Margaret Hill here, 12 Meadow Lane LE67 3FJ, 07700 900123: the planning "
                "officer never called me back about the wall."
            ),
            customer=Customer(
                name="Margaret Hill",
                email="margaret.hill@example.org",
                phone="07700 900123",
                address="12 Meadow Lane, Coalville LE67 3FJ",
            ),
            department=department,
            idempotency_key=f"open311-{number}",
        ),
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        now=received_at,
    )
    return registration.case.reference


def _steps(bundle: Services) -> dict[str, Any]:
    return {
        "store": bundle.store,
        "policy": bundle.policy,
        "calendar": bundle.calendar,
    }


@pytest.fixture(scope="module")
def cases() -> Iterator[dict[str, str]]:
    """Cases in several states, received over the last months (read only by the tests)."""
    directory = replace(default_directory(), officers=(*default_directory().officers, OFFICER))
    with embedded_aws(directory) as bundle:
        steps = _steps(bundle)
        found: dict[str, str] = {}
        found["new"] = _new(bundle, 1, CaseType.COMPLAINT, at(11, 10))
        found["assigned"] = _new(bundle, 2, CaseType.COMPLAINT, at(1, 10))
        assign_case(
            found["assigned"],
            officer_id="jo-patel",
            department=None,
            by="head-planning",
            now=at(2, 9),
            directory=directory,
            **steps,
        )
        record_acknowledgement_sent(
            found["assigned"], how="letter", by="jo-patel", now=at(2, 9), **steps
        )
        extend_deadline(
            found["assigned"],
            working_days=5,
            reason="waiting for a site visit",
            by="jo-patel",
            now=at(9, 11),
            **steps,
        )
        found["waiting"] = _new(
            bundle,
            3,
            CaseType.SERVICE_REQUEST,
            at(7, 9),
            channel=Channel.WEB,
            department="waste-services",
        )
        wait_for_customer(
            found["waiting"],
            reason="photos of the wall",
            by="head-waste-services",
            now=at(8, 10),
            **steps,
        )
        found["answered"] = _new(bundle, 4, CaseType.ENQUIRY, at(2, 10), department="housing")
        record_response(
            found["answered"],
            summary="Told when the repair is booked",
            outcome=Outcome.ANSWERED,
            by="head-housing",
            now=at(4, 15),
            **steps,
        )
        found["stage_2"] = _new(bundle, 5, CaseType.COMPLAINT, at(2, 11, month=11))
        record_response(
            found["stage_2"],
            summary="Looked into it",
            outcome=Outcome.NOT_UPHELD,
            by="jo-patel",
            now=at(20, 15, month=11),
            **steps,
        )
        request_stage_2(
            found["stage_2"],
            reason="not satisfied",
            channel=Channel.EMAIL,
            by="head-planning",
            directory=directory,
            now=at(1, 9),
            **steps,
        )
        found["compliment"] = _new(bundle, 6, CaseType.COMPLIMENT, at(10, 10))
        found["long_ago"] = _new(bundle, 7, CaseType.SERVICE_REQUEST, at(1, 10, month=8))
        yield found


# -- calling the function -------------------------------------------------------------------


def get(path: str, now: datetime = NOW, **query: str) -> dict[str, Any]:
    target = f"{PUBLIC_FORM_BASE_PATH}{path}" + (f"?{urlencode(query)}" if query else "")
    event = proxy_event(
        method="GET",
        target=target,
        headers=[
            ("Host", "abcdef1234.execute-api.eu-west-2.amazonaws.com"),
            ("X-Forwarded-Proto", "https"),  # as API Gateway sends it
        ],
        body=b"",
        client_ip="198.51.100.10",
        received_at=now,
        base_path=PUBLIC_FORM_BASE_PATH,
    )
    return app.handle(event, LocalLambdaContext(), now=now)


def header(response: dict[str, Any], name: str) -> str:
    headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    multi = {k.lower(): v for k, v in (response.get("multiValueHeaders") or {}).items()}
    return headers.get(name.lower()) or multi[name.lower()][0]


def listed(response: dict[str, Any]) -> list[dict[str, Any]]:
    assert response["statusCode"] == 200, response["body"]
    assert header(response, "Content-Type") == "application/json; charset=utf-8"
    found = json.loads(response["body"])
    assert isinstance(found, list)
    return found


def ids(records: list[dict[str, Any]]) -> list[str]:
    return [r["service_request_id"] for r in records]


def assert_spec_request(record: dict[str, Any]) -> None:
    assert tuple(record) == SPEC_REQUEST_FIELDS
    assert record["status"] in SPEC_STATUSES
    for name in ("requested_datetime", "updated_datetime"):
        assert W3C_DATETIME.match(record[name]), (name, record[name])
    assert record["expected_datetime"] is None or W3C_DATETIME.match(record["expected_datetime"])
    for name in (
        "service_request_id",
        "status_notes",
        "service_name",
        "service_code",
        "agency_responsible",
    ):
        assert isinstance(record[name], str) and record[name]
    for name in ("address", "address_id", "zipcode", "lat", "long", "media_url"):
        assert record[name] is None


def assert_spec_errors(response: dict[str, Any], status: int) -> str:
    assert response["statusCode"] == status
    errors = json.loads(response["body"])
    assert isinstance(errors, list) and len(errors) == 1
    assert tuple(errors[0]) == SPEC_ERROR_FIELDS
    assert errors[0]["code"] == status
    description: str = errors[0]["description"]
    return description


# -- the specification's fields and formats -------------------------------------------------


def test_services_have_exactly_the_specification_s_fields(cases):
    services = listed(get("/open311/v2/services.json"))
    assert services
    for service in services:
        assert tuple(service) == SPEC_SERVICE_FIELDS
        assert service["type"] in SPEC_SERVICE_TYPES
        assert service["metadata"] is False
        assert all(
            isinstance(service[f], str) and service[f]
            for f in SPEC_SERVICE_FIELDS
            if f != "metadata"
        )
    codes = [s["service_code"] for s in services]
    assert len(codes) == len(set(codes))
    assert "complaint-planning" in codes


def test_every_request_has_exactly_the_specification_s_fields_and_formats(cases):
    records = listed(get("/open311/v2/requests.json"))
    assert set(ids(records)) == {
        cases[k] for k in ("new", "assigned", "waiting", "answered", "stage_2")
    }
    for record in records:
        assert_spec_request(record)
    by_id = {r["service_request_id"]: r for r in records}
    assert {r["status"] for r in records} == SPEC_STATUSES
    assert by_id[cases["answered"]]["status"] == "closed"
    services = {s["service_code"] for s in listed(get("/open311/v2/services.json"))}
    assert {r["service_code"] for r in records} <= services


def test_a_request_in_xml_has_the_same_fields_in_the_specification_s_elements(cases):
    response = get(f"/open311/v2/requests/{cases['assigned']}.xml")
    assert response["statusCode"] == 200
    assert header(response, "Content-Type") == "text/xml; charset=utf-8"
    root = ElementTree.fromstring(response["body"].encode("utf-8"))
    root_name, item_name = SPEC_XML["requests"]
    assert root.tag == root_name
    (item,) = list(root)
    assert item.tag == item_name
    assert tuple(child.tag for child in item) == SPEC_REQUEST_FIELDS
    values = {child.tag: child.text for child in item}
    assert values["status"] in SPEC_STATUSES
    for name in SPEC_DATETIME_FIELDS:
        assert W3C_DATETIME.match(values[name] or ""), name


def test_services_and_errors_in_xml(cases):
    services = ElementTree.fromstring(get("/open311/v2/services.xml")["body"].encode())
    assert services.tag == SPEC_XML["services"][0]
    for service in services:
        assert service.tag == SPEC_XML["services"][1]
        assert tuple(child.tag for child in service) == SPEC_SERVICE_FIELDS
        assert service.findtext("metadata") == "false"
    response = get("/open311/v2/requests.xml", status="pending")
    assert response["statusCode"] == 400
    errors = ElementTree.fromstring(response["body"].encode())
    assert errors.tag == SPEC_XML["errors"][0]
    (error,) = list(errors)
    assert error.tag == SPEC_XML["errors"][1]
    assert tuple(child.tag for child in error) == SPEC_ERROR_FIELDS
    assert error.findtext("code") == "400"


def test_one_request_is_a_list_of_one(cases):
    (record,) = listed(get(f"/open311/v2/requests/{cases['new']}.json"))
    assert_spec_request(record)
    assert record["service_request_id"] == cases["new"]


# -- what is published ----------------------------------------------------------------------


def test_nothing_personal_is_published(cases):
    bodies = [
        get("/open311/v2/requests.json")["body"],
        get("/open311/v2/requests.xml")["body"],
        *(get(f"/open311/v2/requests/{r}.json")["body"] for r in cases.values()),
    ]
    for body in bodies:
        for personal in PERSONAL:
            assert personal.lower() not in body.lower(), personal


def test_the_states_of_the_cases_as_published(cases):
    by_id = {r["service_request_id"]: r for r in listed(get("/open311/v2/requests.json"))}
    new = by_id[cases["new"]]
    assert new["status_notes"] == "Open: received."
    assert new["service_code"] == "complaint-planning"
    assert new["agency_responsible"] == "Planning and Development"
    # Received Friday 11 December: the tenth working day after is Tuesday 29 December (the
    # 25th and the 28th are bank holidays in 2026).
    assert new["expected_datetime"] == "2026-12-29T23:59:59+00:00"
    assigned = by_id[cases["assigned"]]
    # Ten working days from Tuesday 1 December and five more by the extension: 22 December.
    assert assigned["expected_datetime"] == "2026-12-22T23:59:59+00:00"
    assert assigned["updated_datetime"] == "2026-12-09T11:00:00+00:00"
    assert assigned["agency_responsible"] == "Planning and Development"
    waiting = by_id[cases["waiting"]]
    assert waiting["status"] == "open"
    assert waiting["status_notes"] == "On hold: waiting for more information."
    assert waiting["expected_datetime"] is None
    assert waiting["service_code"] == "service-request-waste-services"
    answered = by_id[cases["answered"]]
    assert answered["status"] == "closed"
    assert answered["updated_datetime"] == "2026-12-04T15:00:00+00:00"
    stage_2 = by_id[cases["stage_2"]]
    assert stage_2["status"] == "open"
    assert stage_2["status_notes"] == "Under review at stage 2 of the complaints procedure."
    assert stage_2["requested_datetime"] == "2026-11-02T11:00:00+00:00"


def test_a_compliment_is_not_published_and_not_found_alone(cases):
    assert cases["compliment"] not in ids(listed(get("/open311/v2/requests.json")))
    description = assert_spec_errors(get(f"/open311/v2/requests/{cases['compliment']}.json"), 404)
    assert "not found" in description


def test_anonymised_descriptions_only_when_the_council_turns_them_on(cases):
    from sla_monitor.runtime import services

    assert all(r["description"] is None for r in listed(get("/open311/v2/requests.json")))
    bundle = services()
    council = bundle.council
    bundle.council = council.model_copy(update={"open_data": OpenData(publish_descriptions=True)})
    try:
        (record,) = listed(get(f"/open311/v2/requests/{cases['new']}.json"))
    finally:
        bundle.council = council
    assert record["description"] == (
        # "planning" and "officer" are in staff's names in the directory: taken out too.
        "[removed] here, [removed] the [removed] never called me back about the wall."
    )


# -- the filters ----------------------------------------------------------------------------


def test_the_default_window_is_the_last_90_days(cases):
    found = ids(listed(get("/open311/v2/requests.json")))
    assert cases["long_ago"] not in found
    older = ids(
        listed(get("/open311/v2/requests.json", start_date="2026-07-20", end_date="2026-09-01"))
    )
    assert older == [cases["long_ago"]]


def test_newest_first(cases):
    records = listed(get("/open311/v2/requests.json"))
    times = [datetime.fromisoformat(r["requested_datetime"]) for r in records]
    assert times == sorted(times, reverse=True)
    assert len(records) <= SPEC_MAX_REQUESTS


def test_filter_by_status_service_and_dates(cases):
    closed = ids(listed(get("/open311/v2/requests.json", status="closed")))
    assert closed == [cases["answered"]]
    planning = ids(listed(get("/open311/v2/requests.json", service_code="complaint-planning")))
    assert set(planning) == {cases["new"], cases["assigned"], cases["stage_2"]}
    december = ids(
        listed(
            get(
                "/open311/v2/requests.json",
                start_date="2026-12-02T00:00:00Z",
                end_date="2026-12-11T23:59:59+00:00",
            )
        )
    )
    assert december == [cases["new"], cases["waiting"], cases["answered"]]


def test_service_request_ids_by_the_list(cases):
    asked = f"{cases['new']},{cases['compliment']},NWL-2026-999999,{cases['long_ago']}"
    found = ids(listed(get("/open311/v2/requests.json", service_request_id=asked)))
    assert found == [cases["new"], cases["long_ago"]]


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"status": "pending"}, "open or closed"),
        ({"start_date": "2026-12-01T09:00:00"}, "offset"),
        ({"start_date": "2026-01-01", "end_date": "2026-12-01"}, "90 days"),
        ({"service_code": "complaint-nowhere"}, "services"),
        ({"service_request_id": "DROP TABLE"}, "not a reference"),
        ({"page": "2"}, "unknown parameter"),
    ],
)
def test_a_bad_query_is_a_400_in_the_specification_s_error_format(cases, query, says):
    response = get("/open311/v2/requests.json", **query)
    assert says in assert_spec_errors(response, 400)
    assert header(response, "Content-Type") == "application/json; charset=utf-8"
    assert header(response, "Access-Control-Allow-Origin") == "*"


def test_a_parameter_given_twice_is_refused(cases):
    event_path = "/open311/v2/requests.json?status=open&status=closed"
    event = proxy_event(
        method="GET",
        target=f"{PUBLIC_FORM_BASE_PATH}{event_path}",
        headers=[],
        body=b"",
        client_ip="198.51.100.10",
        received_at=NOW,
        base_path=PUBLIC_FORM_BASE_PATH,
    )
    response = app.handle(event, LocalLambdaContext(), now=NOW)
    assert "once" in assert_spec_errors(response, 400)


@pytest.mark.parametrize(
    "path",
    [
        "/open311/v2/requests.csv",
        "/open311/v2/requests",
        "/open311/v2/discovery.json",
        "/open311/v2/requests/NWL-2026-000001.html",
        "/open311/v2/requests/NWL-2026-999999.json",
        "/open311/v2/services/complaint-planning.json",
        "/open311/v3/services.json",
    ],
)
def test_what_is_not_offered_is_a_404_in_the_specification_s_error_format(cases, path):
    assert_spec_errors(get(path), 404)


def test_another_jurisdiction_is_not_found_and_this_one_is(cases):
    assert listed(get("/open311/v2/services.json", jurisdiction_id="nwleics.gov.uk"))
    response = get("/open311/v2/services.json", jurisdiction_id="elsewhere.gov.uk")
    assert "jurisdiction_id" in assert_spec_errors(response, 404)


# -- headers --------------------------------------------------------------------------------


def test_open_data_headers(cases):
    services = get("/open311/v2/services.json")
    requests = get("/open311/v2/requests.json")
    refused = get("/open311/v2/requests.json", status="pending")
    for response in (services, requests, refused):
        assert header(response, "Access-Control-Allow-Origin") == "*"
        assert header(response, "X-Content-Type-Options") == "nosniff"
        # The public API's security headers, as on the form's pages.
        assert (
            header(response, "Strict-Transport-Security") == "max-age=31536000; includeSubDomains"
        )
        assert "default-src 'none'" in header(response, "Content-Security-Policy")
        assert header(response, "X-Frame-Options") == "DENY"
        assert header(response, "Referrer-Policy") == "no-referrer"
    assert header(services, "Cache-Control") == "public, max-age=300"
    assert header(requests, "Cache-Control") == "public, max-age=60"
    assert header(refused, "Cache-Control") == "no-store"


def test_a_failure_is_a_500_that_says_nothing_of_the_case(cases, monkeypatch):
    from sla_monitor.web.open311 import routes as open311_routes

    def broken() -> None:
        raise RuntimeError("Margaret Hill")

    monkeypatch.setattr(open311_routes, "open_status", broken)
    response = get("/open311/v2/requests.json")
    assert "Margaret" not in assert_spec_errors(response, 500)


def test_a_request_is_read_by_its_key_and_only_a_reference_is_looked_up(cases, monkeypatch):
    from sla_monitor.runtime import services

    store = services().store
    asked: list[str] = []
    read = store.get_case

    def get_case(reference: str):
        asked.append(reference)
        return read(reference)

    monkeypatch.setattr(store, "get_case", get_case)
    assert_spec_errors(get("/open311/v2/requests/not-a-reference.json"), 404)
    assert asked == []
    listed(get(f"/open311/v2/requests/{cases['new']}.json"))
    assert asked == [cases["new"]]
