"""Lambda handler of email intake: every email to the council's address becomes a case, a reply
on a case, or a triage record.

Thin on purpose: read the event into deliveries, hand each to `take_in_delivery`, log and count
the outcomes. Invoked by SES's Lambda action after its S3 action stored the raw message (the
template's one wiring); an S3 object-created event naming a stored message is accepted too, for
replaying a message by hand. Both name the same message, and a second delivery of a message
finds the first outcome and records nothing new. Anything that raises here is a fault a retry
can fix, so it propagates to the function's failure destination.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from sla_monitor.mail.events import deliveries_from_event
from sla_monitor.runtime import services

if TYPE_CHECKING:
    from sla_monitor.mail.receive import EmailOutcome

logger = Logger(service="email-intake")
metrics = Metrics(namespace="SlaMonitor", service="email-intake")

_METRIC_OF_OUTCOME = {"case": "EmailCases", "reply": "EmailReplies", "triage": "EmailTriaged"}


def _count(outcome: EmailOutcome) -> None:
    if outcome.repeated:
        metrics.add_metric(name="EmailRepeatDeliveries", unit=MetricUnit.Count, value=1)
        return
    metrics.add_metric(name=_METRIC_OF_OUTCOME[outcome.kind], unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event, context, now=datetime.now(UTC))


def handle(event: dict[str, Any], context: LambdaContext, *, now: datetime) -> dict[str, Any]:
    """Take in the event's mail as if the time were `now` (the demo plays simulated time)."""
    # The mail parser and the classification (rules and weights) load with the first event,
    # not with the module.
    from sla_monitor.mail.classification import load_classification_rules
    from sla_monitor.mail.receive import mail_intake, take_in_delivery
    from sla_monitor.settings import function_settings
    from sla_monitor.settings.functions import EmailIntakeSettings

    settings = function_settings(EmailIntakeSettings)
    bundle = services()
    deliveries = deliveries_from_event(
        event, bucket=bundle.settings.raw_mail_bucket, prefix=settings.raw_mail_prefix
    )
    metrics.add_metric(name="EmailDeliveries", unit=MetricUnit.Count, value=len(deliveries))
    intake = mail_intake(bundle, settings, load_classification_rules())
    outcomes = []
    for delivery in deliveries:
        outcome = take_in_delivery(delivery, intake=intake, now=now)
        # The SES message id names the delivery without saying anything about the person.
        logger.info("email taken in", delivery=delivery.token, **outcome.log_fields())
        _count(outcome)
        outcomes.append({"delivery": delivery.token, **outcome.log_fields()})
    if not deliveries:
        logger.info("event named no mail to take in")
    return {"outcomes": outcomes}
