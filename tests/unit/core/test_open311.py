"""The open status API's mapping: a case and the engine's evaluation of it as a GeoReport v2
service request, the services, the anonymised description, and the checked query."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta

import pytest

from sla_monitor.calendar import LONDON, WorkingDayCalendar
from sla_monitor.cases import (
    Case,
    CaseStatus,
    CaseType,
    Channel,
    Customer,
    Extension,
    FormalResponse,
    Outcome,
    Pause,
    SentAction,
    Stage2,
)
from sla_monitor.council import OpenData, load_council
from sla_monitor.directory import Department, default_directory
from sla_monitor.engine import evaluate
from sla_monitor.listing import Schedule
from sla_monitor.open311 import (
    NotFound,
    OpenStatus,
    Publication,
    as_document,
    check_jurisdiction,
    parse_requests_query,
    single_values,
)
from sla_monitor.open311.anonymiser import anonymised_description
from sla_monitor.open311.errors import BadRequest
from sla_monitor.open311.query import MAX_REQUESTS, parse_w3c_datetime
from sla_monitor.open311.service_requests import is_published, service_request, updated_at
from sla_monitor.open311.services import service_code, services
from sla_monitor.policy import Policy
from sla_monitor.store.memory import InMemoryCaseStore
from tests.unit.core.builders import a_case, london

PUBLICATION = Publication(
    council_name="North West Leicestershire District Council", jurisdiction_id="nwleics.gov.uk"
)
DIRECTORY = default_directory()
RECEIVED = london(2026, 12, 1, 10, 0)  # a Tuesday


def record(case, policy: Policy, calendar: WorkingDayCalendar, now: datetime, **publication):
    return service_request(
        case,
        evaluate(case, policy, calendar, now),
        policy=policy,
        directory=DIRECTORY,
        publication=replace(PUBLICATION, **publication),
    )


def complaint(**changes):
    given = {
        "received_at": RECEIVED,
        "department": "planning",
        "assigned_officer": "head-planning",
        "customer": Customer(
            name="Margaret Hill",
            email="margaret.hill@example.org",
            phone="07700 900123",
            address="12 Meadow Lane, Coalville LE67 3FJ",
        ),
        "description": "Margaret Hill here: the planning officer never called me back.",
    }
    return a_case(CaseType.COMPLAINT, **{**given, **changes})


# -- services ----------------------------------------------------------------------------------


def test_a_service_code_is_the_case_type_and_the_department():
    assert service_code(CaseType.COMPLAINT, "planning") == "complaint-planning"
    assert service_code(CaseType.SERVICE_REQUEST, "waste-services") == (
        "service-request-waste-services"
    )
    assert service_code(CaseType.ENQUIRY, None) == "enquiry"


def test_the_services_are_each_published_type_at_each_department_still_serving():
    directory = replace(
        DIRECTORY,
        departments=(
            *DIRECTORY.departments,
            Department(code="leisure", name="Leisure", head_of_service="x", retired=True),
        ),
    )
    found = {s.service_code: s for s in services(directory, PUBLICATION)}
    departments = [d.code for d in DIRECTORY.departments]
    expected = {
        service_code(t, d)
        for t in (CaseType.COMPLAINT, CaseType.SERVICE_REQUEST, CaseType.ENQUIRY)
        for d in [*departments, None]
    }
    assert set(found) == expected
    assert "complaint-leisure" not in found
    assert not any(c.startswith(("compliment", "comment")) for c in found)
    planning = found["complaint-planning"]
    assert planning.service_name == "Complaint (Planning and Development)"
    assert planning.group == "Planning and Development"
    assert planning.metadata is False
    assert planning.type == "realtime"


# -- a case as a service request -------------------------------------------------------------


def test_a_new_complaint_is_open_with_its_response_due_and_its_department_responsible(
    policy, calendar
):
    found = record(complaint(), policy, calendar, RECEIVED + timedelta(hours=1))

    assert found.service_request_id == "NWL-2026-000042"
    assert found.status == "open"
    assert found.status_notes == "Open: received."
    assert found.service_code == "complaint-planning"
    assert found.agency_responsible == "Planning and Development"
    assert found.service_notice == policy.promise("respond_to_complaint").description
    assert found.requested_datetime == RECEIVED
    assert found.updated_datetime == RECEIVED
    # Ten working days from Tuesday 1 December: Tuesday 15 December, to its last second.
    assert found.expected_datetime == london(2026, 12, 15, 23, 59, 59)
    assert found.description is None


@pytest.mark.parametrize("channel", [Channel.TELEPHONE, Channel.VISIT, Channel.VERBAL])
def test_a_request_made_on_the_phone_or_in_person_has_its_expected_date(policy, calendar, channel):
    case = a_case(CaseType.SERVICE_REQUEST, channel, received_at=RECEIVED, department="planning")
    found = record(case, policy, calendar, RECEIVED + timedelta(hours=1))

    # Five working days from Tuesday 1 December, as a written request: Tuesday 8 December.
    assert found.expected_datetime == london(2026, 12, 8, 23, 59, 59)
    assert found.service_notice == policy.promise("respond_to_enquiry").description


def test_nothing_personal_is_in_the_record(policy, calendar):
    case = complaint()
    found = as_document(record(case, policy, calendar, RECEIVED + timedelta(days=3)))
    text = " ".join(str(v) for v in found.values()).lower()
    for personal in (
        "margaret",
        "hill",
        "example.org",
        "07700",
        "meadow",
        "le67",
        "head-planning",
        "head of planning",
        "never called",
    ):
        assert personal not in text


def test_an_extension_moves_the_expected_date(policy, calendar):
    extended = complaint(
        acknowledged_at=RECEIVED,
        extensions=(
            Extension(
                clock="respond_to_complaint",
                working_days=5,
                reason="waiting for a site visit",
                granted_at=london(2026, 12, 8, 11, 0),
                granted_by="head-planning",
            ),
        ),
    )
    found = record(extended, policy, calendar, london(2026, 12, 9, 9, 0))
    # Fifteen working days from 1 December: 22 December.
    assert found.expected_datetime == london(2026, 12, 22, 23, 59, 59)
    assert found.updated_datetime == london(2026, 12, 8, 11, 0)
    assert found.status_notes == "Open: acknowledged and being dealt with."


def test_waiting_on_the_customer_has_no_expected_date(policy, calendar):
    paused = complaint(
        status=CaseStatus.WAITING_ON_CUSTOMER,
        pauses=(Pause(paused_at=london(2026, 12, 3, 10, 0), reason="photos of the damage"),),
    )
    found = record(paused, policy, calendar, london(2026, 12, 4, 10, 0))
    assert found.status == "open"
    assert found.status_notes == "On hold: waiting for more information."
    assert found.expected_datetime is None
    assert "photos" not in str(asdict(found))


def test_a_holding_update_gives_the_date_the_customer_was_told(policy, calendar):
    enquiry = a_case(CaseType.ENQUIRY, Channel.EMAIL, received_at=RECEIVED, department="housing")
    told = enquiry.with_sent(
        SentAction(
            key="holding_update:respond_to_enquiry",
            action="send_holding_update",
            sent_at=london(2026, 12, 8, 14, 0),
        )
    )
    before = record(enquiry, policy, calendar, london(2026, 12, 2, 9, 0))
    after = record(told, policy, calendar, london(2026, 12, 9, 9, 0))
    # Five working days: 8 December; the holding update promised five more: 15 December.
    assert before.expected_datetime == london(2026, 12, 8, 23, 59, 59)
    assert after.expected_datetime == london(2026, 12, 15, 23, 59, 59)
    assert after.service_code == "enquiry-housing"


def test_an_overdue_response_says_so(policy, calendar):
    found = record(complaint(), policy, calendar, london(2026, 12, 16, 9, 0))
    assert found.status_notes == "Open: the response is overdue."


def answered_complaint(answered: datetime) -> Case:
    """The sample complaint, upheld and closed at `answered`."""
    return complaint(
        status=CaseStatus.CLOSED,
        responded_at=answered,
        closed_at=answered,
        outcome=Outcome.UPHELD,
        responses=(
            FormalResponse(
                stage=1,
                outcome=Outcome.UPHELD,
                findings="The officer did not call back as promised.",
                recorded_at=answered,
                recorded_by="head-planning",
            ),
        ),
    )


def test_a_closed_case_is_closed_and_keeps_the_date_it_was_due(policy, calendar):
    answered = london(2026, 12, 10, 15, 0)
    closed = answered_complaint(answered)
    found = record(closed, policy, calendar, london(2026, 12, 20, 9, 0))
    assert found.status == "closed"
    assert found.status_notes == "Closed: the council has responded."
    assert found.updated_datetime == answered
    assert found.expected_datetime == london(2026, 12, 15, 23, 59, 59)
    # Neither the outcome nor the findings are published.
    assert "upheld" not in str(asdict(found)).lower()
    assert "call back" not in str(asdict(found))


def test_a_case_closed_without_a_response_says_only_closed(policy, calendar):
    closed = complaint(status=CaseStatus.CLOSED, closed_at=london(2026, 12, 3, 9, 0))
    found = record(closed, policy, calendar, london(2026, 12, 20, 9, 0))
    assert (found.status, found.status_notes) == ("closed", "Closed.")


def test_at_stage_2_the_expected_date_is_the_review_s_once_acknowledged(policy, calendar):
    review = Stage2(
        requested_at=london(2027, 1, 5, 14, 0),
        reason="not satisfied",
        channel=Channel.EMAIL,
        stage_1_officer="head-planning",
    )
    stage_2 = complaint(
        acknowledged_at=RECEIVED,
        responded_at=london(2026, 12, 10, 15, 0),
        stage_2=review,
    )
    waiting = record(stage_2, policy, calendar, london(2027, 1, 5, 15, 0))
    assert waiting.status_notes == "Under review at stage 2 of the complaints procedure."
    assert waiting.expected_datetime is None  # counts from the acknowledgement
    assert waiting.service_notice == policy.promise("respond_to_stage_2").description
    acknowledged = replace(stage_2, stage_2=replace(review, acknowledged_at=review.requested_at))
    found = record(acknowledged, policy, calendar, london(2027, 1, 6, 9, 0))
    # Twenty working days from Tuesday 5 January 2027: Tuesday 2 February.
    assert found.expected_datetime == london(2027, 2, 2, 23, 59, 59)


def test_a_case_no_department_deals_with_is_the_council_s(policy, calendar):
    directory = replace(DIRECTORY, default_department=None)
    case = a_case(CaseType.SERVICE_REQUEST, received_at=RECEIVED, department=None)
    found = service_request(
        case,
        evaluate(case, policy, calendar, RECEIVED),
        policy=policy,
        directory=directory,
        publication=PUBLICATION,
    )
    assert found.agency_responsible == PUBLICATION.council_name
    assert found.service_code == "service-request"


def test_compliments_and_comments_are_not_published():
    assert is_published(a_case(CaseType.COMPLAINT))
    assert is_published(a_case(CaseType.SERVICE_REQUEST))
    assert is_published(a_case(CaseType.ENQUIRY))
    assert not is_published(a_case(CaseType.COMPLIMENT))
    assert not is_published(a_case(CaseType.COMMENT))


def test_updated_is_the_latest_thing_the_case_records():
    case = complaint(
        acknowledged_at=london(2026, 12, 1, 10, 5),
        pauses=(
            Pause(
                paused_at=london(2026, 12, 2, 9, 0),
                reason="x",
                resumed_at=london(2026, 12, 4, 16, 30),
            ),
        ),
    )
    assert updated_at(case) == london(2026, 12, 4, 16, 30)


# -- descriptions ----------------------------------------------------------------------------


def test_a_description_is_published_only_when_the_council_turns_it_on(policy, calendar):
    case = complaint(description="The bins on our road were missed again this week.")
    off = record(case, policy, calendar, RECEIVED)
    on = record(case, policy, calendar, RECEIVED, publish_descriptions=True)
    assert off.description is None
    assert on.description == "The bins on our road were missed again this week."
    assert load_council().open_data == OpenData(publish_descriptions=False)


def test_the_anonymised_description_takes_out_whatever_could_identify_someone():
    text = (
        "Dear Sir, my name is Margaret Hill of 12 Meadow Lane, Coalville LE67 3FJ. "
        "The crew left the bin open again and nobody called me back on 07700 900123 or "
        "margaret.hill@example.org, see https://example.org/photo. I asked jo patel twice."
    )
    found = anonymised_description(text, known_names=["Margaret Hill", "Jo Patel"])
    assert found is not None
    for identifying in (
        "Margaret",
        "Hill",
        "Meadow",
        "Coalville",
        "LE67",
        "07700",
        "example.org",
        "12",
        "jo",
        "patel",
        "Sir",
    ):
        assert identifying.lower() not in found.lower()
    assert "the bin open again and nobody called me back" in found
    assert "[removed] [removed]" not in found  # runs of removals read as one


def test_a_description_that_is_mostly_names_and_figures_is_not_published():
    assert anonymised_description("John Smith, 14 High Street, LE67 3FJ, 01530 454545") is None
    assert anonymised_description("Help") is None


def test_control_characters_do_not_survive():
    found = anonymised_description("the bin\x00 was\x07 missed\x1b again")
    assert found == "the bin was missed again"


def test_a_long_description_is_cut_at_a_word():
    found = anonymised_description("the bin was missed again " * 40)
    assert found is not None
    assert len(found) <= 281
    assert found.endswith("…")


# -- the query -------------------------------------------------------------------------------

NOW = datetime(2026, 12, 14, 12, 0, tzinfo=UTC)
CODES = ("complaint-planning", "enquiry-housing")


def query(**values: str):
    return parse_requests_query(values, now=NOW, known_codes=CODES)


def test_with_no_dates_the_window_is_the_last_90_days():
    found = query()
    assert found.end == NOW
    assert found.start == NOW - timedelta(days=90)


def test_a_start_date_alone_reaches_90_days_on_and_an_end_date_alone_90_days_back():
    assert query(start_date="2026-09-01T00:00:00Z").end == datetime(2026, 11, 30, tzinfo=UTC)
    assert query(end_date="2026-12-01T00:00:00Z").start == datetime(2026, 9, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ("2026-12-01T09:30:00Z", datetime(2026, 12, 1, 9, 30, tzinfo=UTC)),
        ("2026-07-01T09:30:00+01:00", datetime(2026, 7, 1, 8, 30, tzinfo=UTC)),
        ("2026-07-01T09:30:00 01:00", datetime(2026, 7, 1, 8, 30, tzinfo=UTC)),  # + unencoded
        ("2026-07-01T09:30:00.250-04:00", datetime(2026, 7, 1, 13, 30, 0, 250000, tzinfo=UTC)),
        ("2026-07-01T09:30Z", datetime(2026, 7, 1, 9, 30, tzinfo=UTC)),
        ("2026-07-01", datetime(2026, 6, 30, 23, 0, tzinfo=UTC)),  # London midnight
    ],
)
def test_w3c_datetimes_and_dates_are_read(given: str, meant: datetime):
    assert parse_w3c_datetime(given, "start_date") == meant


@pytest.mark.parametrize(
    "given",
    ["2026-12-01T09:30:00", "01/12/2026", "2026-13-01", "2026-12-01T25:00:00Z", "yesterday", ""],
)
def test_a_datetime_without_its_offset_or_not_real_is_refused(given: str):
    with pytest.raises(BadRequest, match="start_date"):
        parse_w3c_datetime(given, "start_date")


def test_an_end_date_as_a_date_includes_the_whole_day():
    end = parse_w3c_datetime("2026-12-01", "end_date", end_of_day=True)
    assert end.astimezone(LONDON) == datetime(2026, 12, 1, 23, 59, 59, 999999, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"start_date": "2026-12-02", "end_date": "2026-12-01"}, "before"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90 days"),
        ({"status": "pending"}, "open or closed"),
        ({"status": "open,"}, "empty item"),
        ({"service_code": "complaint-leisure"}, "services"),
        ({"service_code": "<script>"}, "services"),
        ({"service_request_id": "NWL-2026-1"}, "not a reference"),
        ({"service_request_id": ",".join(f"NWL-2026-{n:06d}" for n in range(101))}, "at most"),
    ],
)
def test_a_bad_filter_is_refused_with_the_reason(values: dict[str, str], says: str):
    with pytest.raises(BadRequest, match=says):
        query(**values)


def test_service_request_ids_override_every_other_filter():
    found = query(service_request_id="NWL-2026-000001,NWL-2026-000002", status="pending")
    assert found.references == ("NWL-2026-000001", "NWL-2026-000002")
    assert found.start is None


def test_filters_are_read():
    found = query(status="open,closed", service_code="complaint-planning")
    assert found.statuses == {"open", "closed"}
    assert found.service_codes == {"complaint-planning"}


def test_unknown_and_repeated_parameters_are_refused():
    allowed = ("jurisdiction_id", "status")
    assert single_values({"status": ["open"]}, allowed) == {"status": "open"}
    with pytest.raises(BadRequest, match="unknown parameter 'colour'"):
        single_values({"colour": ["red"]}, allowed)
    with pytest.raises(BadRequest, match="once"):
        single_values({"status": ["open", "closed"]}, allowed)
    with pytest.raises(BadRequest, match="too long"):
        single_values({"status": ["x" * 5000]}, allowed)


def test_another_jurisdiction_is_not_found():
    check_jurisdiction({"jurisdiction_id": "nwleics.gov.uk"}, PUBLICATION)
    check_jurisdiction({}, PUBLICATION)
    with pytest.raises(NotFound):
        check_jurisdiction({"jurisdiction_id": "elsewhere.gov.uk"}, PUBLICATION)


def test_the_jurisdiction_is_the_council_s_website_by_default():
    assert load_council().jurisdiction_id == "nwleics.gov.uk"


# -- reading the store -----------------------------------------------------------------------


def _open_status(store, policy, calendar) -> OpenStatus:
    return OpenStatus(
        store=store,
        policy=policy,
        calendar=calendar,
        directory=DIRECTORY,
        publication=PUBLICATION,
    )


def _stored(store, case):
    store.create_case(case, events=[], schedule=Schedule(None))


def test_a_window_reads_each_month_it_covers_and_keeps_only_its_own_cases(policy, calendar):
    store = InMemoryCaseStore()
    for number, received in enumerate(
        [
            london(2026, 9, 14, 10, 0),  # before the window
            london(2026, 9, 30, 10, 0),
            london(2026, 10, 15, 10, 0),
            london(2026, 12, 14, 11, 0),
            london(2026, 12, 14, 13, 0),  # after now
        ],
        start=1,
    ):
        _stored(store, a_case(reference=f"NWL-2026-{number:06d}", received_at=received))
    _stored(
        store,
        a_case(
            CaseType.COMPLIMENT, reference="NWL-2026-000009", received_at=london(2026, 10, 1, 9)
        ),
    )
    status = _open_status(store, policy, calendar)
    found = status.requests(query(start_date="2026-09-16"), now=NOW)
    assert [r.service_request_id for r in found] == [
        "NWL-2026-000004",
        "NWL-2026-000003",
        "NWL-2026-000002",
    ]


def test_filters_by_status_and_service(policy, calendar):
    store = InMemoryCaseStore()
    _stored(store, a_case(reference="NWL-2026-000001", received_at=RECEIVED, department="planning"))
    _stored(
        store,
        a_case(
            CaseType.ENQUIRY,
            reference="NWL-2026-000002",
            received_at=RECEIVED,
            department="housing",
            status=CaseStatus.CLOSED,
            closed_at=RECEIVED + timedelta(hours=2),
        ),
    )
    status = _open_status(store, policy, calendar)
    closed = status.requests(query(status="closed"), now=NOW)
    planning = status.requests(query(service_code="complaint-planning"), now=NOW)
    assert [r.service_request_id for r in closed] == ["NWL-2026-000002"]
    assert [r.service_request_id for r in planning] == ["NWL-2026-000001"]


def test_at_most_a_thousand_requests_newest_first(policy, calendar):
    store = InMemoryCaseStore()
    start = london(2026, 11, 2, 9, 0)
    for number in range(MAX_REQUESTS + 5):
        _stored(
            store,
            a_case(
                reference=f"NWL-2026-{number:06d}",
                received_at=start + timedelta(minutes=number),
                status=CaseStatus.CLOSED,
                closed_at=start + timedelta(days=1),
            ),
        )
    found = _open_status(store, policy, calendar).requests(query(), now=NOW)
    assert len(found) == MAX_REQUESTS
    assert found[0].service_request_id == f"NWL-2026-{MAX_REQUESTS + 4:06d}"
    assert found == sorted(found, key=lambda r: r.requested_datetime, reverse=True)


def test_one_request_not_published_is_not_found_as_if_it_did_not_exist(policy, calendar):
    store = InMemoryCaseStore()
    _stored(store, a_case(CaseType.COMPLIMENT, reference="NWL-2026-000001", received_at=RECEIVED))
    status = _open_status(store, policy, calendar)
    with pytest.raises(NotFound) as compliment:
        status.request("NWL-2026-000001", now=NOW)
    with pytest.raises(NotFound) as missing:
        status.request("NWL-2026-000002", now=NOW)
    assert str(compliment.value).replace("01", "02") == str(missing.value)


def test_a_case_answered_late_never_reads_as_answered_in_time(policy, calendar):
    """Due by 15 December, answered on the 18th: closed, and said to be late for ever."""
    answered = london(2026, 12, 18, 15, 0)
    late = answered_complaint(answered)
    found = record(late, policy, calendar, london(2026, 12, 20, 9, 0))
    assert found.status_notes == "Closed: the council has responded, later than the date it gave."
