"""The Lambda layer installs what pyproject.toml says the package depends on, and no package the
Lambda runtime already provides; both installs take pinned versions from lock files.

`sam build` installs shared/requirements.txt into the layer (shared/build_layer.py), pinned in
shared/requirements.lock; pyproject.toml is what the tests and the command line run against, pinned
in requirements-dev.lock. If they drift, code that passes here fails in Lambda on an import, or on
a release the tests never ran. boto3, botocore and what they need come with the runtime
(shared/runtime-provided.txt): the build leaves them out even when pip brings them in.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.markers import Marker
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


# -- what the layer leaves to the Lambda runtime -------------------------------------------------

RUNTIME_PROVIDED = ROOT / "shared" / "runtime-provided.txt"


def _build_layer_module() -> Any:
    """shared/build_layer.py, the script `sam build` runs (it is no module of the package)."""
    spec = importlib.util.spec_from_file_location("build_layer", ROOT / "shared" / "build_layer.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _runtime_provided() -> set[str]:
    return {canonicalize_name(name) for name in _build_layer_module().runtime_provided()}


def test_the_layer_requirements_name_no_package_the_runtime_provides():
    installed, _ = _layer()

    assert not set(installed) & _runtime_provided()
    assert "boto3" in _runtime_provided()


def test_what_the_runtime_provides_includes_everything_boto3_needs():
    """boto3's requirements, and theirs, as installed here: a package missing from the list
    would be installed into the layer beside the runtime's copy."""
    needed, waiting = set(), ["boto3"]
    while waiting:
        name = canonicalize_name(waiting.pop())
        if name in needed:
            continue
        needed.add(name)
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                waiting.append(requirement.name)

    assert needed <= _runtime_provided(), needed - _runtime_provided()


def _installed(site: Path, name: str, files: dict[str, str]) -> None:
    dist_info = site / f"{name}-1.0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    for path, text in files.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(text)
    record = [f"{path},," for path in files] + [f"{dist_info.name}/METADATA,,"]
    (dist_info / "RECORD").write_text("\n".join(record) + "\n")


def test_the_build_removes_runtime_packages_file_by_file_and_keeps_the_rest(tmp_path):
    build_layer = _build_layer_module()
    site = tmp_path / "python"
    _installed(site, "python_dateutil", {"dateutil/__init__.py": "", "dateutil/tz/tz.py": ""})
    _installed(site, "pynamodb", {"pynamodb/__init__.py": "", "pynamodb/models.py": ""})
    # Another distribution's file in a shared folder stays.
    (site / "dateutil" / "zoneinfo").mkdir()
    (site / "dateutil" / "zoneinfo" / "kept.txt").write_text("not python-dateutil's")

    removed = build_layer.remove_distributions(site, {"python-dateutil", "botocore"})

    assert removed == ["python-dateutil"]
    assert not (site / "python_dateutil-1.0.dist-info").exists()
    assert not (site / "dateutil" / "tz").exists()
    assert not (site / "dateutil" / "__init__.py").exists()
    assert (site / "dateutil" / "zoneinfo" / "kept.txt").exists()
    assert (site / "pynamodb" / "models.py").exists()
    assert (site / "pynamodb-1.0.dist-info" / "RECORD").exists()


def test_the_layer_is_built_for_the_template_s_runtime_and_architecture():
    from samtranslator.yaml_helper import yaml_parse

    template = yaml_parse((ROOT / "template.yaml").read_text())
    layer = template["Resources"]["SharedLayer"]
    runtime = template["Globals"]["Function"]["Runtime"]
    makefile = (ROOT / "shared" / "Makefile").read_text()
    settings = dict(re.findall(r"^(LAMBDA_\w+) \?= (\S+)$", makefile, re.MULTILINE))

    assert layer["Metadata"]["BuildMethod"] == "makefile"
    assert re.search(r"^build-SharedLayer:", makefile, re.MULTILINE)
    assert layer["Properties"]["CompatibleRuntimes"] == [runtime]
    assert settings["LAMBDA_PYTHON"] == runtime
    architecture = {"arm64": "aarch64", "x86_64": "x86_64"}[layer["Metadata"]["BuildArchitecture"]]
    assert settings["LAMBDA_PLATFORM"].endswith(f"_{architecture}")
    assert template["Globals"]["Function"]["Architectures"] == [
        layer["Metadata"]["BuildArchitecture"]
    ]


# -- the lock files ------------------------------------------------------------------------------

DEV_LOCK = ROOT / "requirements-dev.lock"
LAYER_LOCK = ROOT / "shared" / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def _pins(lock: Path) -> dict[str, str]:
    """The versions a lock file pins for this interpreter and platform (a universal lock may pin
    one package at two versions, each under its own environment marker)."""
    pins: dict[str, str] = {}
    for line in lock.read_text().splitlines():
        if match := PIN.match(line):
            name, version, marker = match.groups()
            if marker is None or Marker(marker).evaluate():
                pins[canonicalize_name(name)] = version
    return pins


def _compile_command(lock: Path) -> list[str]:
    """The `uv pip compile` command recorded at the top of a lock file."""
    for line in lock.read_text().splitlines()[:5]:
        if line.lstrip("# ").startswith("uv pip compile "):
            return line.lstrip("# ").split()
    raise AssertionError(f"{lock.name} names no `uv pip compile` command")


def _option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_the_layer_lock_pins_every_layer_requirement_within_its_range():
    pins = _pins(LAYER_LOCK)
    installed, _ = _layer()

    for name, requirement in installed.items():
        assert name in pins, f"{name} is not in shared/requirements.lock: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), name


def test_the_dev_lock_pins_every_dependency_and_extra_the_venv_installs_within_its_range():
    pins = _pins(DEV_LOCK)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = project["dependencies"] + extras["cli"] + extras["dev"]

    for requirement in map(Requirement, wanted):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements-dev.lock: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), name


def test_the_tests_run_the_versions_the_layer_installs():
    dev, layer = _pins(DEV_LOCK), _pins(LAYER_LOCK)

    assert {name: dev.get(name) for name in layer} == layer


def test_every_pin_is_checked_against_its_hashes():
    for lock in (DEV_LOCK, LAYER_LOCK):
        text = lock.read_text()
        pinned = [line for line in text.splitlines() if PIN.match(line)]
        assert pinned and all(line.endswith("\\") for line in pinned), lock.name
        assert "--generate-hashes" in _compile_command(lock), lock.name


def test_the_layer_lock_is_compiled_for_the_template_s_runtime_and_architecture():
    from samtranslator.yaml_helper import yaml_parse

    template = yaml_parse((ROOT / "template.yaml").read_text())
    runtime = template["Globals"]["Function"]["Runtime"]
    architecture = {"arm64": "aarch64", "x86_64": "x86_64"}[
        template["Resources"]["SharedLayer"]["Metadata"]["BuildArchitecture"]
    ]
    command = _compile_command(LAYER_LOCK)

    assert f"python{_option(command, '--python-version')}" == runtime
    assert _option(command, "--python-platform").startswith(f"{architecture}-manylinux")
    assert _option(command, "--only-binary") == ":all:"
