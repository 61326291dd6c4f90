"""Lambda handler of malware scan results: GuardDuty Malware Protection for S3 -> EventBridge ->
here.

Thin on purpose: read the event into a scan result, hand it to `record_scan_result`, log and
count the outcome. A result is recorded on its case once however often it arrives. What raises
(the store or the bucket failing, a case not recorded yet) is retried by Lambda, then lands on
the failed-events queue.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from sla_monitor.attachments_release import (
    UnreadableScanResult,
    quarantine_release,
    record_scan_result,
    scan_result_from_event,
)
from sla_monitor.runtime import services

logger = Logger(service="scan-results")
metrics = Metrics(namespace="SlaMonitor", service="scan-results")

_METRIC_OF_OUTCOME = {
    "released": "FilesReleased",
    "withheld": "FilesWithheld",
    "not_scanned": "FilesNotScanned",
    "repeated": "ScanResultRepeats",
    "ignored": "ScanResultsIgnored",
}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event, context, now=datetime.now(UTC))


def handle(event: dict[str, Any], context: LambdaContext, *, now: datetime) -> dict[str, Any]:
    try:
        result = scan_result_from_event(event)
    except UnreadableScanResult:
        logger.warning("event is not a malware scan result")
        metrics.add_metric(name="ScanResultsUnreadable", unit=MetricUnit.Count, value=1)
        return {"outcome": "unreadable"}
    # The settings load with the first event, not with the module.
    from sla_monitor.settings import function_settings
    from sla_monitor.settings.functions import ScanResultsSettings

    work = quarantine_release(services(), function_settings(ScanResultsSettings).attachment_prefix)
    record = record_scan_result(result, work=work, now=now)
    # The key holds the file's name: only the case, the outcome and the scan's status are logged.
    logger.info("scan result recorded", scan_status=result.status, **record.log_fields())
    metrics.add_metric(name=_METRIC_OF_OUTCOME[record.outcome], unit=MetricUnit.Count, value=1)
    return {"scan_status": result.status, **record.log_fields()}
