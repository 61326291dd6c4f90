"""template.yaml's settings for cold starts: SnapStart on the public form, tracing without the
X-Ray SDK, and no pydantic plugin search."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = yaml_parse((ROOT / "template.yaml").read_text())
# Residents wait on these; the others run on schedules and events.
LATENCY_SENSITIVE = {"HaveYourSayFunction"}


def _functions() -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in TEMPLATE["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def _python_version(runtime: str) -> tuple[int, int]:
    match = re.fullmatch(r"python(\d+)\.(\d+)", runtime)
    assert match, runtime
    return int(match[1]), int(match[2])


def test_the_public_form_resumes_from_a_snapshot_of_each_published_version():
    form = _functions()["HaveYourSayFunction"]

    assert form["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    # SnapStart applies to published versions only: the API must call an alias of one, and a
    # new layer or setting must publish a new version too, not only new code.
    assert form["AutoPublishAlias"]
    assert form["AutoPublishAliasAllProperties"] is True


def test_snapstart_is_only_where_a_visitor_waits_and_on_a_runtime_that_has_it():
    runtime = TEMPLATE["Globals"]["Function"]["Runtime"]
    for name, function in _functions().items():
        with_snapstart = function.get("SnapStart", {}).get("ApplyOn") == "PublishedVersions"

        assert with_snapstart == (name in LATENCY_SENSITIVE), name
        if with_snapstart:
            # SnapStart for Python needs 3.12 or later, and none of what it cannot snapshot.
            assert _python_version(function.get("Runtime", runtime)) >= (3, 12)
            assert "ProvisionedConcurrencyConfig" not in function
            assert "FileSystemConfigs" not in function
            assert function.get("EphemeralStorage", {}).get("Size", 512) <= 512


def test_the_form_registers_its_snapshot_hooks_when_its_handler_is_imported():
    handler = (ROOT / "functions" / "have_your_say" / "app.py").read_text()

    assert re.search(r"^register_hooks\(\)$", handler, re.MULTILINE)


def test_functions_are_traced_by_lambda_without_the_x_ray_sdk():
    assert TEMPLATE["Globals"]["Function"]["Tracing"] == "Active"
    for source in (ROOT / "functions").glob("*/app.py"):
        assert "Tracer" not in source.read_text(), source.parent.name


def test_pydantic_does_not_search_installed_packages_for_plugins():
    variables = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]

    assert variables["PYDANTIC_DISABLE_PLUGINS"] == "true"
