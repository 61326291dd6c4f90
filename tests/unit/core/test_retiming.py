"""Re-timing open cases after the policy or the calendar changes."""

from dataclasses import replace
from datetime import date

import pytest

from sla_monitor.calendar import WorkingDayCalendar
from sla_monitor.cases import CaseType, Channel, Customer, NotificationKind, Outcome
from sla_monitor.engine import evaluate
from sla_monitor.intake import NewCase, register_case
from sla_monitor.policy import load_policy, parse_policy
from sla_monitor.promised_dates import PromisedReply, promised_reply
from sla_monitor.retiming import retime_open_cases
from sla_monitor.staff import record_acknowledgement_sent, record_response
from sla_monitor.store.memory import InMemoryCaseStore, InMemoryDirectoryStore

from .builders import london

RECEIVED = london(2026, 11, 23, 10, 0)  # Monday
NOW = london(2026, 11, 24, 10, 0)


@pytest.fixture
def deployed():
    return load_policy()


@pytest.fixture
def shorter(deployed):
    """The deployed policy with enquiries answered in 3 working days, not 5."""
    text = deployed.source.replace(
        "  - name: respond_to_enquiry", "  - name: respond_to_enquiry\n    # shortened"
    )
    text = text.replace(
        "    channels: [email, letter, web, telephone, visit, verbal]\n    within: 5",
        "    channels: [email, letter, web, telephone, visit, verbal]\n    within: 3",
    )
    policy = parse_policy(text)
    assert policy.promise("respond_to_enquiry").within == 3
    return policy


@pytest.fixture
def world(deployed, calendar):
    store = InMemoryCaseStore()
    directory_store = InMemoryDirectoryStore()
    directory_store.keep_policy(deployed.version, deployed.source)
    return store, directory_store


def new_case(store, policy, calendar, case_type=CaseType.ENQUIRY):
    return register_case(
        NewCase(
            case_type=case_type,
            channel=Channel.EMAIL,
            received_at=RECEIVED,
            subject="Council tax",
            description="When is my bill due?",
            customer=Customer(email="resident@example.org"),
        ),
        store=store,
        policy=policy,
        calendar=calendar,
        now=RECEIVED,
    ).case


def test_a_dry_run_lists_old_and_new_dates_and_changes_nothing(world, deployed, shorter, calendar):
    store, directory_store = world
    case = new_case(store, deployed, calendar)
    before = store.get_case(case.reference)

    [result] = retime_open_cases(
        store=store,
        directory_store=directory_store,
        policy=shorter,
        calendar=calendar,
        now=NOW,
        by="administrator",
        dry_run=True,
    )

    moved = {c.promise: (c.old_due, c.new_due) for c in result.moved}
    assert moved == {"respond_to_enquiry": (date(2026, 11, 30), date(2026, 11, 26))}
    assert (result.old_version, result.new_version) == (deployed.version, shorter.version)
    assert store.get_case(case.reference) == before
    assert [e.kind for e in store.timeline(case.reference)] == ["received"]


def test_retiming_records_the_version_and_brings_the_next_due_forward(
    world, deployed, shorter, calendar
):
    store, directory_store = world
    case = new_case(store, deployed, calendar)
    record_acknowledgement_sent(
        case.reference,
        how="email",
        by="x",
        store=store,
        policy=deployed,
        calendar=calendar,
        now=RECEIVED,
    )
    store.next_due[case.reference] = london(2026, 11, 27, 9, 0)  # set under the old policy

    retime_open_cases(
        store=store,
        directory_store=directory_store,
        policy=shorter,
        calendar=calendar,
        now=NOW,
        by="administrator",
        dry_run=False,
    )

    retimed = store.get_case(case.reference)
    assert retimed.policy_version == shorter.version
    event = store.timeline(case.reference)[-1]
    assert (event.kind, event.actor) == ("retimed", "administrator")
    assert "respond to enquiry 2026-11-30 to 2026-11-26" in event.summary
    # The customer, told to expect a reply by the 30th, is owed their new date at once; then
    # the warning a working day before the new due day (Wednesday 25th) is next.
    assert store.due_at(case.reference) == NOW
    assert evaluate(retimed, shorter, calendar, NOW).upcoming[0].owed_from == london(
        2026, 11, 25, 9, 0
    )
    # The new version is kept, so a later policy can be compared with it.
    assert directory_store.policy_text(shorter.version) == shorter.source


def test_closed_cases_are_left_alone(world, deployed, shorter, calendar):
    store, directory_store = world
    case = new_case(store, deployed, calendar)
    record_response(
        case.reference,
        summary="Answered.",
        outcome=Outcome.ANSWERED,
        by="x",
        store=store,
        policy=deployed,
        calendar=calendar,
        now=NOW,
    )
    assert (
        retime_open_cases(
            store=store,
            directory_store=directory_store,
            policy=shorter,
            calendar=calendar,
            now=NOW,
            by="administrator",
            dry_run=False,
        )
        == []
    )


def _close_friday_27_november(store, directory_store, deployed, calendar):
    """The council closes on Friday 27 November: the calendar after, and the open cases
    re-timed."""
    closed = WorkingDayCalendar(closure_days=[date(2026, 11, 27)])
    results = retime_open_cases(
        store=store,
        directory_store=directory_store,
        policy=deployed,
        calendar=closed,
        old_calendar=calendar,
        now=NOW,
        by="administrator",
        dry_run=False,
        why="2026-11-27 closed",
    )
    return closed, results


def test_a_closure_day_re_times_only_the_cases_it_touches(world, deployed, calendar):
    store, directory_store = world
    touched = new_case(store, deployed, calendar)  # reply due Monday 30 November

    _, [result] = _close_friday_27_november(store, directory_store, deployed, calendar)
    moved = {c.promise: (c.old_due, c.new_due) for c in result.moved}
    assert moved["respond_to_enquiry"] == (date(2026, 11, 30), date(2026, 12, 1))
    assert store.timeline(touched.reference)[-1].summary.startswith("re-timed (2026-11-27 closed)")


def test_a_case_timed_by_a_version_never_kept_shows_its_old_dates_as_unknown(
    deployed, shorter, calendar
):
    store = InMemoryCaseStore()
    case = new_case(store, shorter, calendar)
    [result] = retime_open_cases(
        store=store,
        directory_store=InMemoryDirectoryStore(),
        policy=deployed,
        calendar=calendar,
        now=NOW,
        by="administrator",
        dry_run=True,
    )
    assert result.reference == case.reference
    assert result.moved == () and result.needs_saving
    assert all(not c.old_known for c in result.clocks)


def _acknowledged(store, policy, calendar, case_type=CaseType.ENQUIRY):
    case = new_case(store, policy, calendar, case_type)
    record_acknowledgement_sent(
        case.reference,
        how="email",
        by="x",
        store=store,
        policy=policy,
        calendar=calendar,
        now=RECEIVED,
    )
    return case


def _close(store, directory_store, policy, calendar, closed, now=NOW):
    return retime_open_cases(
        store=store,
        directory_store=directory_store,
        policy=policy,
        calendar=closed,
        old_calendar=calendar,
        now=now,
        by="administrator",
        dry_run=False,
        why="closed",
    )


def _date_updates(case):
    return [
        n
        for n in case.notifications_unsent()
        if n.kind is NotificationKind.CASE_UPDATE and n.details.get("why") == "retimed"
    ]


def test_a_customer_given_a_date_is_owed_the_new_one_once(world, deployed, calendar):
    store, directory_store = world
    case = _acknowledged(store, deployed, calendar)  # told: a reply by Monday 30 November

    _close(store, directory_store, deployed, calendar, WorkingDayCalendar([date(2026, 11, 27)]))
    _close(
        store,
        directory_store,
        deployed,
        WorkingDayCalendar([date(2026, 11, 27)]),
        WorkingDayCalendar([date(2026, 11, 27), date(2026, 11, 30)]),
    )

    # Two closures before the update went: one update, which gives the latest date when it goes.
    [update] = _date_updates(store.get_case(case.reference))
    assert update.details == {"why": "retimed", "cause": "calendar", "reply_by": "2026-12-01"}
    last = store.timeline(case.reference)[-1]
    assert last.details["customer_told_reply_by"] == "2026-12-02"
    assert last.details["previous_reply_by"] == "2026-12-01"


def test_a_customer_not_yet_acknowledged_is_not_sent_an_update(world, deployed, calendar):
    store, directory_store = world
    case = new_case(store, deployed, calendar)

    _close(store, directory_store, deployed, calendar, WorkingDayCalendar([date(2026, 11, 27)]))

    # The acknowledgement, when it goes, gives the new date.
    assert _date_updates(store.get_case(case.reference)) == []
    assert "customer_told_reply_by" not in store.timeline(case.reference)[-1].details


def test_a_closure_that_leaves_the_reply_date_alone_sends_nothing(world, deployed, calendar):
    store, directory_store = world
    case = _acknowledged(store, deployed, calendar)  # reply by Monday 30 November

    # Closing Wednesday 2 December moves no clock of this case.
    results = _close(
        store, directory_store, deployed, calendar, WorkingDayCalendar([date(2026, 12, 2)])
    )

    assert not results[0].reply_day_moved
    assert _date_updates(store.get_case(case.reference)) == []


def test_a_new_date_already_past_is_not_given(world, deployed, shorter, calendar):
    store, directory_store = world
    case = _acknowledged(store, deployed, calendar)  # reply by 30 November; 3 days: the 26th

    retime_open_cases(
        store=store,
        directory_store=directory_store,
        policy=shorter,
        calendar=calendar,
        now=london(2026, 11, 27, 10, 0),
        by="administrator",
        dry_run=False,
    )

    assert _date_updates(store.get_case(case.reference)) == []
    assert store.get_case(case.reference).policy_version == shorter.version


def test_a_shorter_policy_tells_the_customer_their_earlier_date(world, deployed, shorter, calendar):
    store, directory_store = world
    case = _acknowledged(store, deployed, calendar)

    retime_open_cases(
        store=store,
        directory_store=directory_store,
        policy=shorter,
        calendar=calendar,
        now=NOW,
        by="administrator",
        dry_run=False,
    )

    [update] = _date_updates(store.get_case(case.reference))
    assert update.details == {"why": "retimed", "cause": "policy", "reply_by": "2026-11-26"}


def test_after_a_closure_day_the_one_reply_date_is_the_clocks_and_says_why_it_moved(
    world, deployed, calendar
):
    store, directory_store = world
    case = new_case(store, deployed, calendar)
    # Acknowledged: the letter gave Monday 30 November.
    store.cases[case.reference] = replace(
        store.get_case(case.reference),
        acknowledged_at=RECEIVED,
        expected_reply_by=london(2026, 11, 30, 17, 0),
    )
    closed, _ = _close_friday_27_november(store, directory_store, deployed, calendar)
    retimed = store.get_case(case.reference)
    clocks = evaluate(retimed, deployed, closed, NOW).clocks
    reply = promised_reply(retimed, clocks, store.timeline(case.reference), closed)

    # The clock's date, not the one the case was told before (the update is still to go).
    assert retimed.expected_reply_by == london(2026, 11, 30, 17, 0)
    assert reply is not None and reply.day == date(2026, 12, 1)
    assert reply.moved_sentence == (
        "Moved from Monday 30 November 2026 because the council's offices are closed on "
        "Friday 27 November 2026."
    )
    # Once the update went and gave the new date, the date and its reason stay.
    told = replace(retimed, expected_reply_by=london(2026, 12, 1, 17, 0))
    again = promised_reply(told, clocks, store.timeline(case.reference), closed)
    assert again == reply


def test_a_reply_date_never_moved_gives_no_reason(world, deployed, calendar):
    store, _ = world
    case = new_case(store, deployed, calendar)
    clocks = evaluate(case, deployed, calendar, NOW).clocks
    reply = promised_reply(case, clocks, store.timeline(case.reference), calendar)
    assert reply == PromisedReply(date(2026, 11, 30))
    assert reply.moved_sentence is None
