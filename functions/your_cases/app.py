"""Lambda handler of the residents' "Your cases" pages: API Gateway events in, pages out.

Thin on purpose: the routes and how a refused request is answered live in
`sla_monitor.web.your_cases.routes`; the pages in `sla_monitor.web.your_cases.pages`; the rules in
`sla_monitor.residents`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from sla_monitor.web.your_cases.routes import handle, logger

__all__ = ["handle", "handler"]


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event, context, now=datetime.now(UTC))
