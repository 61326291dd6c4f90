"""The checker's use cases built from the runtime services, for the Lambda functions and the
CLI: the one place that knows which adapters the sweep runs with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sla_monitor.checker.budget import Budget
from sla_monitor.checker.digest import DigestReport, send_daily_digests
from sla_monitor.checker.mailer import Mailer, SESMailer
from sla_monitor.checker.messages import Composer
from sla_monitor.checker.outcomes import SweepReport
from sla_monitor.checker.sweep import SweepSettings, sweep
from sla_monitor.council import Council
from sla_monitor.runtime import Services


@lru_cache(maxsize=4)
def composer_for(council: Council) -> Composer:
    """One per council and process: a warm Lambda container renders from compiled templates."""
    return Composer(council)


def ses_mailer(services: Services) -> SESMailer:
    settings = services.settings
    return SESMailer(
        services.client("ses"),
        region=settings.region,
        configuration_set=settings.ses_configuration_set,
    )


def sweep_with(
    services: Services,
    now: datetime,
    *,
    budget: Budget | None = None,
    mailer: Mailer | None = None,
    settings: SweepSettings | None = None,
) -> SweepReport:
    """One sweep over the services' store, sending through SES unless told otherwise."""
    return sweep(
        now,
        store=services.store,
        policy=services.policy,
        calendar=services.calendar,
        # Read by each sweep that has work, not once per container: staff changes reach the
        # next alert, and sweeps that find nothing due read nothing.
        directory=services.directory_store.load_directory,
        mailer=mailer or ses_mailer(services),
        council=services.council,
        sender=services.settings.sender_address,
        budget=budget,
        settings=settings,
        composer=composer_for(services.council),
    )


@dataclass(frozen=True)
class ScheduledRun:
    sweep: SweepReport
    digest: DigestReport


def run_schedule(
    services: Services, now: datetime, *, budget: Budget | None = None
) -> ScheduledRun:
    """What the schedule runs every few minutes: the sweep, then, once a working day, the
    officers' digests (left for a later run while a backlog is still being worked through)."""
    swept = sweep_with(services, now, budget=budget)
    if not swept.complete:
        return ScheduledRun(swept, DigestReport(skipped_because="the sweep ran out of time"))
    elapsed = budget.elapsed() if budget is not None else timedelta(0)
    digest = send_daily_digests(
        now + elapsed,
        store=services.store,
        policy=services.policy,
        calendar=services.calendar,
        directory=services.directory_store.load_directory,
        mailer=ses_mailer(services),
        council=services.council,
        sender=services.settings.sender_address,
        composer=composer_for(services.council),
    )
    return ScheduledRun(swept, digest)
