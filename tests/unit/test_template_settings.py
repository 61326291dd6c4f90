"""Each Lambda function's settings model reads every variable template.yaml gives the function
(its own and the Globals'), and there is one model for each folder in functions/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from samtranslator.yaml_helper import yaml_parse

from sla_monitor.settings import SettingsError, read_settings
from sla_monitor.settings.functions import FUNCTION_SETTINGS, StaffWorkspaceSettings

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = yaml_parse((ROOT / "template.yaml").read_text())
# Read by Powertools and pydantic themselves, not by the product's settings.
NOT_OURS = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "LOG_LEVEL"}
NOT_OURS |= {"PYDANTIC_DISABLE_PLUGINS"}


def _variables_of_each_function() -> dict[str, set[str]]:
    shared = set(TEMPLATE["Globals"]["Function"]["Environment"]["Variables"])
    functions: dict[str, set[str]] = {}
    for resource in TEMPLATE["Resources"].values():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        properties: dict[str, Any] = resource["Properties"]
        folder = Path(properties["CodeUri"]).name
        own = set(properties.get("Environment", {}).get("Variables", {}))
        functions[folder] = (shared | own) - NOT_OURS
    return functions


def test_there_is_one_settings_model_for_each_function():
    folders = {p.parent.name for p in (ROOT / "functions").glob("*/app.py")}
    assert set(FUNCTION_SETTINGS) == folders == set(_variables_of_each_function())


@pytest.mark.parametrize("function", sorted(FUNCTION_SETTINGS))
def test_a_function_s_model_reads_every_variable_the_template_gives_it(function):
    model = FUNCTION_SETTINGS[function]
    read = {model.variable_of(name) for name in model.model_fields}
    assert _variables_of_each_function()[function] <= read


def test_a_malformed_or_missing_variable_is_named(monkeypatch):
    monkeypatch.setenv("STAFF_USER_POOL_ID", "eu-west-2_pool")
    monkeypatch.delenv("STAFF_CLIENT_ID", raising=False)
    monkeypatch.setenv("STAFF_IDLE_TIMEOUT_MINUTES", "half an hour")

    with pytest.raises(SettingsError) as refused:
        read_settings(StaffWorkspaceSettings)

    assert "STAFF_CLIENT_ID: Field required" in str(refused.value)
    assert "STAFF_IDLE_TIMEOUT_MINUTES: Input should be a valid integer" in str(refused.value)
    assert "half an hour" not in str(refused.value)  # a value may be a secret: never quoted


def test_the_region_is_lambda_s_or_the_default_one(monkeypatch):
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("STAFF_USER_POOL_ID", "eu-west-2_pool")
    monkeypatch.setenv("STAFF_CLIENT_ID", "client")
    assert read_settings(StaffWorkspaceSettings).aws_region == "eu-west-1"
    monkeypatch.setenv("AWS_REGION", "eu-west-2")
    assert read_settings(StaffWorkspaceSettings).aws_region == "eu-west-2"
