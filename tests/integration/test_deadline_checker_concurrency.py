"""Sweeps racing each other on embedded AWS, one dying between claim and send: every message
still goes out exactly once, as SES (moto) recorded it."""

from __future__ import annotations

import threading
from datetime import timedelta

from sla_monitor.cases import Customer
from sla_monitor.checker.sweep import SweepSettings
from sla_monitor.checker.wiring import sweep_with

from .checker_support import atomic_aws_requests, london, mail_to, receive, sweep_every

MONDAY = london(2026, 3, 2, 10, 0)
LEASE = SweepSettings().lease
RESIDENTS = [f"resident{n}@example.org" for n in range(12)]


class Crash(BaseException):
    """The sweep's process dies here."""


class DyingMailer:
    """The process dies in the middle of a sweep: it has claimed an action and is about to send
    it, waits there while another sweep runs, then dies."""

    def __init__(self) -> None:
        self.holding_a_claim = threading.Event()
        self.may_die = threading.Event()

    def send(self, outbound):
        self.holding_a_claim.set()
        self.may_die.wait(timeout=60)
        raise Crash("between claim and send")

    def message_ids(self, provider_id):
        raise AssertionError("never sends")


def run_together(*sweeps):
    start = threading.Barrier(len(sweeps))
    results: list = [None] * len(sweeps)

    def run(index, sweep):
        start.wait()
        try:
            results[index] = sweep()
        except BaseException as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(sweeps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def receive_all(embedded):
    for n, address in enumerate(RESIDENTS):
        receive(
            embedded,
            MONDAY - timedelta(seconds=len(RESIDENTS) - n),  # oldest first: resident0
            customer=Customer(email=address),
            key=f"delivery-{n}",
        )


def test_a_sweep_dying_between_claim_and_send_beside_another_loses_nothing(embedded):
    receive_all(embedded)
    dying = DyingMailer()
    outcome: list = []

    def doomed_sweep():
        try:
            sweep_with(embedded, MONDAY, mailer=dying)
        except Crash as crash:
            outcome.append(crash)

    with atomic_aws_requests():
        doomed = threading.Thread(target=doomed_sweep)
        doomed.start()
        assert dying.holding_a_claim.wait(timeout=60)
        # Another sweep runs while the first holds its claim on the oldest case's letter.
        other = sweep_with(embedded, MONDAY)
        dying.may_die.set()
        doomed.join()

    assert len(outcome) == 1
    assert other.held == 1
    assert mail_to(RESIDENTS[0]) == []
    assert [len(mail_to(a)) for a in RESIDENTS[1:]] == [1] * (len(RESIDENTS) - 1)
    # Once the dead sweep's lease runs out, a later sweep sends what it had claimed.
    sweep_every(
        embedded,
        MONDAY + timedelta(minutes=5),
        MONDAY + LEASE + timedelta(minutes=5),
        timedelta(minutes=5),
    )
    assert [len(mail_to(a)) for a in RESIDENTS] == [1] * len(RESIDENTS)
    for n in range(len(RESIDENTS)):
        case = embedded.store.get_case(f"NWL-2026-{n + 1:06d}")
        assert [s.key for s in case.sent] == ["acknowledge"]
        assert case.acknowledged_at is not None


def test_many_sweeps_at_once_share_the_work_without_doubling_it(embedded):
    receive_all(embedded)

    with atomic_aws_requests():
        reports = run_together(*[lambda: sweep_with(embedded, MONDAY)] * 3)

    assert [len(mail_to(a)) for a in RESIDENTS] == [1] * len(RESIDENTS)
    assert sum(len(r.done) for r in reports) == len(RESIDENTS)


def test_the_checker_sends_through_one_retry_layer_its_own(embedded):
    """The sweep retries a transient send itself, minding the time it has left; botocore must
    not retry under it (five of its attempts inside each of the sweep's)."""
    from sla_monitor.checker.wiring import ses_mailer

    checker = ses_mailer(embedded).client.meta.config.retries
    assert checker["total_max_attempts"] == 1
    # Everything else keeps botocore's retries.
    assert embedded.client("ses").meta.config.retries["total_max_attempts"] == 6
