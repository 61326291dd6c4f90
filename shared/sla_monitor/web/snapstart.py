"""The public form under Lambda SnapStart: what to do before the snapshot, and after a restore.

With SnapStart, Lambda runs the function's initialisation once, when a version is published, and
starts each new execution environment from a snapshot of it. The handler module is kept lean, so
that a plain cold start pays for little before its first request; under SnapStart the work the
first request would do is better done before the snapshot, where no visitor waits for it. So
`warm_up` loads the modules and compiles the templates the form's pages use. It opens no
connection, reads no secret and no table: whatever it made would be shared by every environment
restored from the snapshot.

After a restore, `after_restore` drops any AWS client (its connections and credentials belong to
the environment the snapshot was taken in) and reseeds `random`, whose state every restored
environment would otherwise share. The form's own tokens, receipts and nonces come from the
operating system's randomness (`secrets`, `uuid4`), which a restore does not repeat.

The hooks are registered only where Lambda's runtime provides `snapshot_restore_py` (Python 3.12
and later); elsewhere `register_hooks` does nothing.
"""

from __future__ import annotations

import importlib
import random
from datetime import date

from sla_monitor import aws

# What the form's requests use beyond the handler's own imports (see the cold start benchmark).
_MODULES = (
    "boto3",
    "botocore.client",
    "holidays",
    "sla_monitor.store.dynamodb",
    # Recording a case and saying what happens next (loaded by the first form sent).
    "sla_monitor.intake",
    "sla_monitor.web.have_your_say.next_steps",
    # Checking the answers (their pydantic model).
    "sla_monitor.web.have_your_say.answers",
    # The function's settings models (pydantic-settings): only the modules load here; the
    # function's settings are read with its first request.
    "sla_monitor.settings.functions",
    # The form's secret, read through Powertools' parameters.
    "aws_lambda_powertools.utilities.parameters",
)
# The form's secret is read with a client of boto3's default session (pynamodb makes sessions of
# its own), which Powertools' secrets provider is given.
_SERVICE_MODELS = ("secretsmanager",)


def warm_up() -> None:
    """Load, before the snapshot, what the first request would otherwise load."""
    for module in _MODULES:
        importlib.import_module(module)
    from sla_monitor.council import load_council
    from sla_monitor.policy import load_policy
    from sla_monitor.web.pages import environment

    # Every template, GOV.UK Frontend's components too: a page compiles what it extends and
    # includes only as it renders, and compiling is most of a first page's time.
    pages = environment()
    for template in pages.list_templates():
        pages.get_template(template)
    # Any day will do: the first question loads the bank holidays' country module.
    load_council().calendar().is_working_day(date(2026, 1, 1))
    load_policy()
    import boto3

    # The service descriptions, parsed once into the default session's loader (its botocore
    # session's): no client, so no credentials and no connection are captured in the snapshot.
    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    session = boto3.DEFAULT_SESSION
    assert session is not None
    for service in _SERVICE_MODELS:
        session._session.get_service_model(service)


def after_restore() -> None:
    """Make this restored environment its own: no client made before, a fresh random state."""
    aws.forget_clients()
    random.seed()


def register_hooks() -> bool:
    """Register the hooks with Lambda's runtime, if it has SnapStart's library; say whether."""
    try:
        from snapshot_restore_py import register_after_restore, register_before_snapshot
    except ImportError:
        return False
    register_before_snapshot(warm_up)
    register_after_restore(after_restore)
    return True
