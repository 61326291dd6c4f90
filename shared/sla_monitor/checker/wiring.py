"""The checker's use cases built from the runtime services, for the Lambda functions and the
CLI: the one place that knows which adapters the sweep runs with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from sla_monitor.checker.budget import Budget
from sla_monitor.checker.digest import DigestReport, send_daily_digests
from sla_monitor.checker.mailer import Mailer, SESMailer
from sla_monitor.checker.messages import Composer
from sla_monitor.checker.outcomes import SweepReport
from sla_monitor.checker.sweep import SweepSettings, sweep
from sla_monitor.retiming import keep_deployed_policy
from sla_monitor.runtime import Services

if TYPE_CHECKING:
    from sla_monitor.council import Council


@lru_cache(maxsize=4)
def composer_for(council: Council) -> Composer:
    """One per council and process: a warm Lambda container renders from compiled templates."""
    return Composer(council)


def ses_mailer(services: Services) -> SESMailer:
    """The checker's mailer. Its client does not retry: the sweep retries a transient failure
    itself, with back-off that never sleeps into the time the sweep needs to finish."""
    settings = services.settings
    return SESMailer(
        services.client("ses", attempts=1),
        region=settings.aws_region,
        configuration_set=settings.ses_configuration_set,
    )


def sweep_with(
    services: Services,
    now: datetime,
    *,
    budget: Budget | None = None,
    mailer: Mailer | None = None,
    settings: SweepSettings | None = None,
    reference: str | None = None,
    shard: int | None = None,
) -> SweepReport:
    """One sweep over the services' store (or, with `reference`, of that case only; with
    `shard`, of that index shard's due cases), sending through SES unless told otherwise."""
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
        reference=reference,
        shards=None if shard is None else (shard,),
    )


def deliver_now(
    services: Services, reference: str, now: datetime, *, mailer: Mailer | None = None
) -> SweepReport:
    """Send at once what a staff step left owed on one case (the customer's letters; staff
    alerts only in office hours), exactly once alongside the scheduled sweeps."""
    return sweep_with(services, now, mailer=mailer, reference=reference)


_POLICIES_KEPT: set[tuple[str, str]] = set()


def _keep_policy_once(services: Services) -> None:
    """Keep the deployed policy's text, once per table and process: a deployment updates every
    function at once, so the checker's first run after it keeps the version new cases are
    timed by, and `sla-monitor retime` can later compare them with a newer one."""
    key = (services.settings.directory_table, services.policy.version)
    if key not in _POLICIES_KEPT:
        keep_deployed_policy(services.policy, services.directory_store)
        _POLICIES_KEPT.add(key)


# The jobs the checker function runs, named in its schedules' input.
SWEEP = "sweep"
DAILY_DIGEST = "daily-digest"
JOBS = (SWEEP, DAILY_DIGEST)


def scheduled_job(event: object) -> tuple[str, int | None]:
    """The job and index shard a schedule's input names: {"job": "sweep", "shard": 3} from the
    sweep's state machine, {"job": "daily-digest"} from the morning schedule, nothing at all
    (every shard) from an older schedule. ValueError for anything else."""
    if not isinstance(event, dict):
        return SWEEP, None
    job = event.get("job") or SWEEP
    shard = event.get("shard")
    if job not in JOBS:
        raise ValueError(f"unknown job {job!r}: expected one of {', '.join(JOBS)}")
    if shard is not None and (isinstance(shard, bool) or not isinstance(shard, int) or shard < 0):
        raise ValueError("a shard is a whole number from 0")
    return str(job), shard


@dataclass(frozen=True)
class ScheduledRun:
    sweep: SweepReport
    digest: DigestReport


def run_schedule(
    services: Services,
    now: datetime,
    *,
    budget: Budget | None = None,
    job: str = SWEEP,
    shard: int | None = None,
) -> ScheduledRun:
    """What a schedule runs: every few minutes the sweep (of every index shard, or of one when
    the schedule fans out one sweep per shard); at the start of each working day (a schedule of
    its own) the officers' digests, which skip bank holidays and closure days."""
    if job not in JOBS:
        raise ValueError(f"unknown job {job!r}: expected one of {', '.join(JOBS)}")
    _keep_policy_once(services)
    if job == SWEEP:
        skipped = DigestReport(skipped_because="digests run on their own daily schedule")
        return ScheduledRun(sweep_with(services, now, budget=budget, shard=shard), skipped)
    digest = send_daily_digests(
        now,
        store=services.store,
        policy=services.policy,
        calendar=services.calendar,
        directory=services.directory_store.load_directory,
        mailer=ses_mailer(services),
        council=services.council,
        sender=services.settings.sender_address,
        composer=composer_for(services.council),
    )
    return ScheduledRun(SweepReport(now=now), digest)
