"""What each Lambda function costs to import on a cold start, beside boto3 alone (`make bench`).

Builds the layers as `sam build` does (shared/build_layer.py, for this machine's Python rather
than Lambda's), installs boto3 apart as the runtime's own copy, then imports each handler in a
fresh interpreter with only what Lambda puts on the path: the function's folder, its layers
(template.yaml) and the runtime's packages (no site-packages). Each import is timed inside the
interpreter, several times, beside a fresh `import boto3` in the same arrangement, taking turns
so that other work on the machine weighs on both alike; the table gives the medians and their
ratio, which is the number to compare (the target: at most 1.5 times boto3's).

Then the public form's first response: the import and the first GET / through the Lambda
handler on in-process AWS (moto, set up meanwhile and not counted), as on a cold start and as in
an environment restored from a SnapStart snapshot, whose warm-up ran before the snapshot. Last,
the size of each layer and of each function's layers together, and what they leave to the
runtime. Exits non-zero if a handler is over
the target or the layer carries a package the runtime has.

    python benchmarks/cold_start.py [--runs 9]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import site
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = sorted(p.parent for p in (ROOT / "functions").glob("*/app.py"))
TARGET_RATIO = 1.5
PUBLIC_FORM = ROOT / "functions" / "have_your_say"
EVENT = ROOT / "tests" / "events" / "api_gateway_rest_proxy.json"

# What Lambda sets that the code looks at: "running in AWS" switches on, as it does there; the
# template's own fixed settings are added (template_environment). The interpreters run with
# -I -S -B: no site-packages, none of our environment, and no bytecode written (Lambda cannot
# write under /opt; the layer brings its bytecode).
LAMBDA_ENVIRONMENT = {
    "AWS_LAMBDA_FUNCTION_NAME": "cold-start-benchmark",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
    "AWS_REGION": "eu-west-2",
    "AWS_DEFAULT_REGION": "eu-west-2",
    "LOG_LEVEL": "WARNING",
}

# Processor time, not the clock: on a machine doing other work too, the time an import spends
# waiting for a processor would count against whichever import it happened to.
_TIME_IMPORT = """
import sys, time
sys.path[:0] = {path!r}
started = time.process_time()
import {module}
print((time.process_time() - started) * 1000)
"""

_FIRST_RESPONSE = """
import json, sys, time
sys.path[:0] = {path!r}
snapstart = sys.argv[2] == "snapstart"
started = time.perf_counter()
import app
imported = time.perf_counter()
if snapstart:
    # What Lambda runs before it takes the snapshot, when a version is published.
    from sla_monitor.web import snapstart as hooks
    hooks.warm_up()

import os
import boto3
from sla_monitor_local.embedded import embedded_aws
from sla_monitor.runtime import reset_services


class Context:
    function_name = "have-your-say"
    function_version = "1"
    invoked_function_arn = "arn:aws:lambda:eu-west-2:123456789012:function:have-your-say"
    memory_limit_in_mb = 512
    aws_request_id = "cold-start"
    log_group_name = log_stream_name = "cold-start"

    def get_remaining_time_in_millis(self):
        return 15000


event = json.loads(sys.argv[1])
with embedded_aws():
    secret = boto3.client("secretsmanager").create_secret(Name="form", SecretString="s" * 64)
    os.environ["FORM_SECRET_PARAMETER"] = secret["ARN"]
    # Nothing made while setting up is reused: clients, sessions and models start afresh.
    reset_services()
    if snapstart:
        hooks.after_restore()
    else:
        boto3.DEFAULT_SESSION = None
    calling = time.perf_counter()
    first = app.handler(event, Context())
    answered = time.perf_counter()
    second = app.handler(event, Context())
    again = time.perf_counter()
assert first["statusCode"] == 200 and second["statusCode"] == 200, (first, second)
print(json.dumps({
    "import_ms": (imported - started) * 1000,
    "first_call_ms": (answered - calling) * 1000,
    "second_call_ms": (again - answered) * 1000,
}))
"""


@dataclass(frozen=True)
class ImportCost:
    name: str
    milliseconds: float
    ratio: float

    @property
    def within_target(self) -> bool:
        return self.ratio <= TARGET_RATIO


def template_environment() -> dict[str, str]:
    """The fixed values among the template's Globals variables (PYDANTIC_DISABLE_PLUGINS...)."""
    from samtranslator.yaml_helper import yaml_parse

    template = yaml_parse((ROOT / "template.yaml").read_text())
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    return {name: value for name, value in variables.items() if isinstance(value, str)}


def _run(path: list[str], code: str, *arguments: str) -> str:
    """Run `code` in a fresh interpreter that sees only the standard library and `path`; the
    last line it prints."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        **template_environment(),
        **LAMBDA_ENVIRONMENT,
    }
    result = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-I", "-S", "-B", "-c", code.replace("{path!r}", repr(path)), *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"the measured interpreter failed:\n{result.stderr[-3000:]}")
    return result.stdout.strip().splitlines()[-1]


def import_ms(path: list[str], module: str) -> float:
    return float(_run(path, _TIME_IMPORT.replace("{module}", module)))


def function_layers() -> dict[str, list[str]]:
    """Each function's folder name and its layers (Globals' first), by the names build_layer.py
    gives them: shared/Makefile's `build-<LogicalId>` targets say which is which."""
    from samtranslator.yaml_helper import yaml_parse

    template = yaml_parse((ROOT / "template.yaml").read_text())
    makefile = (ROOT / "shared" / "Makefile").read_text()
    names = dict(re.findall(r"^build-(\w+):\n\t\$\(BUILD\) --layer (\S+)$", makefile, re.M))
    common = template["Globals"]["Function"]["Layers"]
    return {
        Path(resource["Properties"]["CodeUri"]).name: [
            names[layer["Ref"]] for layer in [*common, *resource["Properties"].get("Layers", [])]
        ]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def build_layer(folder: Path, layer: str) -> Path:
    subprocess.run(  # noqa: S603 - this interpreter, our own script
        [
            *(sys.executable, str(ROOT / "shared" / "build_layer.py"), str(folder)),
            *("--layer", layer, "--compile"),
        ],
        check=True,
    )
    return folder / "python"


def install_runtime_sdk(folder: Path) -> Path:
    """boto3 (and botocore) as the Lambda runtime has them, apart from the layer."""
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    pip.append("--no-warn-conflicts")
    subprocess.run(  # noqa: S603 - this interpreter, pip
        [*pip, "--target", str(folder), f"boto3=={metadata.version('boto3')}"], check=True
    )
    return folder


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def import_costs(
    layers: dict[str, Path], attached: dict[str, list[str]], runtime: Path, runs: int
) -> list[ImportCost]:
    boto3_alone: list[float] = []
    handlers: dict[str, list[float]] = {f.name: [] for f in FUNCTIONS}
    for _ in range(runs):
        boto3_alone.append(import_ms([str(layers["shared"]), str(runtime)], "boto3"))
        for function in FUNCTIONS:
            its_layers = [str(layers[name]) for name in attached[function.name]]
            path = [str(function), *its_layers, str(runtime)]
            handlers[function.name].append(import_ms(path, "app"))
    baseline = statistics.median(boto3_alone)
    costs = [ImportCost("boto3 alone", baseline, 1.0)]
    for name, times in handlers.items():
        median = statistics.median(times)
        costs.append(ImportCost(name, median, median / baseline))
    return costs


def start_page_event() -> dict[str, Any]:
    event: dict[str, Any] = copy.deepcopy(json.loads(EVENT.read_text()))
    event.update(httpMethod="GET", path="/", pathParameters=None, body=None)
    event["requestContext"].update(httpMethod="GET", path="/have-your-say/", stage="have-your-say")
    return event


def first_response(layer: Path, runtime: Path, runs: int, mode: str) -> dict[str, float]:
    """The import and the first two GET / of a cold start (`mode` "cold"), or of an environment
    restored from a SnapStart snapshot ("snapstart": the warm-up ran before, not counted)."""
    # moto and the local tooling (in-process AWS) come after everything Lambda would have: the
    # handler still finds `sla_monitor` in the layer first.
    path = [
        str(PUBLIC_FORM),
        str(layer),
        str(runtime),
        *site.getsitepackages(),
        str(ROOT / "shared"),
    ]
    event = json.dumps(start_page_event())
    samples = [json.loads(_run(path, _FIRST_RESPONSE, event, mode)) for _ in range(runs)]
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="imports of each kind (median)")
    arguments = parser.parse_args(argv)
    responses = max(3, arguments.runs // 2)
    with tempfile.TemporaryDirectory(prefix="cold-start-") as scratch:
        print("building the layers and the runtime's boto3 ...", flush=True)
        attached = function_layers()
        layers = {
            name: build_layer(Path(scratch) / name, name)
            for name in sorted({name for names in attached.values() for name in names})
        }
        layer = layers["shared"]
        runtime = install_runtime_sdk(Path(scratch) / "runtime")
        costs = import_costs(layers, attached, runtime, arguments.runs)
        cold = first_response(layer, runtime, responses, "cold")
        restored = first_response(layer, runtime, responses, "snapstart")
        layer_bytes = {name: folder_size(folder) for name, folder in layers.items()}
        package_bytes = folder_size(layer / "sla_monitor")
        left_to_runtime = sorted(p.name.split("-")[0] for p in runtime.glob("*.dist-info"))
        doubled = [
            name
            for name in left_to_runtime
            if any(any(folder.glob(f"{name}-*.dist-info")) for folder in layers.values())
        ]

    print(f"\nImporting each handler as Lambda does (processor time, median of {arguments.runs})")
    print(f"Python {sys.version.split()[0]}; the ratio is the handler's import over boto3's")
    print(f"{'':20} {'import (ms)':>12} {'x boto3':>8}  within {TARGET_RATIO}x")
    for cost in costs:
        verdict = "" if cost.name == "boto3 alone" else ("yes" if cost.within_target else "NO")
        print(f"{cost.name:20} {cost.milliseconds:12.0f} {cost.ratio:8.2f}  {verdict}")

    print(f"\nThe public form's first response (GET /, elapsed time, median of {responses})")
    print(f"  cold start: import of the handler          {cold['import_ms']:7.0f} ms")
    print(f"  cold start: first call                     {cold['first_call_ms']:7.0f} ms")
    total = cold["import_ms"] + cold["first_call_ms"]
    print(f"  cold start: import and first call          {total:7.0f} ms")
    print(f"  restored from a SnapStart snapshot: call   {restored['first_call_ms']:7.0f} ms")
    print(f"  a second call                              {cold['second_call_ms']:7.0f} ms")

    print(
        f"\nThe shared layer: {layer_bytes['shared'] / 1e6:.1f} MB unpacked, of which the "
        f"sla_monitor package {package_bytes / 1e6:.1f} MB"
    )
    for name, size in layer_bytes.items():
        if name != "shared":
            print(f"  the {name} layer: {size / 1e6:.1f} MB unpacked")
    for function, names in sorted(attached.items()):
        total = sum(layer_bytes[name] for name in names)
        print(f"  {function}: {total / 1e6:.1f} MB of layers ({', '.join(names)})")
    print(f"  left to the runtime: {', '.join(left_to_runtime)}")
    print(f"  in the layer as well: {', '.join(doubled) or 'none'}")
    over = [cost.name for cost in costs if not cost.within_target]
    if over or doubled:
        sys.exit(f"over the target: {', '.join(over + doubled)}")


if __name__ == "__main__":
    main()
