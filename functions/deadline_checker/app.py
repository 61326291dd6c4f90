"""Lambda handler of the deadline checker: EventBridge Scheduler invokes it every few minutes.

Thin on purpose: read the clock once, give the sweep (and, once a working day, the officers'
digests) the invocation's remaining time as its budget, publish the report as metrics. A sweep
that fails is not retried by Lambda; the next scheduled sweep finds the same due cases in the
index, and the claims keep every action once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from sla_monitor.checker.budget import Countdown
from sla_monitor.checker.wiring import run_schedule, scheduled_job
from sla_monitor.runtime import services

logger = Logger(service="deadline-checker")
metrics = Metrics(namespace="SlaMonitor", service="deadline-checker")


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    now = datetime.now(UTC)
    budget = Countdown(lambda: context.get_remaining_time_in_millis() / 1000)
    # The sweep's state machine sends {"job": "sweep", "shard": n}, one invocation per index
    # shard; the daily digest schedule sends {"job": "daily-digest"}.
    job, shard = scheduled_job(event)
    run = run_schedule(services(), now, budget=budget, job=job, shard=shard)
    report = run.sweep
    for name, value in report.metrics().items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    metrics.add_metric(name="DigestsSent", unit=MetricUnit.Count, value=len(run.digest.sent_to))
    duration = budget.elapsed().total_seconds()
    metrics.add_metric(name="SweepDuration", unit=MetricUnit.Seconds, value=duration)
    # References and counts only: nothing here says who a customer is.
    summary: dict[str, Any] = {
        "cases_read": report.cases_read,
        "actions_done": len(report.done),
        "complete": report.complete,
        "stopped_because": report.stopped_because,
        "failed_cases": [reference for reference, _ in report.failures],
        "digests_sent": len(run.digest.sent_to),
    }
    logger.info(
        "schedule job finished",
        extra={"job": job, "shard": shard, "duration_seconds": duration, **summary},
    )
    for reference, error in report.failures:
        logger.warning("case could not be swept", reference=reference, error=error)
    return summary
