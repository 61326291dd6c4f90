"""The public form around a SnapStart snapshot: warm before it, made its own after a restore."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import types
from pathlib import Path

import pytest

from sla_monitor import aws
from sla_monitor.web import snapstart

ROOT = Path(__file__).resolve().parents[3]


def test_without_the_runtime_library_no_hook_is_registered(monkeypatch):
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # import fails

    assert snapstart.register_hooks() is False


def test_in_lambda_the_warm_up_runs_before_the_snapshot_and_the_reset_after_a_restore(
    monkeypatch,
):
    registered: dict[str, object] = {}
    library = types.ModuleType("snapshot_restore_py")
    library.register_before_snapshot = lambda hook: registered.setdefault("before", hook)  # type: ignore[attr-defined]
    library.register_after_restore = lambda hook: registered.setdefault("after", hook)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", library)

    assert snapstart.register_hooks() is True
    assert registered == {"before": snapstart.warm_up, "after": snapstart.after_restore}


def test_the_warm_up_loads_what_the_first_request_needs_and_makes_no_client():
    # In a fresh interpreter: here, other tests have loaded everything already.
    code = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(ROOT / 'shared')!r})\n"
        "from sla_monitor import aws\n"
        "from sla_monitor.web import pages, snapstart\n"
        "wanted = ['boto3', 'holidays', 'sla_monitor.store.dynamodb', 'jinja2']\n"
        "before = [m for m in wanted if m in sys.modules]\n"
        "snapstart.warm_up()\n"
        "print(json.dumps({'before': before, 'after': [m for m in wanted if m in sys.modules],\n"
        "    'clients': aws.client.cache_info().currsize,\n"
        "    'templates': len(pages.environment().cache or {}),\n"
        "    'listed': len(pages.environment().list_templates())}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    state = json.loads(result.stdout.splitlines()[-1])

    assert state["before"] == []
    assert state["after"] == ["boto3", "holidays", "sla_monitor.store.dynamodb", "jinja2"]
    assert state["clients"] == 0
    # The form's pages, the layout they extend and GOV.UK Frontend's components, compiled.
    assert state["templates"] == state["listed"] > 6


def test_after_a_restore_no_client_made_before_is_used_and_random_is_reseeded(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    before = aws.client("s3", "eu-west-2")
    random.seed(1234)
    from_the_snapshot = random.random()
    random.seed(1234)

    snapstart.after_restore()

    assert aws.client.cache_info().currsize == 0
    assert aws.client("s3", "eu-west-2") is not before
    assert random.random() != from_the_snapshot
    aws.forget_clients()


WEB_CODE = sorted(
    p for p in (ROOT / "shared" / "sla_monitor" / "web").rglob("*.py") if p.name != "snapstart.py"
)


@pytest.mark.parametrize("source", WEB_CODE, ids=lambda p: p.name)
def test_the_web_code_draws_no_token_from_random(source: Path):
    """Tokens, receipts and nonces come from `secrets` or `uuid4`: `random`'s state is shared
    by every environment restored from one snapshot until `after_restore` reseeds it."""
    text = source.read_text()

    assert "import random" not in text and "from random" not in text, source.name
