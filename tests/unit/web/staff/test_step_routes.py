"""Every step on a case is routed from the steps table: its form and its answer stand behind the
permission its line of the table names, and no step route stands apart from the table."""

from __future__ import annotations

import re

from sla_monitor.web.staff import routes
from sla_monitor.web.staff.steps import ACTIONS

STEP = re.compile(r"^/cases/<reference>/([a-z0-9-]+)$")


def _step_routes() -> dict[tuple[str, str], object]:
    found = {}
    routes.register_every_route()
    for route in routes.app._dynamic_routes + routes.app._static_routes:
        matched = STEP.match(route.path)
        if matched:
            found[(route.method, matched.group(1))] = route.func
    return found


def test_each_step_has_a_form_and_an_answer_behind_its_own_permission():
    step_routes = _step_routes()
    for name, action in ACTIONS.items():
        for method in ("GET", "POST"):
            route = step_routes[(method, name)]
            assert route.permission is action.permission, (method, name)


def test_no_step_route_stands_outside_the_steps_table():
    assert {name for _, name in _step_routes()} == set(ACTIONS)


def test_each_part_of_the_workspace_registers_its_routes_only_under_its_own_addresses():
    """A route registered by a module its address does not lead to would not be found until
    another request loaded that module (`routes.ROUTE_MODULES`)."""
    routes.register_every_route()
    for route in routes.app._dynamic_routes + routes.app._static_routes:
        first = route.path.strip("/").split("/", 1)[0]
        module = route.func.__module__.rsplit(".", 1)[-1]
        assert module in routes.ROUTE_MODULES.get(first, ()), (route.path, module)
