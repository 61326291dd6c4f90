from datetime import date

import pytest

from sla_monitor.cases import (
    CaseStatus,
    CaseType,
    Channel,
    ContactMethod,
    Customer,
    Outcome,
    Preferences,
)
from sla_monitor.engine import Action, ClockState, evaluate
from sla_monitor.intake import NewCase, register_case
from sla_monitor.staff import (
    ActionNotAllowed,
    CaseNotFound,
    add_note,
    assign_case,
    extend_deadline,
    reclassify_case,
    record_acknowledgement_sent,
    record_ombudsman_referral,
    record_response,
    resume_clocks,
    wait_for_customer,
)
from sla_monitor.store.memory import InMemoryCaseStore

from .builders import london

RECEIVED = london(2026, 11, 23, 10, 0)  # Monday


@pytest.fixture
def store():
    return InMemoryCaseStore()


@pytest.fixture
def world(store, policy, calendar):
    return {"store": store, "policy": policy, "calendar": calendar}


def new_case(world, case_type=CaseType.ENQUIRY, channel=Channel.EMAIL):
    return register_case(
        NewCase(
            case_type=case_type,
            channel=channel,
            received_at=RECEIVED,
            subject="Council tax question",
            description="When is my bill due?",
            customer=Customer(email="resident@example.org"),
        ),
        now=RECEIVED,
        **world,
    ).case


def test_a_phone_case_logged_by_an_officer_is_timed_like_any_other(world, policy, calendar):
    case = new_case(world, CaseType.COMPLAINT, Channel.TELEPHONE)
    result = evaluate(case, policy, calendar, RECEIVED)
    assert result.clock("respond_to_complaint").due_day == date(2026, 12, 7)
    assert result.clock("acknowledge_complaint").due_day == date(2026, 11, 25)


def test_assigning_records_who_and_changes_the_owner(world, store):
    case = new_case(world)
    assign_case(
        case.reference,
        officer_id="head-housing",
        department="housing",
        by="cco",
        now=RECEIVED,
        **world,
    )
    stored = store.get_case(case.reference)
    assert (stored.assigned_officer, stored.department) == ("head-housing", "housing")
    assert store.timeline(case.reference)[-1].summary == "assigned to head-housing in housing"


def test_waiting_on_the_customer_pauses_and_resuming_keeps_the_paused_days(
    world, store, policy, calendar
):
    case = new_case(world)
    wait_for_customer(
        case.reference,
        reason="asked for the account number",
        by="officer",
        now=london(2026, 11, 24, 10),
        **world,
    )
    paused = store.get_case(case.reference)
    assert paused.status is CaseStatus.WAITING_ON_CUSTOMER
    result = evaluate(paused, policy, calendar, london(2026, 11, 26, 10))
    assert result.clock("respond_to_enquiry").state is ClockState.PAUSED
    resume_clocks(case.reference, by="officer", now=london(2026, 11, 26, 10), **world)
    resumed = store.get_case(case.reference)
    # Tuesday and Wednesday did not count: due Monday 30 November moves to Wednesday 2 December.
    result = evaluate(resumed, policy, calendar, london(2026, 11, 26, 10))
    assert result.clock("respond_to_enquiry").due_day == date(2026, 12, 2)


def test_one_extension_with_a_reason(world, store, policy, calendar):
    case = new_case(world, CaseType.COMPLAINT)
    extend_deadline(
        case.reference,
        promise="respond_to_complaint",
        working_days=10,
        reason="we are waiting for the contractor's report",
        by="head-waste-services",
        now=london(2026, 12, 1, 10),
        **world,
    )
    extended = store.get_case(case.reference)
    result = evaluate(extended, policy, calendar, london(2026, 12, 1, 10))
    assert result.clock("respond_to_complaint").due_day == date(2026, 12, 21)
    with pytest.raises(ActionNotAllowed, match="extended once"):
        extend_deadline(
            case.reference,
            promise="respond_to_complaint",
            working_days=2,
            reason="again",
            by="x",
            now=london(2026, 12, 2, 10),
            **world,
        )


@pytest.mark.parametrize(
    ("promise", "days", "reason", "message"),
    [
        ("respond_to_complaint", 11, "report", "1 to 10"),
        ("respond_to_complaint", 5, "  ", "needs a reason"),
        ("complaint_progress_update", 5, "report", "not the response deadline"),
    ],
)
def test_an_extension_out_of_bounds_is_refused(world, promise, days, reason, message):
    case = new_case(world, CaseType.COMPLAINT)
    with pytest.raises(ActionNotAllowed, match=message):
        extend_deadline(
            case.reference,
            promise=promise,
            working_days=days,
            reason=reason,
            by="x",
            now=RECEIVED,
            **world,
        )


def test_recording_the_response_closes_the_case_and_owes_nothing_more(
    world, store, policy, calendar
):
    case = new_case(world)
    record_response(
        case.reference,
        summary="Bill explained",
        outcome=Outcome.ANSWERED,
        by="officer",
        now=london(2026, 11, 25, 15),
        **world,
    )
    closed = store.get_case(case.reference)
    assert closed.status is CaseStatus.CLOSED
    # Only the response letter is owed now, at once; nothing after it.
    assert store.due_at(case.reference) == london(2026, 11, 25, 15)
    assert [n.kind.value for n in closed.notifications_unsent()] == ["formal_response"]
    result = evaluate(closed, policy, calendar, london(2026, 12, 25, 15))
    assert result.clock("respond_to_enquiry").state is ClockState.MET
    assert result.owed == ()
    with pytest.raises(ActionNotAllowed):
        record_response(
            case.reference,
            summary="again",
            outcome=Outcome.ANSWERED,
            by="x",
            now=london(2026, 11, 26, 15),
            **world,
        )


def test_reclassifying_a_service_request_as_a_complaint_re_times_it(world, store, policy, calendar):
    case = new_case(world, CaseType.SERVICE_REQUEST)
    reclassify_case(
        case.reference,
        case_type=CaseType.COMPLAINT,
        reason="the bin was missed again after we promised",
        by="cco",
        now=RECEIVED,
        **world,
    )
    result = evaluate(store.get_case(case.reference), policy, calendar, RECEIVED)
    assert {a.action for a in result.owed} >= {Action.ACKNOWLEDGE}
    assert result.clock("refer_to_chief_executive").due_day == date(2026, 12, 21)


def test_an_unknown_reference_is_reported(world):
    with pytest.raises(CaseNotFound):
        assign_case(
            "NWL-2026-999999", officer_id="x", department=None, by="y", now=RECEIVED, **world
        )


def test_a_reply_with_attachments_records_each_on_the_timeline(world, store):
    from sla_monitor.intake import Attachment, CustomerReply
    from sla_monitor.replies import record_customer_reply

    case = new_case(world)
    record_customer_reply(
        CustomerReply(
            reference=case.reference,
            received_at=london(2026, 11, 24, 9),
            channel=Channel.EMAIL,
            summary="customer replied by email",
            body="Photos attached",
            attachments=(
                Attachment("bin.jpg", "image/jpeg", 2048, "attachments/m1/001-bin.jpg"),
                Attachment("street.jpg", "image/jpeg", 4096, "attachments/m1/002-street.jpg"),
            ),
        ),
        now=london(2026, 11, 24, 9),
        **world,
    )
    kept = [e for e in store.timeline(case.reference) if e.kind == "attachment"]
    assert [e.details["s3_key"] for e in kept] == [
        "attachments/m1/001-bin.jpg",
        "attachments/m1/002-street.jpg",
    ]
    assert {e.actor for e in kept} == {"customer"}


def test_an_acknowledgement_posted_by_an_officer_meets_the_promise(world, store, policy, calendar):
    case = new_case(world, CaseType.COMPLAINT, Channel.LETTER)
    record_acknowledgement_sent(
        case.reference, how="post", by="head-housing", now=london(2026, 11, 24, 15), **world
    )
    stored = store.get_case(case.reference)
    result = evaluate(stored, policy, calendar, london(2026, 12, 1, 9))
    assert result.clock("acknowledge_complaint").state is ClockState.MET
    assert Action.ACKNOWLEDGE not in {a.action for a in result.owed}
    assert store.timeline(case.reference)[-1].summary == "acknowledgement sent by post"
    with pytest.raises(ActionNotAllowed, match="already"):
        record_acknowledgement_sent(
            case.reference, how="post", by="x", now=london(2026, 11, 25, 15), **world
        )


class RacingStore(InMemoryCaseStore):
    """A store where another officer's change lands between this step's read and its save."""

    def __init__(self, other_change):
        super().__init__()
        self.other_change = other_change
        self.raced = False

    def save_case(self, case, **kwargs):
        if not self.raced and case.revision > 0:
            self.raced = True
            self.other_change()
        return super().save_case(case, **kwargs)


def test_two_officers_acting_at_once_both_land_or_one_is_clearly_refused(policy, calendar):
    store = RacingStore(lambda: None)
    world = {"store": store, "policy": policy, "calendar": calendar}
    case = new_case(world, CaseType.COMPLAINT)

    # Different steps at once: both are kept.
    store.raced = False
    store.other_change = lambda: add_note(
        case.reference, text="called the customer", by="officer-a", now=RECEIVED, **world
    )
    assign_case(
        case.reference,
        officer_id="head-housing",
        department=None,
        by="officer-b",
        now=RECEIVED,
        **world,
    )
    kept = store.get_case(case.reference)
    assert kept.assigned_officer == "head-housing"
    assert [e.kind for e in store.timeline(case.reference)][-2:] == ["note", "assigned"]

    # The same one-off step at once: the second is refused, not silently lost.
    store.raced = False
    store.other_change = lambda: extend_deadline(
        case.reference,
        working_days=5,
        reason="report awaited",
        by="officer-a",
        now=RECEIVED,
        **world,
    )
    with pytest.raises(ActionNotAllowed, match="extended once"):
        extend_deadline(
            case.reference,
            working_days=10,
            reason="survey",
            by="officer-b",
            now=RECEIVED,
            **world,
        )
    [extension] = store.get_case(case.reference).extensions
    assert (extension.working_days, extension.granted_by) == (5, "officer-a")


def test_a_formal_complaint_logged_by_phone_needs_contact_details(world):
    from sla_monitor.directory import default_directory
    from sla_monitor.staff import log_case

    directory = default_directory()

    with pytest.raises(ActionNotAllowed, match="contact details"):
        log_case(
            case_type=CaseType.COMPLAINT,
            channel=Channel.TELEPHONE,
            summary="Rude officer",
            description=None,
            customer=Customer(name="Anonymous"),
            department=None,
            received_at=RECEIVED,
            by="officer",
            directory=directory,
            now=RECEIVED,
            **world,
        )
    assert list(world["store"].all_cases()) == []


def log(world, *, case_type=CaseType.COMPLAINT, preferences=None, **customer):
    """An officer logs a phone case with these contact details."""
    from sla_monitor.directory import default_directory
    from sla_monitor.staff import log_case

    return log_case(
        case_type=case_type,
        channel=Channel.TELEPHONE,
        summary="The crew left my bin on the road",
        description=None,
        customer=Customer(name="Ann Example", **customer),
        preferences=preferences,
        department=None,
        received_at=RECEIVED,
        by="officer",
        directory=default_directory(),
        now=RECEIVED,
        **world,
    )


@pytest.mark.parametrize(
    ("customer", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "enter an email address in the correct format"),
        ({"email": "ann@printer.local"}, "email", "enter an email address in the correct format"),
        ({"phone": "call me after six"}, "phone", "enter a phone number, like 01632 960 001"),
        ({"phone": "12345"}, "phone", "enter a phone number"),
    ],
)
def test_a_logged_case_refuses_a_contact_detail_that_is_not_one(world, customer, field, message):
    with pytest.raises(ActionNotAllowed) as refused:
        log(world, case_type=CaseType.SERVICE_REQUEST, **customer)
    assert str(refused.value).startswith(message)
    assert refused.value.argument == field
    assert list(world["store"].all_cases()) == []


@pytest.mark.parametrize(
    ("method", "customer", "field"),
    [
        (ContactMethod.LETTER, {"email": "ann@example.org"}, "address"),
        (ContactMethod.EMAIL, {"address": "1 High Street, Coalville"}, "email"),
        (ContactMethod.PHONE, {"address": "1 High Street, Coalville"}, "phone"),
    ],
)
def test_the_way_the_customer_wants_to_hear_from_us_needs_its_detail(
    world, method, customer, field
):
    with pytest.raises(ActionNotAllowed, match="or choose another way to contact them") as refused:
        log(world, preferences=Preferences(contact_method=method), **customer)
    assert refused.value.argument == field
    assert list(world["store"].all_cases()) == []


def test_a_logged_enquiry_needs_a_way_to_answer_it_and_a_request_may_be_anonymous(world):
    with pytest.raises(ActionNotAllowed) as refused:
        log(world, case_type=CaseType.ENQUIRY)
    assert refused.value.argument == "email"
    anonymous = log(world, case_type=CaseType.SERVICE_REQUEST)
    assert not anonymous.customer.has_contact_details


def test_a_customer_logged_without_a_way_of_contact_is_reached_by_what_they_gave(world, store):
    case = log(world, phone="01530 454545", address="1 High Street, Coalville")
    assert case.preferences.contact_method is ContactMethod.LETTER
    chosen = Preferences(language="cy", interpreter=True, contact_method=ContactMethod.PHONE)
    by_phone = log(world, phone="+44 1530 454545", preferences=chosen)
    assert store.get_case(by_phone.reference).preferences == chosen


@pytest.mark.parametrize("channel", [Channel.TELEPHONE, Channel.VISIT, Channel.VERBAL])
def test_an_enquiry_taken_on_the_phone_or_in_person_has_five_days_for_its_answer(
    world, policy, calendar, channel
):
    from sla_monitor.directory import default_directory
    from sla_monitor.staff import log_case

    case = log_case(
        case_type=CaseType.ENQUIRY,
        channel=channel,
        summary="When is the garden waste round?",
        description=None,
        customer=Customer(name="Ann Example", phone="01530 454545"),
        department=None,
        received_at=RECEIVED,
        by="officer",
        directory=default_directory(),
        now=RECEIVED,
        **world,
    )
    result = evaluate(case, policy, calendar, RECEIVED)
    assert result.clock("respond_to_enquiry").due_day == date(2026, 11, 30)
    assert result.next_due is not None


def test_a_complaint_taken_to_the_ombudsman_is_recorded_once(world, store):
    case = new_case(world, CaseType.COMPLAINT)
    later = london(2027, 2, 1, 10, 0)
    referred = record_ombudsman_referral(
        case.reference,
        ombudsman_reference="26 012 345",
        by="complaints-officer",
        now=later,
        **world,
    )
    assert referred.ombudsman_referral.reference == "26 012 345"
    assert referred.ombudsman_referral.referred_at == later
    assert store.get_case(case.reference).ombudsman_referral == referred.ombudsman_referral
    (event,) = [e for e in store.timeline(case.reference) if e.kind == "ombudsman_referral"]
    assert event.actor == "complaints-officer"
    assert referred.notifications == case.notifications  # nobody is sent anything
    with pytest.raises(ActionNotAllowed, match="referred to the Ombudsman already"):
        record_ombudsman_referral(
            case.reference, ombudsman_reference="26 999 999", by="x", now=later, **world
        )


def test_only_a_complaint_goes_to_the_ombudsman(world):
    case = new_case(world, CaseType.ENQUIRY)
    with pytest.raises(ActionNotAllowed, match="is an enquiry: only a complaint"):
        record_ombudsman_referral(
            case.reference, ombudsman_reference="1", by="x", now=RECEIVED, **world
        )
    with pytest.raises(ActionNotAllowed, match="Ombudsman's reference"):
        record_ombudsman_referral(
            case.reference, ombudsman_reference=" ", by="x", now=RECEIVED, **world
        )


def test_the_timeline_names_the_officer_and_department_assigned_where_the_directory_is_at_hand(
    world, store
):
    from sla_monitor.directory import default_directory

    case = new_case(world)
    assign_case(
        case.reference,
        officer_id="head-housing",
        department="housing",
        by="cco",
        now=RECEIVED,
        directory=default_directory(),
        **world,
    )
    assert store.timeline(case.reference)[-1].summary == ("assigned to Head of Housing in Housing")
