"""Lambda handler of the work list's exports: invoked asynchronously by the staff workspace with
`{"export_id": ...}` when an officer asks for a spreadsheet of a work list view.

Thin on purpose: `prepare_export` reads every page of the view, writes the CSV to the bucket
under `exports/` and records the export ready or failed; a run retried by Lambda finds the file
written, or the export finished, and writes nothing twice. Only the export's id and what became
of it are logged, never the view's words or a case's details.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from sla_monitor.runtime import services
from sla_monitor.work_list_export import export_work, prepare_export

logger = Logger(service="work-list-export")
metrics = Metrics(namespace="SlaMonitor", service="work-list-export")

_EXPORT_ID = re.compile(r"^[0-9a-f]{32}$")
_METRIC_OF_OUTCOME = {
    "ready": "ExportsReady",
    "failed": "ExportsFailed",
    "finished already": "ExportsRepeated",
    "not found": "ExportsNotFound",
}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event, context, now=datetime.now(UTC))


def handle(event: dict[str, Any], context: LambdaContext, *, now: datetime) -> dict[str, Any]:
    export_id = str(event.get("export_id") or "")
    if not _EXPORT_ID.match(export_id):
        logger.warning("event names no export")
        metrics.add_metric(name="ExportsNotFound", unit=MetricUnit.Count, value=1)
        return {"outcome": "not found"}
    prepared = prepare_export(export_id, work=export_work(services()), now=now)
    fields = prepared.log_fields()
    if prepared.outcome == "failed":
        logger.error("work list export failed", export_id=export_id, **fields)
    else:
        logger.info("work list export prepared", export_id=export_id, **fields)
    metrics.add_metric(name=_METRIC_OF_OUTCOME[prepared.outcome], unit=MetricUnit.Count, value=1)
    return fields
