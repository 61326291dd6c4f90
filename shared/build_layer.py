"""Build a Lambda layer: the shared one (the sla_monitor package and its dependencies, less what
the runtime has), or one of the layers only some functions carry (`LAYERS`).

`sam build` runs this through shared/Makefile (each layer's BuildMethod is `makefile`); the cold
start benchmark runs it too, to measure the layers it builds. Standard library only.

pip installs the layer's share of requirements.lock: requirements.txt and everything it needs,
as wheels for Lambda's Python and architecture, at the versions the tests run with and checked
against their hashes (the root Makefile's `make lock` compiles it). The lock names every
distribution needed, so each is installed without its dependencies: the documents and sign-in
layers take theirs from the lock, and the shared layer takes all the others. That brings in a
second copy of botocore (pynamodb needs it) and of what botocore needs. The Lambda Python runtime
already has those (runtime-provided.txt), and the layer's copy would shadow the runtime's: they
are removed, file by file as their installation records list them. Then the package is copied into
the shared layer, and with `--compile` everything is compiled to bytecode, since Lambda cannot
write `__pycache__` under /opt and would otherwise compile every module it imports on every cold
start.

    python3.12 build_layer.py TARGET [--layer shared] [--platform manylinux2014_aarch64] [--compile]
"""

from __future__ import annotations

import argparse
import compileall
import py_compile
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCK = HERE / "requirements.lock"
RUNTIME_PROVIDED = HERE / "runtime-provided.txt"
PACKAGE = HERE / "sla_monitor"

# The layers only some functions carry (template.yaml attaches them), and the distributions of the
# lock each holds; the shared layer, which every function has, holds all the others. fpdf2 and
# what it brings make the PDFs (letters to post or in large print, the annual report), which only
# the checker's functions (the deadline checker, delivery events) and the staff workspace make;
# the JWT stack checks the staff workspace's Cognito tokens. tests/unit/test_layer_requirements.py
# holds that each function imports only what its layers carry, and that nothing in the shared layer
# needs these.
SHARED = "shared"
LAYERS: dict[str, frozenset[str]] = {
    "documents": frozenset({"fpdf2", "fonttools", "pillow", "defusedxml"}),
    "sign-in": frozenset({"pyjwt", "cryptography", "cffi", "pycparser"}),
}


def canonical_name(name: str) -> str:
    """A distribution's name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_provided() -> set[str]:
    """The distributions the Lambda Python runtime provides, as canonical names."""
    names = set()
    for line in RUNTIME_PROVIDED.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(canonical_name(line))
    return names


def locked(lock_text: str) -> dict[str, str]:
    """The lock's entries by canonical name: each its pin line and the lines that follow it
    (hashes, and the comments saying what needs it)."""
    entries: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lock_text.splitlines():
        if line[:1].isspace():
            if current is not None:
                current.append(line)
        elif line and not line.startswith("#"):
            name = re.split(r"[=<>!~\[; ]", line, maxsplit=1)[0]
            current = entries.setdefault(canonical_name(name), [])
            current.append(line)
        else:
            current = None
    return {name: "\n".join(lines) + "\n" for name, lines in entries.items()}


def layer_distributions(layer: str, lock_text: str) -> list[str]:
    """The canonical names of the lock's distributions that `layer` installs."""
    names = locked(lock_text)
    if layer == SHARED:
        carried_apart = frozenset().union(*LAYERS.values())
        return sorted(name for name in names if name not in carried_apart)
    return sorted(name for name in names if name in LAYERS[layer])


def _distribution_name(dist_info: Path) -> str:
    for line in (dist_info / "METADATA").read_text(encoding="utf-8").splitlines():
        if line.startswith("Name:"):
            return canonical_name(line.partition(":")[2].strip())
    return canonical_name(dist_info.name.rsplit("-", 1)[0])


def remove_distributions(site: Path, names: set[str]) -> list[str]:
    """Remove the named distributions installed in `site` (every file their RECORD lists, then
    folders left empty). Returns the names removed."""
    removed = []
    for dist_info in sorted(site.glob("*.dist-info")):
        name = _distribution_name(dist_info)
        if name not in names:
            continue
        folders = set()
        for row in (dist_info / "RECORD").read_text(encoding="utf-8").splitlines():
            relative = row.rsplit(",", 2)[0].strip('"')
            path = (site / relative).resolve()
            if not relative or not path.is_relative_to(site.resolve()):
                continue
            path.unlink(missing_ok=True)
            folders.update(p for p in path.parents if p.is_relative_to(site.resolve()))
        for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
            if folder != site.resolve() and folder.is_dir():
                for cache in folder.glob("__pycache__"):
                    shutil.rmtree(cache)
                if not any(folder.iterdir()):
                    folder.rmdir()
        shutil.rmtree(dist_info, ignore_errors=True)
        removed.append(name)
    return removed


def build(
    target: Path,
    *,
    layer: str = SHARED,
    platform: str | None = None,
    compile_bytecode: bool = False,
) -> list[str]:
    """Install `layer` into `target`/python. Returns the runtime-provided packages removed."""
    site = target / "python"
    site.mkdir(parents=True, exist_ok=True)
    lock_text = LOCK.read_text(encoding="utf-8")
    entries = locked(lock_text)
    wanted = "".join(entries[name] for name in layer_distributions(layer, lock_text))
    with tempfile.TemporaryDirectory(prefix="layer-") as scratch:
        requirements = Path(scratch) / f"{layer}.lock"
        requirements.write_text(wanted, encoding="utf-8")
        command = [sys.executable, "-m", "pip", "install", "--quiet"]
        # The target is a folder of its own: what this interpreter has installed is no conflict.
        command += ["--disable-pip-version-check", "--no-warn-conflicts", "--no-deps"]
        command += ["--target", str(site), "--upgrade", "--no-compile", "-r", str(requirements)]
        if platform:
            command += ["--platform", platform, "--implementation", "cp", "--only-binary=:all:"]
        subprocess.run(command, check=True)  # noqa: S603 - our own interpreter and arguments
    removed = remove_distributions(site, runtime_provided())
    # Console scripts and manual pages: nothing in a layer runs or reads them.
    for folder in ("bin", "share"):
        shutil.rmtree(site / folder, ignore_errors=True)
    if layer == SHARED:
        shutil.copytree(
            PACKAGE, site / PACKAGE.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    if compile_bytecode:
        compileall.compile_dir(
            site,
            quiet=1,
            workers=0,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
    return removed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, help="the layer's folder (sam's ARTIFACTS_DIR)")
    parser.add_argument("--layer", choices=[SHARED, *LAYERS], default=SHARED, help="which layer")
    parser.add_argument("--platform", help="the wheels' platform, e.g. manylinux2014_aarch64")
    parser.add_argument("--compile", action="store_true", help="compile to bytecode")
    arguments = parser.parse_args(argv)
    removed = build(
        arguments.target,
        layer=arguments.layer,
        platform=arguments.platform,
        compile_bytecode=arguments.compile,
    )
    print(f"{arguments.layer} layer built; left to the runtime: {', '.join(removed) or 'nothing'}")


if __name__ == "__main__":
    main()
