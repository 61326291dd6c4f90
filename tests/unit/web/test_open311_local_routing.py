"""Locally, one public API sends Open311's routes to its function and the rest to the form's,
as API Gateway does."""

from __future__ import annotations

from typing import Any

from sla_monitor_local.local_server import OPEN311_ROUTE_PREFIX, routed_by_path


def _answers(name: str):
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"statusCode": 200, "body": name}

    return handler


def test_open311_routes_go_to_their_function_and_the_rest_to_the_form():
    route = routed_by_path({OPEN311_ROUTE_PREFIX: _answers("open311")}, otherwise=_answers("form"))
    assert route({"path": "/open311/v2/services.json"}, None)["body"] == "open311"
    assert route({"path": "/open311/v2/requests/NWL-2026-000001.json"}, None)["body"] == "open311"
    assert route({"path": "/form"}, None)["body"] == "form"
    assert route({"path": "/open311"}, None)["body"] == "form"
    assert route({"path": "/"}, None)["body"] == "form"
