"""template.yaml and the function code agree on what each function is and answers.

These read files only: a handler the template names must exist where Lambda will look for it, and
the public API must route exactly the paths the form's resolver serves.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parents[2]


WEB = ROOT / "shared" / "sla_monitor" / "web"


def _resources() -> dict[str, Any]:
    return yaml_parse((ROOT / "template.yaml").read_text())["Resources"]


def _globals() -> dict[str, Any]:
    return yaml_parse((ROOT / "template.yaml").read_text())["Globals"]["Function"]


FUNCTIONS = sorted(k for k, r in _resources().items() if r["Type"] == "AWS::Serverless::Function")


def test_the_template_deploys_the_six_functions():
    assert FUNCTIONS == [
        "DeadlineCheckerFunction",
        "DeliveryEventsFunction",
        "EmailIntakeFunction",
        "HaveYourSayFunction",
        "Open311Function",
        "ScanResultsFunction",
        "SecretRotationFunction",
        "StaffWorkspaceFunction",
        "WorkListExportFunction",
        "YourCasesFunction",
    ]


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_each_handler_exists_where_lambda_looks_for_it(logical_id: str):
    props = _resources()[logical_id]["Properties"]
    module, function = props.get("Handler", _globals()["Handler"]).rsplit(".", 1)
    source = ROOT / props["CodeUri"] / f"{module.replace('.', '/')}.py"
    assert source.is_file(), f"{logical_id}: {source.relative_to(ROOT)} is missing"

    tree = ast.parse(source.read_text())
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assigned = {
        t.id
        for n in tree.body
        if isinstance(n, ast.Assign)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    assert function in defined | assigned, f"{source.relative_to(ROOT)} defines no {function}()"


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_handlers_import_nothing_that_is_missing_in_lambda(logical_id: str):
    # In Lambda the CodeUri folder is the code's root and sla_monitor comes from the layer: there
    # is no `functions` package to import from.
    folder = ROOT / _resources()[logical_id]["Properties"]["CodeUri"]
    for source in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] != "functions", f"{source.relative_to(ROOT)}: {name}"


def _routes_served_by(app_source: Path) -> set[tuple[str, str]]:
    routes = set()
    for node in ast.walk(ast.parse(app_source.read_text())):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and isinstance(decorator.func, ast.Attribute)
                    and decorator.func.attr in {"get", "post", "put", "delete", "patch"}
                    and isinstance(decorator.func.value, ast.Name)
                    and decorator.func.value.id == "app"
                ):
                    path = decorator.args[0].value  # type: ignore[attr-defined]
                    # Powertools writes a path parameter <name>, API Gateway {name}.
                    routes.add((re.sub(r"<(\w+)>", r"{\1}", path), decorator.func.attr.upper()))
    return routes


def _routes_registered_by_the_staff_workspace() -> set[tuple[str, str]]:
    """The routes as the workspace's resolver holds them: the steps on a case are registered
    from the steps table, not written one by one."""
    from sla_monitor.web.staff import routes

    routes.register_every_route()
    return {
        (re.sub(r"<(\w+)>", r"{\1}", route.path), route.method.upper())
        for route in routes.app._static_routes + routes.app._dynamic_routes
    }


def test_the_public_api_routes_exactly_what_the_form_serves():
    form = _resources()["HaveYourSayFunction"]["Properties"]
    routed = {
        (e["Properties"]["Path"], e["Properties"]["Method"].upper())
        for e in form["Events"].values()
        if e["Type"] == "Api"
    }
    served = _routes_served_by(
        ROOT / "shared" / "sla_monitor" / "web" / "have_your_say" / "routes.py"
    )
    assert routed == served


def _gateway_route_for(
    served: tuple[str, str], routed: set[tuple[str, str]]
) -> tuple[str, str] | None:
    """The API route API Gateway sends a request for `served` to: at each level a static
    segment is preferred over a path parameter, and a parameter over a greedy one (`{path+}`,
    the route's last part, for one or more segments), as API Gateway does. A served path
    parameter needs a parameter in the API route (any value may come)."""
    path, method = served
    segments = path.strip("/").split("/")

    def kinds(route: str) -> list[int] | None:
        """How specific the route is at each of the served path's segments (0 static, 1 a
        parameter, 2 greedy), or None when it does not fit the path."""
        parts = route.strip("/").split("/")
        greedy = parts[-1].startswith("{") and parts[-1].endswith("+}")
        if greedy:
            if len(segments) < len(parts):
                return None
            parts = parts[:-1]
        elif len(parts) != len(segments):
            return None
        found = []
        for part, segment in zip(parts, segments[: len(parts)], strict=True):
            is_parameter = part.startswith("{")
            if segment.startswith("{") and not is_parameter:
                return None
            if not is_parameter and part != segment:
                return None
            found.append(1 if is_parameter else 0)
        return found + [2] * (len(segments) - len(found))

    candidates = {r: kinds(r[0]) for r in routed if r[1] in (method, "ANY")}
    fitting = {r: k for r, k in candidates.items() if k is not None}
    if not fitting:
        return None
    # Most specific first: static segments before parameters before greedy, level by level.
    return min(fitting, key=lambda r: fitting[r] or [])


def test_the_staff_api_routes_every_page_the_workspace_serves_and_nothing_else():
    # The workspace's routes live in the shared package (the handler only calls `handle`). The
    # API routes each part of the workspace with several pages by one greedy route
    # (`/cases/{path+}`) and a form's GET and POST by one ANY, so the function's resource policy
    # stays small; the function answers an unknown page, or another method, 404.
    workspace = _resources()["StaffWorkspaceFunction"]["Properties"]
    routed = {
        (e["Properties"]["Path"], e["Properties"]["Method"].upper())
        for e in workspace["Events"].values()
        if e["Type"] == "Api"
    }
    served = _routes_registered_by_the_staff_workspace()
    used = set()
    for route in sorted(served):
        through = _gateway_route_for(route, routed)
        assert through is not None, f"the API does not route {route}"
        used.add(through)
    assert routed == used, f"API routes that serve no page: {routed - used}"


def test_the_public_api_routes_every_residents_page_and_nothing_else():
    pages = _resources()["YourCasesFunction"]["Properties"]
    routed = {
        (e["Properties"]["Path"], e["Properties"]["Method"].upper())
        for e in pages["Events"].values()
        if e["Type"] == "Api"
    }
    assert {e["Properties"]["RestApiId"]["Ref"] for e in pages["Events"].values()} == {
        "HaveYourSayApi"
    }
    served = _routes_served_by(WEB / "your_cases" / "routes.py")
    used = set()
    for route in sorted(served):
        through = _gateway_route_for(route, routed)
        assert through is not None, f"the API does not route {route}"
        used.add(through)
    assert routed == used, f"API routes that serve no page: {routed - used}"


def test_letters_link_to_the_residents_pages_from_every_function_that_sends_them():
    for logical_id in ("DeadlineCheckerFunction", "StaffWorkspaceFunction"):
        variables = _resources()[logical_id]["Properties"]["Environment"]["Variables"]
        condition, on_domain, on_api = variables["YOUR_CASES_URL"]["Fn::If"]
        # The council's own domain when the form has one, else API Gateway's address.
        assert condition == "HasPublicFormDomain"
        assert on_domain["Fn::Sub"] == "https://${PublicFormDomainName}/your-cases"
        assert on_api["Fn::Sub"].endswith("/have-your-say/your-cases")


def test_every_workspace_route_but_signing_in_and_assets_carries_the_permission_decorator():
    sources = sorted((ROOT / "shared" / "sla_monitor" / "web" / "staff" / "routes").glob("*.py"))
    assert sources
    open_routes = {"/sign-in", "/auth/callback", "/sign-out", "/signed-out", "/assets/<name>"}
    for node in (n for s in sources for n in ast.walk(ast.parse(s.read_text()))):
        if not isinstance(node, ast.FunctionDef):
            continue
        paths = [
            d.args[0].value  # type: ignore[attr-defined]
            for d in node.decorator_list
            if isinstance(d, ast.Call)
            and isinstance(d.func, ast.Attribute)
            and d.func.attr in {"get", "post"}
        ]
        if not paths or paths[0] in open_routes:
            continue
        guards = [
            d
            for d in node.decorator_list
            if isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id == "requires"
        ]
        assert len(guards) == 1, f"{node.name} ({paths[0]}) needs exactly one @requires"
        # Under the route decorator, so the resolver registers the guarded function.
        assert node.decorator_list.index(guards[0]) > 0, node.name


def test_the_local_sign_in_form_is_never_turned_on_by_the_template():
    text = (ROOT / "template.yaml").read_text()
    assert "STAFF_LOCAL_SIGN_IN" not in text


def test_the_checker_sweeps_on_one_schedule_and_sends_digests_on_another():
    from sla_monitor.checker.wiring import DAILY_DIGEST, JOBS

    events = _resources()["DeadlineCheckerFunction"]["Properties"]["Events"]
    assert set(events) == {"DailyDigest"}  # the sweep's schedule starts the state machine
    sweep = _resources()["SweepStateMachine"]["Properties"]["Events"]["Sweep"]["Properties"]
    assert sweep["ScheduleExpression"] == {
        "Fn::FindInMap": ["CheckerRate", {"Ref": "CheckerRateMinutes"}, "ScheduleExpression"]
    }
    digest = events["DailyDigest"]["Properties"]
    assert digest["ScheduleExpression"] == "cron(0 9 ? * MON-FRI *)"
    assert digest["ScheduleExpressionTimezone"] == "Europe/London"
    job = re.search(r'"job":\s*"([^"]+)"', digest["Input"])
    assert job is not None
    assert job.group(1) == DAILY_DIGEST
    assert job.group(1) in JOBS


def test_an_unknown_job_is_refused_before_anything_runs():
    from sla_monitor.checker.wiring import run_schedule

    with pytest.raises(ValueError, match="unknown job"):
        run_schedule(None, None, job="spring-clean")  # type: ignore[arg-type]


def _shard_states():
    machine = _resources()["SweepStateMachine"]["Properties"]
    return machine, machine["Definition"]["States"]


def test_the_sweep_fans_out_one_checker_invocation_per_index_shard():
    from sla_monitor.checker.wiring import SWEEP, scheduled_job

    machine, states = _shard_states()
    assert machine["DefinitionSubstitutions"] == {
        "DeadlineCheckerArn": {"Fn::GetAtt": ["DeadlineCheckerFunction", "Arn"]},
        "IndexShards": {"Ref": "IndexShards"},
    }
    # Shards 0 to IndexShards - 1, each one item of the map, all at once.
    assert states["Shards"]["Parameters"] == {
        "shards.$": "States.ArrayRange(0, States.MathAdd(${IndexShards}, -1), 1)"
    }
    each = states["SweepEachShard"]
    assert each["ItemsPath"] == "$.shards"
    assert each["MaxConcurrency"] == 0
    assert each["ItemSelector"] == {"shard.$": "$$.Map.Item.Value"}
    task = each["ItemProcessor"]["States"]["SweepShard"]
    assert task["Resource"] == "arn:aws:states:::lambda:invoke"
    assert task["Parameters"]["FunctionName"] == "${DeadlineCheckerArn}"
    payload = task["Parameters"]["Payload"]
    assert payload == {"job": SWEEP, "shard.$": "$.shard"}
    # What the checker receives for shard 3 is what its handler reads.
    assert scheduled_job({"job": payload["job"], "shard": 3}) == (SWEEP, 3)
    # One shard's failure leaves the others running; nothing is retried but Lambda's own
    # brief refusals.
    assert task["Catch"][0]["ErrorEquals"] == ["States.ALL"]
    assert all(e.startswith("Lambda.") for r in task["Retry"] for e in r["ErrorEquals"])


def test_every_function_knows_the_index_shards_and_they_are_only_raised():
    template = yaml_parse((ROOT / "template.yaml").read_text())
    variables = _globals()["Environment"]["Variables"]
    assert variables["INDEX_SHARDS"] == {"Ref": "IndexShards"}
    from sla_monitor.store.schema import DUE_SHARDS

    parameter = template["Parameters"]["IndexShards"]
    assert parameter["Default"] == DUE_SHARDS
    assert parameter["MinValue"] == DUE_SHARDS  # a lower count would strand written cases
