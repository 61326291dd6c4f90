"""Lambda handler of the open status API (Open311 GeoReport v2, read only).

Thin on purpose: the routes, the formats and the refusals live in
`sla_monitor.web.open311.routes`; what a case becomes in `sla_monitor.open311`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from sla_monitor.web.open311.routes import handle, logger

__all__ = ["handle", "handler"]


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event, context, now=datetime.now(UTC))
