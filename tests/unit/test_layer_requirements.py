"""The Lambda layers install what pyproject.toml says the package depends on, and no package the
Lambda runtime already provides; both installs take pinned versions from lock files; and each
function imports only what its layers carry.

`sam build` installs shared/requirements.txt into the layer (shared/build_layer.py), pinned in
shared/requirements.lock; pyproject.toml is what the tests and the command line run against, pinned
in requirements-dev.lock. If they drift, code that passes here fails in Lambda on an import, or on
a release the tests never ran. boto3, botocore and what they need come with the runtime
(shared/runtime-provided.txt): the build leaves them out even when pip brings them in.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
import tomllib
from collections.abc import Iterable
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


def _template() -> dict[str, Any]:
    from samtranslator.yaml_helper import yaml_parse

    template: dict[str, Any] = yaml_parse((ROOT / "template.yaml").read_text())
    return template


def _layer_resources(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::LayerVersion"
    }


def _makefile_layers() -> dict[str, str]:
    """The layer each of shared/Makefile's `build-<LogicalId>` targets builds."""
    makefile = (ROOT / "shared" / "Makefile").read_text()
    return dict(re.findall(r"^build-(\w+):\n\t\$\(BUILD\) --layer (\S+)$", makefile, re.MULTILINE))


def test_the_layers_are_built_for_the_template_s_runtime_and_architecture():
    template = _template()
    runtime = template["Globals"]["Function"]["Runtime"]
    makefile = (ROOT / "shared" / "Makefile").read_text()
    settings = dict(re.findall(r"^(LAMBDA_\w+) \?= (\S+)$", makefile, re.MULTILINE))
    layers = _layer_resources(template)

    assert set(layers) == set(_makefile_layers())
    assert set(_makefile_layers().values()) == {"shared", *_build_layer_module().LAYERS}
    for layer in layers.values():
        assert layer["Metadata"]["BuildMethod"] == "makefile"
        assert layer["Properties"]["ContentUri"] == "shared/"
        assert layer["Properties"]["CompatibleRuntimes"] == [runtime]
        architecture = layer["Metadata"]["BuildArchitecture"]
        assert settings["LAMBDA_PLATFORM"].endswith(
            "_" + {"arm64": "aarch64", "x86_64": "x86_64"}[architecture]
        )
        assert template["Globals"]["Function"]["Architectures"] == [architecture]
    assert settings["LAMBDA_PYTHON"] == runtime


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
    template = _template()
    runtime = template["Globals"]["Function"]["Runtime"]
    architecture = {"arm64": "aarch64", "x86_64": "x86_64"}[
        template["Resources"]["SharedLayer"]["Metadata"]["BuildArchitecture"]
    ]
    command = _compile_command(LAYER_LOCK)

    assert f"python{_option(command, '--python-version')}" == runtime
    assert _option(command, "--python-platform").startswith(f"{architecture}-manylinux")
    assert _option(command, "--only-binary") == ":all:"


# -- the layers each function carries ------------------------------------------------------------
# Every function has the shared layer; the documents layer (fpdf2, fontTools, Pillow) and the
# sign-in layer (the JWT stack) only the functions whose code imports them. What a function's code
# may import is read from the source: its handler, then every module of the package it imports,
# at the top or inside a function (loaded late is still loaded), but not under TYPE_CHECKING.


def _lock_needs() -> dict[str, set[str]]:
    """For each distribution of the layer lock, what needs it (its `# via` lines)."""
    needs: dict[str, set[str]] = {}
    for name, entry in _build_layer_module().locked(LAYER_LOCK.read_text()).items():
        vias = re.findall(r"^\s*#\s+(?:via\s+)?(?:-r\s+)?(\S+)\s*$", entry, re.MULTILINE)
        needs[name] = {canonicalize_name(v) for v in vias if v != "via"}
    return needs


def test_a_layer_apart_carries_what_only_its_own_distributions_need():
    needs = _lock_needs()
    for layer, names in _build_layer_module().LAYERS.items():
        assert names <= set(needs), (layer, names - set(needs))
        for name in names:
            others = needs[name] - names - {canonicalize_name("shared/requirements.txt")}
            assert not others, f"{name} ({layer}) is needed by {others} outside the layer"


def _function_layers(template: dict[str, Any]) -> dict[str, set[str]]:
    """Each function's folder name and the layers it has (Globals' and its own, as SAM adds
    them), by the names build_layer.py gives them."""
    built = _makefile_layers()
    common = template["Globals"]["Function"].get("Layers", [])
    found = {}
    for resource in template["Resources"].values():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        properties = resource["Properties"]
        layers = [*common, *properties.get("Layers", [])]
        folder = Path(properties["CodeUri"]).name
        found[folder] = {built[layer["Ref"]] for layer in layers}
    return found


def _imported(nodes: Iterable[ast.AST]) -> set[str]:
    """Every module an import statement names, outside `if TYPE_CHECKING:` blocks."""
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            names |= _imported(node.orelse)
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        names |= _imported(ast.iter_child_nodes(node))
    return names


def _source(module: str) -> Path | None:
    base = ROOT / "shared" / Path(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _third_party_imports(function: str) -> set[str]:
    """The top-level names of what a function's code can import, other than the standard library
    and the package itself."""
    todo = [ROOT / "functions" / function / "app.py"]
    seen: set[Path] = set()
    outside: set[str] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in _imported([ast.parse(path.read_text())]):
            top = name.split(".")[0]
            if top == "sla_monitor":
                parts = name.split(".")
                for depth in range(1, len(parts) + 1):  # the packages on the way load too
                    if found := _source(".".join(parts[:depth])):
                        todo.append(found)
            elif top not in sys.stdlib_module_names and top != "functions":
                outside.add(top)
    return outside


def test_each_function_imports_only_what_its_layers_carry():
    build_layer = _build_layer_module()
    lock_text = LAYER_LOCK.read_text()
    distributions = metadata.packages_distributions()
    for function, layers in _function_layers(_template()).items():
        carried = set(build_layer.runtime_provided()).union(
            *(build_layer.layer_distributions(layer, lock_text) for layer in layers)
        )
        imported = _third_party_imports(function)
        for top in imported:
            owners = {canonicalize_name(d) for d in distributions.get(top, [top])}
            assert owners & carried, f"{function} imports {top}, which its layers {layers} lack"
        if "documents" not in layers:
            assert not imported & {"fpdf", "fontTools", "PIL"}, function
        if "sign-in" not in layers:
            assert not imported & {"jwt", "cryptography"}, function


def test_the_shared_layer_carries_neither_the_documents_nor_the_sign_in_stack():
    shared = set(_build_layer_module().layer_distributions("shared", LAYER_LOCK.read_text()))
    assert not shared & {"fpdf2", "fonttools", "pillow", "pyjwt", "cryptography"}
    assert {"pynamodb", "pydantic", "jinja2"} <= shared
