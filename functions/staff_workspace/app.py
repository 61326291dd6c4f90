"""Lambda handler of the staff workspace: API Gateway events in, pages out.

Thin on purpose: the routes, the session, who may do what and how a refusal is answered live in
`sla_monitor.web.staff` (routes.py, session.py, permissions.py); each step on a case is a use case
of `sla_monitor.staff`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from sla_monitor.web.staff.routes import handle, logger


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event, context, now=datetime.now(UTC))
