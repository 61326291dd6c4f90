"""Exactly once under failures, crashes, retries, time limits and concurrent sweeps."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import replace
from datetime import timedelta

import pytest

from sla_monitor.cases import CaseType, Customer
from sla_monitor.checker.budget import Countdown
from sla_monitor.checker.mailer import (
    PermanentSendError,
    SendingUnavailableError,
    TransientSendError,
)
from sla_monitor.checker.outcomes import Delivery
from sla_monitor.checker.sweep import SweepSettings
from sla_monitor.engine import Action
from sla_monitor.listing import Schedule
from sla_monitor.store.ports import StaleCaseError

from .conftest import RESIDENT, london, text_of

HEAD_OF_HOUSING = "head.housing@nwleicestershire.gov.uk"
MONDAY = london(2026, 3, 2, 10, 0)
LEASE = SweepSettings().lease


class Crash(BaseException):
    """The process dies here: nothing catches it, nothing after it runs."""


class CrashingStore:
    """The in-memory store, but the process dies on the first call to one method."""

    def __init__(self, store, method: str) -> None:
        self._store = store
        self._method = method
        self.crashed = False

    def __getattr__(self, name):
        attribute = getattr(self._store, name)
        if name != self._method or self.crashed:
            return attribute

        def crash(*args, **kwargs):
            self.crashed = True
            raise Crash(name)

        return crash


def acknowledgements_to(town, address: str) -> int:
    return sum(1 for s in town.subjects_to(address) if "we have received" in s)


# -- mail service failures ------------------------------------------------------------------


def test_throttling_is_retried_with_growing_back_off(town):
    town.receive(MONDAY)
    town.mailer.fail_next(TransientSendError("Throttling"), TransientSendError("Throttling"))

    report = town.sweep(MONDAY)

    assert len(town.mail_to(RESIDENT)) == 1
    assert report.deferred == 0
    first, second = town.sleeps
    assert 0.25 <= first <= 0.5 and 0.5 <= second <= 1.0  # half to all of 0.5 s, then 1 s


def test_a_send_that_keeps_failing_is_left_for_the_next_sweep(town):
    case = town.receive(MONDAY)
    town.mailer.fail_next(*[TransientSendError("ServiceUnavailable")] * 4)

    report = town.sweep(MONDAY)

    assert report.deferred == 1 and report.done == []
    assert town.store.get_claim(case.reference, "acknowledge") is None  # released, not held
    assert town.store.due_at(case.reference) <= MONDAY
    town.sweep(MONDAY + timedelta(minutes=5))
    assert len(town.mail_to(RESIDENT)) == 1


def test_a_refused_letter_is_recorded_and_the_owner_told_instead(town):
    case = town.receive(MONDAY)
    town.mailer.fail_for(RESIDENT, PermanentSendError("MessageRejected"))

    report = town.sweep(MONDAY)

    assert report.count(Action.ACKNOWLEDGE, Delivery.FAILED) == 1
    [alert] = town.mail_to(HEAD_OF_HOUSING)
    assert alert["Subject"] == (
        f"{case.reference}: the acknowledgement could not be emailed to the customer"
    )
    assert "MessageRejected" in text_of(alert)
    assert "Dear Ann Example," in text_of(alert)
    stored = town.case(case.reference)
    assert stored.was_sent("acknowledge") and stored.acknowledged_at is None
    [event] = [e for e in town.store.timeline(case.reference) if e.kind == "send_failed"]
    assert "could not be emailed (MessageRejected)" in event.summary
    attempts = town.mailer.attempts
    town.sweep_every(MONDAY + timedelta(minutes=5), MONDAY + timedelta(hours=3))
    assert town.mailer.attempts == attempts  # never tried again


def test_when_sending_is_paused_the_sweep_stops_and_the_next_one_sends_everything(town):
    cases = [town.receive(MONDAY - timedelta(minutes=n)) for n in range(3)]
    town.mailer.fail_next(SendingUnavailableError("AccountSendingPausedException"))

    report = town.sweep(MONDAY)

    assert not report.complete
    assert "AccountSendingPausedException" in (report.stopped_because or "")
    assert town.mailer.sent == [] and town.store.claims == {}
    town.sweep(MONDAY + timedelta(minutes=5))
    assert sorted(m.recipients[0] for m in town.mailer.sent) == [RESIDENT] * len(cases)


def test_one_case_that_fails_does_not_stop_the_others(town):
    broken = town.receive(MONDAY - timedelta(minutes=1), customer=Customer(email="x@example.org"))
    town.receive(MONDAY)

    def fail_for_x(outbound):
        if "x@example.org" in outbound.recipients:
            raise RuntimeError("a bug")

    town.mailer.before_send(fail_for_x)
    report = town.sweep(MONDAY)

    assert report.failures == [(broken.reference, "RuntimeError")]
    assert len(town.mail_to(RESIDENT)) == 1
    town.mailer.before_send(None)
    town.sweep(MONDAY + timedelta(minutes=5))
    assert len(town.mail_to("x@example.org")) == 1


# -- crashes --------------------------------------------------------------------------------


def test_a_crash_between_claim_and_send_is_retried_once_the_lease_runs_out(town):
    case = town.receive(MONDAY)

    def crash(outbound):
        raise Crash("between claim and send")

    town.mailer.before_send(crash)
    with pytest.raises(Crash):
        town.sweep(MONDAY)
    town.mailer.before_send(None)

    # While the lease lasts, other sweeps leave the action alone.
    held = town.sweep(MONDAY + LEASE - timedelta(minutes=1))
    assert held.held == 1 and town.mailer.sent == []
    town.sweep(MONDAY + LEASE + timedelta(minutes=1))
    assert len(town.mail_to(RESIDENT)) == 1
    assert town.case(case.reference).was_sent("acknowledge")


def test_a_crash_after_sending_but_before_recording_never_sends_again(town):
    case = town.receive(MONDAY)
    crashing = CrashingStore(town.store, "save_case")
    with pytest.raises(Crash):
        town.sweep(MONDAY, store=crashing)
    assert len(town.mail_to(RESIDENT)) == 1
    assert not town.case(case.reference).was_sent("acknowledge")

    report = town.sweep(MONDAY + timedelta(minutes=5))

    assert len(town.mail_to(RESIDENT)) == 1
    stored = town.case(case.reference)
    [sent] = stored.sent
    assert (sent.key, sent.sent_at, sent.message_id) == ("acknowledge", MONDAY, "fake-000001")
    assert stored.acknowledged_at == MONDAY
    assert town.store.find_case_by_message_id("fake-000001") == case.reference
    assert [d.recovered for d in report.done] == [True]
    [event] = [e for e in town.store.timeline(case.reference) if e.kind == "message_sent"]
    assert "earlier sweep" in event.details["recovered"]


def test_a_letter_task_interrupted_before_recording_is_recorded_as_a_task(town):
    case = town.receive(
        MONDAY,
        case_type=CaseType.COMPLAINT,
        customer=Customer(name="Bob", address="1 High Street"),
    )
    with pytest.raises(Crash):
        town.sweep(MONDAY, store=CrashingStore(town.store, "save_case"))

    town.sweep(MONDAY + timedelta(minutes=5))

    stored = town.case(case.reference)
    assert stored.was_sent("acknowledge") and stored.acknowledged_at is None
    [event] = [e for e in town.store.timeline(case.reference) if e.kind == "task_for_owner"]
    assert event.summary == "acknowledgement passed to the owner to send by post"
    assert len([s for s in town.subjects_to(HEAD_OF_HOUSING) if "by post" in s]) == 1


def test_a_crash_while_recording_the_claim_is_the_one_window_that_sends_again(town):
    # SES accepted the message, then the process died before the ledger said so. No mail
    # service has an idempotent send, so after the lease the action is sent once more: the
    # window is the single ledger write that follows the send.
    town.receive(MONDAY)
    with pytest.raises(Crash):
        town.sweep(MONDAY, store=CrashingStore(town.store, "mark_action_sent"))

    town.sweep(MONDAY + timedelta(minutes=5))
    assert len(town.mail_to(RESIDENT)) == 1
    town.sweep(MONDAY + LEASE + timedelta(minutes=1))
    assert len(town.mail_to(RESIDENT)) == 2


@pytest.mark.parametrize(
    "method", ["cases_due", "claim_action", "get_claim", "release_claim", "get_case"]
)
def test_a_crash_in_any_other_store_call_sends_each_message_once_in_the_end(town, method):
    case = town.receive(MONDAY, case_type=CaseType.COMPLAINT)
    later = london(2026, 3, 3, 9, 30)  # acknowledgement and handover both owed
    town.mailer.fail_next(TransientSendError("Throttling"), *[TransientSendError("x")] * 3)
    with contextlib.suppress(Crash):  # not every method is called on that path
        town.sweep(later, store=CrashingStore(town.store, method))

    town.sweep_every(later + LEASE + timedelta(minutes=1), later + timedelta(hours=2))

    assert acknowledgements_to(town, RESIDENT) == 1
    handovers = [s for s in town.subjects_to(HEAD_OF_HOUSING) if "new complaint" in s]
    assert len(handovers) == 1
    assert {s.key for s in town.case(case.reference).sent} >= {
        "acknowledge",
        "handover:pass_complaint_to_head_of_service",
    }


def test_a_case_changed_by_someone_else_meanwhile_keeps_both_changes(town):
    case = town.receive(MONDAY)

    class RacingStore(CrashingStore):
        def save_case(self, updated, **kwargs):
            if not self.crashed:
                self.crashed = True  # once: staff assign the case just before our save
                current = self._store.get_case(updated.reference)
                self._store.save_case(
                    replace(current, assigned_officer="head-housing"), schedule=Schedule(MONDAY)
                )
            return self._store.save_case(updated, **kwargs)

    town.sweep(MONDAY, store=RacingStore(town.store, "none"))

    stored = town.case(case.reference)
    assert stored.assigned_officer == "head-housing"
    assert stored.was_sent("acknowledge") and stored.acknowledged_at == MONDAY


def test_a_case_that_stays_stale_is_reported_and_recorded_later_from_the_ledger(town):
    case = town.receive(MONDAY)

    class AlwaysStale(CrashingStore):
        def save_case(self, updated, **kwargs):
            raise StaleCaseError(updated.reference)

    report = town.sweep(MONDAY, store=AlwaysStale(town.store, "none"))
    assert report.failures == [(case.reference, "StaleCaseError")]

    town.sweep(MONDAY + timedelta(minutes=5))
    assert len(town.mail_to(RESIDENT)) == 1
    assert town.case(case.reference).was_sent("acknowledge")


# -- the time budget ------------------------------------------------------------------------


def test_a_backlog_is_paged_through_oldest_first_within_the_time_budget(town):
    cases = [town.receive(MONDAY - timedelta(minutes=10 - n)) for n in range(6)]
    clock = [0.0]

    def twenty_seconds_a_send(outbound):
        clock[0] += 20

    town.mailer.before_send(twenty_seconds_a_send)
    budget = Countdown(lambda: 100 - clock[0])

    first = town.sweep(MONDAY, budget=budget)

    # 100 s with 30 s kept in reserve: cases start at 100, 80, 60 and 40 s left; not at 20.
    assert [d.reference for d in first.done] == [c.reference for c in cases[:4]]
    assert not first.complete and first.stopped_because == "time budget spent"
    # Each is stamped with the time the sweep had reached.
    assert town.case(cases[1].reference).acknowledged_at == MONDAY + timedelta(seconds=20)
    second = town.sweep(MONDAY + timedelta(minutes=5))
    assert [d.reference for d in second.done] == [c.reference for c in cases[4:]]
    assert second.complete


def test_a_retry_never_sleeps_into_the_reserve(town):
    town.receive(MONDAY)
    town.mailer.fail_next(TransientSendError("Throttling"))

    report = town.sweep(MONDAY, budget=Countdown(lambda: 30.2))

    assert town.sleeps == [] and report.deferred == 1


# -- concurrent sweeps ----------------------------------------------------------------------


def _sweep_together(town, count: int, *, at, hooks=None):
    """`count` sweeps started at the same moment on their own threads."""
    start = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = town.sweep(at)
        except BaseException as error:  # a crash ends that sweep only
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_sweeps_send_each_message_once(town):
    residents = [f"resident{n}@example.org" for n in range(30)]
    for n, address in enumerate(residents):
        town.receive(MONDAY - timedelta(seconds=n), customer=Customer(email=address))
    # Give the threads room to interleave between claim, send and record.
    town.mailer.before_send(lambda outbound: time.sleep(0.001))

    reports = _sweep_together(town, 3, at=MONDAY)

    assert all(len(town.mail_to(a)) == 1 for a in residents)
    assert sum(len(r.done) for r in reports) == len(residents)
    assert all([s.key for s in c.sent] == ["acknowledge"] for c in town.store.cases.values())


def test_a_sweep_that_dies_mid_way_beside_another_loses_and_doubles_nothing(town):
    residents = [f"resident{n}@example.org" for n in range(20)]
    for n, address in enumerate(residents):
        town.receive(MONDAY - timedelta(seconds=n), customer=Customer(email=address))
    doomed = threading.Event()

    def crash_one_sweep_after_it_claims(outbound):
        time.sleep(0.001)
        if outbound.recipients[0] == residents[7] and not doomed.is_set():
            doomed.set()
            raise Crash("between claim and send")

    town.mailer.before_send(crash_one_sweep_after_it_claims)

    results = _sweep_together(town, 2, at=MONDAY)

    assert sum(isinstance(r, Crash) for r in results) == 1
    town.mailer.before_send(None)
    town.sweep_every(
        MONDAY + timedelta(minutes=5), MONDAY + LEASE + timedelta(minutes=10), timedelta(minutes=5)
    )
    assert [len(town.mail_to(a)) for a in residents] == [1] * len(residents)
