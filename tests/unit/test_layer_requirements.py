"""The Lambda layer installs what pyproject.toml says the package depends on.

`sam build` installs shared/requirements.txt into the layer; pyproject.toml is what the tests and
the command line run against. If they drift, code that passes here fails in Lambda on an import.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LAYER_REQUIREMENTS = ROOT / "shared" / "requirements.txt"
NOT_IN_LAYER = re.compile(r"^#\s*not-in-layer:\s*([A-Za-z0-9._-]+)\s+\((.+)\)\s*$")


def _project_dependencies() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {canonicalize_name(r.name): r for r in map(Requirement, project["dependencies"])}


def _layer() -> tuple[dict[str, Requirement], dict[str, str]]:
    installed: dict[str, Requirement] = {}
    left_out: dict[str, str] = {}
    for line in LAYER_REQUIREMENTS.read_text().splitlines():
        line = line.strip()
        if match := NOT_IN_LAYER.match(line):
            left_out[canonicalize_name(match[1])] = match[2]
        elif line and not line.startswith("#"):
            requirement = Requirement(line)
            installed[canonicalize_name(requirement.name)] = requirement
    return installed, left_out


def test_layer_installs_every_project_dependency_not_marked_as_left_out():
    project = _project_dependencies()
    installed, left_out = _layer()

    assert set(installed) == set(project) - set(left_out), (
        "shared/requirements.txt and pyproject.toml [project] dependencies differ"
    )


def test_layer_uses_the_same_version_ranges_and_extras():
    project = _project_dependencies()
    installed, _ = _layer()

    for name, requirement in installed.items():
        assert requirement.specifier == project[name].specifier, name
        assert requirement.extras == project[name].extras, name


def test_every_left_out_dependency_is_a_project_dependency_with_a_reason():
    project = _project_dependencies()
    installed, left_out = _layer()

    for name, reason in left_out.items():
        assert name in project, f"{name} is marked not-in-layer but is no project dependency"
        assert name not in installed
        assert reason.strip()
