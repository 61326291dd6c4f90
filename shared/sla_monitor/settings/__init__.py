"""What each Lambda function reads from its environment: one pydantic-settings model per
function, composed of small shared pieces, each field named after its variable.

- `pieces.py`: the shared pieces (where AWS is; the tables, bucket and sender; the council's
  deployment parameters; intake's mail folders and limits; the secret that signs pages; Cognito).
- `functions.py`: one model per folder in `functions/`, made of the pieces that function uses.

Nothing reads the environment at import time, and pydantic-settings loads with the first
settings a function reads, not with this package (a handler's cold start does not pay for it
before its first event). `read_settings` reads a model from the environment and names every
variable that is missing or malformed; `function_settings` reads a model once per process (a
read costs about a millisecond, too much for every request), kept until `reset_settings_cache`;
`resource_settings` is the read the runtime's collaborators are built from. Lambda functions get
their variables from `template.yaml`; the CLI and the local tooling set them for in-process runs.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from sla_monitor.settings.pieces import ResourceSettings, SettingsPiece

    S = TypeVar("S", bound=SettingsPiece)


class SettingsError(RuntimeError):
    """A function's environment lacks a variable it needs, or holds one it cannot read."""


def read_settings(model: type[S]) -> S:
    """`model` read from the environment now; `SettingsError` names each variable at fault."""
    from pydantic import ValidationError

    try:
        return model()
    except ValidationError as error:
        problems = "; ".join(
            f"{model.variable_of(str(e['loc'][0]) if e['loc'] else '')}: {e['msg']}"
            for e in error.errors()
        )
        raise SettingsError(f"{model.__name__} cannot start: {problems}") from None


@cache
def _read_once(model: type[SettingsPiece]) -> SettingsPiece:
    return read_settings(model)


def function_settings(model: type[S]) -> S:
    """`model` as this process first read it (a Lambda container's environment never changes)."""
    settings = _read_once(model)
    assert isinstance(settings, model)
    return settings


def resource_settings() -> ResourceSettings:
    from sla_monitor.settings.pieces import ResourceSettings

    return function_settings(ResourceSettings)


def reset_settings_cache() -> None:
    """Forget settings read earlier (tests and the CLI change the environment)."""
    _read_once.cache_clear()
