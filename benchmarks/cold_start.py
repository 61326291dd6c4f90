"""What each Lambda function costs to import on a cold start, beside boto3 alone (`make bench`).

Builds the layer as `sam build` does (shared/build_layer.py, for this machine's Python rather
than Lambda's), installs boto3 apart as the runtime's own copy, then imports each handler in a
fresh interpreter with only what Lambda puts on the path: the function's folder, the layer and
the runtime's packages (no site-packages). Each import is timed inside the interpreter, several
times, beside a fresh `import boto3` in the same arrangement, alternating the two so that other
work on the machine weighs on both alike; the table gives the medians and their ratio, which is
the number to compare (the target is at most 1.5 times boto3). Then the public form's first
response on a cold start: the import plus the first GET / through the Lambda handler, on
in-process AWS (moto) set up meanwhile and not counted, and a second GET for comparison. Last,
the size of the layer and what it leaves to the runtime.

    python benchmarks/cold_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import site
import statistics
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = sorted(p.parent for p in (ROOT / "functions").glob("*/app.py"))
TARGET_RATIO = 1.5
PUBLIC_FORM = ROOT / "functions" / "have_your_say"
EVENT = ROOT / "tests" / "events" / "api_gateway_rest_proxy.json"

# What Lambda sets that the code looks at: "running in AWS" switches on, as it does there. The
# interpreters run with -I -S -B: no site-packages, no environment of ours, and no bytecode
# written (Lambda cannot write under /opt; the layer brings its bytecode).
LAMBDA_ENVIRONMENT = {
    "AWS_LAMBDA_FUNCTION_NAME": "cold-start-benchmark",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
    "AWS_REGION": "eu-west-2",
    "AWS_DEFAULT_REGION": "eu-west-2",
    "POWERTOOLS_METRICS_NAMESPACE": "SlaMonitor",
    "LOG_LEVEL": "WARNING",
}

_TIME_IMPORT = """
import sys, time
sys.path[:0] = {path!r}
started = time.perf_counter()
import {module}
print((time.perf_counter() - started) * 1000)
"""


def _run(path: list[str], code: str, *, environment: dict[str, str] | None = None) -> str:
    """Run `code` in a fresh interpreter that sees only the standard library and `path`."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **LAMBDA_ENVIRONMENT}
    env.update(environment or {})
    result = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-I", "-S", "-B", "-c", code.format(path=path)],
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


def build_layer(folder: Path) -> Path:
    subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, str(ROOT / "shared" / "build_layer.py"), str(folder), "--compile"],
        check=True,
    )
    return folder / "python"


def install_runtime_sdk(folder: Path) -> Path:
    """boto3 (and botocore) as the Lambda runtime has them, apart from the layer."""
    subprocess.run(  # noqa: S603 - this interpreter, pip
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
            str(folder),
            f"boto3=={metadata.version('boto3')}",
        ],
        check=True,
    )
    return folder


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def import_table(layer: Path, runtime: Path, runs: int) -> list[dict[str, object]]:
    boto3_alone: list[float] = []
    handlers: dict[str, list[float]] = {f.name: [] for f in FUNCTIONS}
    for _ in range(runs):
        boto3_alone.append(import_ms([str(layer), str(runtime)], "boto3"))
        for function in FUNCTIONS:
            handlers[function.name].append(
                import_ms([str(function), str(layer), str(runtime)], "app")
            )
    baseline = statistics.median(boto3_alone)
    rows: list[dict[str, object]] = [{"name": "boto3 alone", "ms": baseline, "ratio": 1.0}]
    for name, times in handlers.items():
        median = statistics.median(times)
        rows.append({"name": name, "ms": median, "ratio": median / baseline})
    return rows


_FIRST_RESPONSE = """
import json, sys, time
sys.path[:0] = {path!r}
started = time.perf_counter()
import app
imported = time.perf_counter()

import os
import boto3
from sla_monitor.embedded import embedded_aws
from sla_monitor.runtime import reset_services

event = json.loads(sys.argv[1])


class Context:
    function_name = "have-your-say"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:eu-west-2:123456789012:function:have-your-say"
    memory_limit_in_mb = 512
    aws_request_id = "cold-start"
    log_group_name = log_stream_name = "cold-start"

    def get_remaining_time_in_millis(self):
        return 15000


with embedded_aws():
    secret = boto3.client("secretsmanager").create_secret(Name="form", SecretString="s" * 64)
    os.environ["FORM_SECRET_PARAMETER"] = secret["ARN"]
    # Nothing made while setting up is reused: clients, sessions and models start afresh.
    reset_services()
    boto3.DEFAULT_SESSION = None
    calling = time.perf_counter()
    first = app.handler(event, Context())
    answered = time.perf_counter()
    second = app.handler(event, Context())
    again = time.perf_counter()
assert first["statusCode"] == 200 and second["statusCode"] == 200, (first, second)
print(json.dumps({{
    "import_ms": (imported - started) * 1000,
    "first_call_ms": (answered - calling) * 1000,
    "second_call_ms": (again - answered) * 1000,
}}))
"""


def start_page_event() -> dict[str, object]:
    event: dict[str, object] = copy.deepcopy(json.loads(EVENT.read_text()))
    event.update(httpMethod="GET", path="/", pathParameters=None, body=None)
    context = dict(event["requestContext"])  # type: ignore[call-overload]
    context.update(httpMethod="GET", path="/have-your-say/", stage="have-your-say")
    event["requestContext"] = context
    return event


def first_response(layer: Path, runtime: Path, runs: int) -> dict[str, float]:
    # moto comes from this environment's packages, after everything Lambda would have.
    path = [str(PUBLIC_FORM), str(layer), str(runtime), *site.getsitepackages()]
    code = _FIRST_RESPONSE.replace("{path!r}", repr(path)).replace("{{", "{").replace("}}", "}")
    samples = []
    for _ in range(runs):
        result = subprocess.run(  # noqa: S603 - this interpreter, our own code
            [sys.executable, "-I", "-S", "-B", "-c", code, json.dumps(start_page_event())],
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **LAMBDA_ENVIRONMENT},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise RuntimeError(f"the public form's cold start failed:\n{result.stderr[-3000:]}")
        samples.append(json.loads(result.stdout.strip().splitlines()[-1]))
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="imports of each kind (median)")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cold-start-") as scratch:
        print("building the layer and the runtime's boto3 ...", flush=True)
        layer = build_layer(Path(scratch) / "layer")
        runtime = install_runtime_sdk(Path(scratch) / "runtime")
        rows = import_table(layer, runtime, arguments.runs)
        form = first_response(layer, runtime, max(3, arguments.runs // 2))
        layer_bytes = folder_size(layer)
        package_bytes = folder_size(layer / "sla_monitor")
        left_to_runtime = sorted(p.name.split("-")[0] for p in runtime.glob("*.dist-info"))
        doubled = sorted(
            name for name in left_to_runtime if next(layer.glob(f"{name}-*.dist-info"), None)
        )

    print(
        f"\nImporting each handler as Lambda does (median of {arguments.runs}, {sys.version.split()[0]})"
    )
    print(f"{'':20} {'import (ms)':>12} {'x boto3':>8}  within {TARGET_RATIO}x")
    failed = []
    for row in rows:
        ratio = float(row["ratio"])  # type: ignore[arg-type]
        verdict = "" if row["name"] == "boto3 alone" else ("yes" if ratio <= TARGET_RATIO else "NO")
        if verdict == "NO":
            failed.append(row["name"])
        print(f"{row['name']:20} {float(row['ms']):12.0f} {ratio:8.2f}  {verdict}")  # type: ignore[arg-type]
    print("\nThe public form's first response on a cold start (GET /, median)")
    print(f"  import of the handler      {form['import_ms']:8.0f} ms")
    print(f"  first call                 {form['first_call_ms']:8.0f} ms")
    print(f"  cold start, import + call  {form['import_ms'] + form['first_call_ms']:8.0f} ms")
    print(f"  a second call, warm        {form['second_call_ms']:8.0f} ms")
    print(
        f"\nThe layer: {layer_bytes / 1e6:.1f} MB unzipped, of which the sla_monitor package "
        f"{package_bytes / 1e6:.1f} MB"
    )
    print(f"  left to the runtime: {', '.join(left_to_runtime)}")
    print(f"  in the layer as well: {', '.join(doubled) or 'none'}")
    if failed or doubled:
        sys.exit(f"over the target: {', '.join(map(str, failed + doubled))}")


if __name__ == "__main__":
    main()
