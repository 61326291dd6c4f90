"""The checker's use cases built from the runtime services, for the Lambda functions and the
CLI: the one place that knows which adapters the sweep runs with."""

from __future__ import annotations

from datetime import datetime

from sla_monitor.checker.budget import Budget
from sla_monitor.checker.mailer import Mailer, SESMailer
from sla_monitor.checker.outcomes import SweepReport
from sla_monitor.checker.sweep import SweepSettings, sweep
from sla_monitor.runtime import Services


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
    )
