"""Lambda handler of delivery events: SES configuration set -> SNS -> here.

Thin on purpose: read the SNS records into SES events, hand each to the recorder, count the
outcomes. A transient failure raises, and Lambda's retries bring the event back; every event is
recorded once however often it arrives.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from sla_monitor.checker.delivery_events import (
    DeliveryEventRecorder,
    EventOutcome,
    events_from_sns,
)
from sla_monitor.checker.wiring import composer_for, ses_mailer
from sla_monitor.runtime import services

logger = Logger(service="delivery-events")
metrics = Metrics(namespace="SlaMonitor", service="delivery-events")


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    now = datetime.now(UTC)
    bundle = services()
    recorder = DeliveryEventRecorder(
        store=bundle.store,
        policy=bundle.policy,
        calendar=bundle.calendar,
        directory=bundle.directory_store.load_directory(),
        mailer=ses_mailer(bundle),
        council=bundle.council,
        sender=bundle.settings.sender_address,
        composer=composer_for(bundle.council),
    )
    outcomes = []
    for delivery_event in events_from_sns(event, now=now):
        outcome = recorder.record(delivery_event, now=now)
        # The SES message id and the event type say nothing about the person.
        logger.info(
            "delivery event",
            extra={
                "ses_message_id": delivery_event.ses_message_id,
                "event": delivery_event.kind,
                "bounce_type": delivery_event.bounce_type,
                "outcome": outcome.value,
            },
        )
        metrics.add_metric(name=f"Delivery{delivery_event.kind}", unit=MetricUnit.Count, value=1)
        if outcome is EventOutcome.OWNER_ALERTED:
            metrics.add_metric(name="OwnersAlertedOfBounces", unit=MetricUnit.Count, value=1)
        outcomes.append({"event": delivery_event.kind, "outcome": outcome.value})
    return {"outcomes": outcomes}
