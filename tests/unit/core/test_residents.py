"""Residents' own cases: one-time sign-in links, whose cases a resident sees, and what they may
do from a case, on the in-memory store."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from sla_monitor.calendar import LONDON
from sla_monitor.cases import (
    AccessibleFormat,
    CaseType,
    Channel,
    Customer,
    NotificationKind,
    Outcome,
    SentAction,
)
from sla_monitor.directory import default_directory
from sla_monitor.engine import evaluate
from sla_monitor.intake import NewCase, register_case
from sla_monitor.residents import (
    SIGN_IN_LINK_LIFETIME,
    NotYourCase,
    SignInLimits,
    StepNotAvailable,
    ask_for_stage_2,
    case_of,
    cases_of,
    change_preferences,
    reply_expected_by,
    request_sign_in_link,
    send_more_information,
    stage_2_open_until,
    token_digest,
    use_sign_in_link,
)
from sla_monitor.staff import record_response
from sla_monitor.store.memory import InMemoryCaseStore
from sla_monitor.store.ports import customer_key

MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
SAM = "sam@example.org"
SAM_KEY = customer_key(SAM)
LIMITS = SignInLimits(per_address=3, per_source=5)


@pytest.fixture
def store() -> InMemoryCaseStore:
    return InMemoryCaseStore()


def a_case(store, policy, calendar, *, email=SAM, case_type=CaseType.ENQUIRY, key="one"):
    return register_case(
        NewCase(
            case_type=case_type,
            channel=Channel.WEB,
            received_at=MONDAY,
            subject="Damp in the bathroom",
            description="Please come and look",
            customer=Customer(name="Sam", email=email),
            department="housing",
            idempotency_key=key,
        ),
        store=store,
        policy=policy,
        calendar=calendar,
        now=MONDAY,
    ).case


def ask(store, address=SAM, *, at=MONDAY, source="192.0.2.1", return_to=None):
    return request_sign_in_link(
        address, source=source, return_to=return_to, now=at, store=store, limits=LIMITS
    )


# -- sign-in links -----------------------------------------------------------------------------


def test_a_link_is_random_kept_only_as_its_digest_and_works_once(store, policy, calendar):
    a_case(store, policy, calendar)
    issued = ask(store, " Sam@Example.ORG ", return_to="NWL-2026-000001")
    assert issued is not None and issued.address == SAM
    assert issued.expires_at == MONDAY + SIGN_IN_LINK_LIFETIME
    [kept] = store.sign_in_links.values()
    assert kept.token_digest == token_digest(issued.token) != issued.token
    assert issued.token not in repr(kept)

    used = use_sign_in_link(issued.token, now=MONDAY + timedelta(minutes=5), store=store)
    assert used is not None
    assert (used.customer_key, used.return_to) == (SAM_KEY, "NWL-2026-000001")
    assert use_sign_in_link(issued.token, now=MONDAY + timedelta(minutes=6), store=store) is None


def test_a_link_is_refused_once_it_expires(store, policy, calendar):
    a_case(store, policy, calendar)
    issued = ask(store)
    assert issued is not None
    late = MONDAY + SIGN_IN_LINK_LIFETIME
    assert use_sign_in_link(issued.token, now=late, store=store) is None


def test_two_links_are_never_the_same(store, policy, calendar):
    a_case(store, policy, calendar)
    first, second = ask(store), ask(store)
    assert first is not None and second is not None and first.token != second.token


@pytest.mark.parametrize("token", ["", "short", "x" * 43, "a/b" * 20, "é" * 43])
def test_a_made_up_token_signs_nobody_in(store, policy, calendar, token):
    a_case(store, policy, calendar)
    ask(store)
    assert use_sign_in_link(token, now=MONDAY, store=store) is None


def test_no_link_for_an_address_without_cases_or_not_an_address(store, policy, calendar):
    a_case(store, policy, calendar)
    assert ask(store, "stranger@example.org") is None
    assert ask(store, "not an address") is None
    assert store.sign_in_links == {}


def test_links_are_limited_per_address_and_per_computer(store, policy, calendar):
    a_case(store, policy, calendar)
    a_case(store, policy, calendar, email="alex@example.org", key="two")
    assert [ask(store) is not None for _ in range(4)] == [True, True, True, False]
    # The next hour the address may ask again.
    assert ask(store, at=MONDAY + timedelta(hours=1)) is not None
    # One computer asking for many addresses (a stranger's) is stopped too.
    other = [ask(store, f"n{i}@example.org", source="198.51.100.7") for i in range(5)]
    assert ask(store, "alex@example.org", source="198.51.100.7") is None
    assert ask(store, "alex@example.org", source="203.0.113.9") is not None
    assert other == [None] * 5


def test_links_asked_for_under_tags_count_against_the_one_mailbox(store, policy, calendar):
    a_case(store, policy, calendar)
    for n in range(3):
        ask(store, f"sam+{n}@example.org")

    assert ask(store, "SAM@example.org") is None


# -- whose cases ---------------------------------------------------------------------------------


def test_a_resident_sees_their_own_cases_and_nobody_elses(store, policy, calendar):
    mine = a_case(store, policy, calendar)
    theirs = a_case(store, policy, calendar, email="alex@example.org", key="two")
    assert [c.reference for c in cases_of(SAM_KEY, store=store)] == [mine.reference]
    assert case_of(SAM_KEY, mine.reference, store=store).reference == mine.reference
    with pytest.raises(NotYourCase):
        case_of(SAM_KEY, theirs.reference, store=store)
    with pytest.raises(NotYourCase):
        case_of(SAM_KEY, "NWL-2026-999999", store=store)
    with pytest.raises(NotYourCase):
        case_of(SAM_KEY, "../CASE#NWL-2026-000002", store=store)


def test_the_reply_date_is_the_response_clocks_or_the_date_promised(store, policy, calendar):
    def clocks(case, at=MONDAY):
        return evaluate(case, policy, calendar, at).clocks

    case = a_case(store, policy, calendar)
    expected = reply_expected_by(case, clocks(case), calendar=calendar)
    # Five working days for an enquiry received on Monday 2 March: Monday 9 March.
    assert expected is not None and expected.date() == datetime(2026, 3, 9).date()
    # A date written on the case that the clock no longer holds is not the date shown: the
    # clock's is, as on the staff pages.
    told_before = replace(case, expected_reply_by=datetime(2026, 3, 6, 17, 0, tzinfo=LONDON))
    assert reply_expected_by(told_before, clocks(told_before), calendar=calendar) == expected
    # A holding update's date is the clock the reply is then promised by.
    promised = datetime(2026, 3, 20, 17, 0, tzinfo=LONDON)
    later = replace(
        case,
        expected_reply_by=promised,
        sent=(
            SentAction(
                key="holding_update:respond_to_enquiry",
                action="send_holding_update",
                sent_at=datetime(2026, 3, 9, 14, 0, tzinfo=LONDON),
                promised_day=promised.date(),
            ),
        ),
    )
    assert reply_expected_by(later, clocks(later), calendar=calendar) == promised
    closed = replace(case, status=later.status.CLOSED)
    assert reply_expected_by(closed, clocks(closed), calendar=calendar) is None


# -- what a resident does -----------------------------------------------------------------------


def test_more_information_is_the_customers_reply_the_owner_is_told_and_it_is_acknowledged(
    store, policy, calendar
):
    case = a_case(store, policy, calendar)
    at = MONDAY + timedelta(hours=2)
    send_more_information(
        case.reference,
        "  The mould has spread.  ",
        resident=SAM_KEY,
        submission_id="a" * 32,
        store=store,
        policy=policy,
        calendar=calendar,
        now=at,
    )
    [reply] = [e for e in store.timeline(case.reference) if e.kind == "customer_reply"]
    assert (reply.actor, reply.details["body"], reply.details["channel"]) == (
        "customer",
        "The mould has spread.",
        "web",
    )
    stored = store.get_case(case.reference)
    assert [n.kind for n in stored.notifications_unsent()] == [
        NotificationKind.CUSTOMER_REPLIED,
        NotificationKind.REPLY_ACKNOWLEDGEMENT,
    ]


def test_nothing_can_be_sent_to_another_residents_case_or_empty(store, policy, calendar):
    theirs = a_case(store, policy, calendar, email="alex@example.org", key="two")
    mine = a_case(store, policy, calendar)
    kwargs = dict(submission_id="b" * 32, store=store, policy=policy, calendar=calendar, now=MONDAY)
    with pytest.raises(NotYourCase):
        send_more_information(theirs.reference, "hello", resident=SAM_KEY, **kwargs)
    with pytest.raises(StepNotAvailable):
        send_more_information(mine.reference, "   ", resident=SAM_KEY, **kwargs)
    assert not [e for e in store.timeline(theirs.reference) if e.kind == "customer_reply"]


def answered_complaint(store, policy, calendar, *, at):
    case = a_case(store, policy, calendar, case_type=CaseType.COMPLAINT)
    record_response(
        case.reference,
        summary="We looked at the repair records.",
        outcome=Outcome.NOT_UPHELD,
        by="head-housing",
        store=store,
        policy=policy,
        calendar=calendar,
        now=at,
    )
    return store.get_case(case.reference)


def test_stage_2_is_asked_for_only_after_the_response_and_within_the_window(
    store, policy, calendar
):
    open_complaint = a_case(store, policy, calendar, case_type=CaseType.COMPLAINT, key="open")
    assert stage_2_open_until(open_complaint, policy=policy, calendar=calendar) is None
    answered_at = MONDAY + timedelta(days=1)
    case = answered_complaint(store, policy, calendar, at=answered_at)
    until = stage_2_open_until(case, policy=policy, calendar=calendar)
    assert until is not None
    assert (
        calendar.working_days_between(calendar.start_day(answered_at), until.date())
        == policy.stage_2_request_window
    )
    kwargs = dict(
        resident=SAM_KEY,
        store=store,
        policy=policy,
        calendar=calendar,
        directory=default_directory(),
    )
    with pytest.raises(StepNotAvailable):
        ask_for_stage_2(case.reference, "Too late", now=until + timedelta(days=1), **kwargs)
    with pytest.raises(StepNotAvailable):
        ask_for_stage_2(open_complaint.reference, "Not yet", now=answered_at, **kwargs)

    taken = ask_for_stage_2(
        case.reference, "The records are wrong", now=answered_at + timedelta(days=2), **kwargs
    )
    assert taken.stage_2 is not None and taken.stage_2.channel is Channel.WEB
    assert taken.stage == 2 and taken.is_open


def test_more_information_asking_for_stage_2_takes_the_complaint_there(store, policy, calendar):
    answered_at = MONDAY + timedelta(days=1)
    case = answered_complaint(store, policy, calendar, at=answered_at)
    at = answered_at + timedelta(days=2)

    taken = send_more_information(
        case.reference,
        "I am not happy with your response: the damp is back. Please escalate it.",
        resident=SAM_KEY,
        submission_id="c" * 32,
        store=store,
        policy=policy,
        calendar=calendar,
        directory=default_directory(),
        now=at,
    )

    assert taken.stage == 2 and taken.is_open
    assert (taken.stage_2.requested_at, taken.stage_2.channel) == (at, Channel.WEB)
    assert taken.stage_2.reason.startswith("I am not happy with your response")
    assert taken.assigned_officer == "complaints-officer"


def test_preferences_change_and_the_owner_is_told(store, policy, calendar):
    case = a_case(store, policy, calendar)
    changed = change_preferences(
        case.reference,
        language="cy",
        accessible_format=AccessibleFormat.LARGE_PRINT,
        interpreter=True,
        resident=SAM_KEY,
        store=store,
        policy=policy,
        calendar=calendar,
        now=MONDAY + timedelta(hours=1),
    )
    prefs = store.get_case(case.reference).preferences
    assert (prefs.language, prefs.accessible_format, prefs.interpreter) == (
        "cy",
        AccessibleFormat.LARGE_PRINT,
        True,
    )
    [told] = [n for n in changed.notifications if n.kind is NotificationKind.CUSTOMER_REPLIED]
    assert told.details["preferences"] == "language cy, large print, an interpreter"
    with pytest.raises(NotYourCase):
        change_preferences(
            case.reference,
            language="en",
            accessible_format=None,
            interpreter=False,
            resident=customer_key("alex@example.org"),
            store=store,
            policy=policy,
            calendar=calendar,
            now=MONDAY,
        )


def test_a_reply_date_missed_is_shown_to_the_resident_for_ever(store, policy, calendar):
    from sla_monitor.residents import reply_dates_missed

    def clocks(case, at=MONDAY):
        return evaluate(case, policy, calendar, at).clocks

    case = a_case(store, policy, calendar)
    due = reply_expected_by(case, clocks(case), calendar=calendar)
    assert reply_dates_missed(clocks(case)) == ()
    answered = due + timedelta(days=3)
    record_response(
        case.reference,
        summary="Answered late",
        outcome=Outcome.ANSWERED,
        by="head-housing",
        store=store,
        policy=policy,
        calendar=calendar,
        now=answered,
    )
    closed = store.get_case(case.reference)
    missed = reply_dates_missed(clocks(closed, answered))
    assert missed == (calendar.local(due).date(),)
