"""What importing a handler loads: only what every invocation needs, as a cold start pays for it.

Each handler is imported in a fresh interpreter with its function folder and the layer's code
first on the path, as Lambda does, and in Lambda's environment (a function name set). The heavy
modules below load when first used, never at import: a module-level import of one would put it
back on every cold start. How long the imports take is measured by `make bench`
(benchmarks/cold_start.py), not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Loaded by no handler at import: tracing is Lambda's active tracing, without the X-Ray SDK;
# the SDK, the table models, the bank holidays and the YAML of the settings come with the first
# use.
NEVER_AT_IMPORT = (
    "aws_xray_sdk",
    "yaml",
    "boto3",
    "botocore.client",
    "pynamodb",
    "holidays",
    "jinja2",
    "fpdf",
    "fontTools",
    "PIL",
    "pygal",
    "jwt",
    "cryptography",
    "email_validator",  # with the first contact details checked
    "pydantic_settings",  # with the first settings a function reads
    "sla_monitor.council",  # the council's settings models, with the first services made
)

# The policy's models, and pydantic with them, come with the first services made (the engine and
# the directory name the policy's terms, `policy_terms`, without them).
NO_MODELS = ("pydantic", "sla_monitor.policy")

ALSO_NOT = {
    "deadline_checker": ("sla_monitor.checker.printable", "sla_monitor.reports.html", *NO_MODELS),
    "delivery_events": ("sla_monitor.checker.printable", "sla_monitor.mail.message", *NO_MODELS),
    # The mail parser and the classification come with the first event.
    "email_intake": (
        "sla_monitor.mail.message",
        "sla_monitor.mail.receive",
        "sla_monitor.mail.classification",
        "sla_monitor.mail.learned",
        "sla_monitor.policy",
    ),
    # The answers' model comes with the first answers checked, the accessibility statement's
    # record with the statement.
    "have_your_say": (
        "sla_monitor.store.dynamodb",
        "sla_monitor.mail.message",
        "sla_monitor.web.have_your_say.answers",
        "sla_monitor.web.have_your_say.accessibility_results",
        *NO_MODELS,
    ),
    # The mail intake's settings and folders come with the first scan result.
    "scan_results": ("sla_monitor.store.dynamodb", "sla_monitor.mail.receive"),
    # Read-only: it never renders a page or reads mail.
    "open311": (
        "sla_monitor.store.dynamodb",
        "sla_monitor.mail.message",
        "sla_monitor.staff",
        *NO_MODELS,
    ),
    # The mail intake's parser comes with the first files a resident sends; the residents' use
    # cases (the engine, the letters' wording), the store's port and the mailer with the first
    # page that needs them.
    "your_cases": (
        "sla_monitor.store.dynamodb",
        "sla_monitor.mail.receive",
        "sla_monitor.mail.message",
        "sla_monitor.mail.classification",
        "sla_monitor.residents",
        "sla_monitor.engine",
        "sla_monitor.checker.mailer",
        "sla_monitor.checker.messages",
        "sla_monitor.store.ports",
        *NO_MODELS,
    ),
    # The sweep, the reports and reading set-aside mail come with the routes that use them.
    "staff_workspace": (
        "sla_monitor.checker.sweep",
        "sla_monitor.reports.html",
        "sla_monitor.mail.receive",
        "sla_monitor.mail.message",
        "sla_monitor.mail.events",
        "sla_monitor.work_list_export",  # with the first spreadsheet asked for
        "sla_monitor.work_list_reading",  # with the first work list shown
        "sla_monitor.store.shelves",
        "urllib.request",  # with the first sign-in
        *NO_MODELS,
        # Each part's routes, and its pages, with the first request to an address of that part.
        "sla_monitor.web.staff.routes.administration",
        "sla_monitor.web.staff.routes.casework",
        "sla_monitor.web.staff.routes.steps",
        "sla_monitor.web.staff.routes.triage",
        "sla_monitor.web.staff.routes.workspace",
        "sla_monitor.web.staff.routes.sign_in",
        "sla_monitor.web.staff.case_page",
        "sla_monitor.web.staff.steps",
    ),
    # The table models and the S3 client come with the first export it prepares.
    "work_list_export": ("sla_monitor.store.dynamodb", "sla_monitor.mail.message", *NO_MODELS),
    # Secrets Manager's client comes with the first step; it never reads a case.
    "secret_rotation": (
        "sla_monitor.store.dynamodb",
        "sla_monitor.mail.message",
        "jinja2",
        *NO_MODELS,
    ),
}


def _modules_after_importing(function: str) -> set[str]:
    code = (
        "import json, sys\n"
        f"sys.path[:0] = [{str(ROOT / 'functions' / function)!r}, {str(ROOT / 'shared')!r}]\n"
        "import app\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    environment = {
        **os.environ,
        "AWS_LAMBDA_FUNCTION_NAME": function,
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "AWS_REGION": "eu-west-2",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_every_function_is_covered():
    assert sorted(ALSO_NOT) == sorted(p.parent.name for p in ROOT.glob("functions/*/app.py"))


@pytest.mark.parametrize("function", sorted(ALSO_NOT))
def test_a_handler_imports_nothing_heavy_it_can_load_when_first_used(function: str):
    loaded = _modules_after_importing(function)

    assert "app" in loaded and "sla_monitor" in loaded  # the import did happen
    assert not loaded & set(NEVER_AT_IMPORT + ALSO_NOT[function])
