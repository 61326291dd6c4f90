"""`sla-monitor local`: the product on this computer, for a person to use in a browser."""

from __future__ import annotations

import argparse
import threading
from datetime import UTC, datetime

from sla_monitor.local_stack import local_stack


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "local",
        help="run a local stack: AWS on a moto server and the public form, on 127.0.0.1",
        description=(
            "Start a moto server on 127.0.0.1 standing in for AWS, create the product's "
            "resources on it, seed a few cases, and serve the public form. Other sla-monitor "
            "commands work against it with AWS_ENDPOINT_URL. Ctrl-C stops it."
        ),
    )
    parser.add_argument("--port", type=int, default=8000, help="port of the pages (8000)")
    parser.add_argument("--aws-port", type=int, default=5000, help="port of the AWS endpoint")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    stop = threading.Event()
    with local_stack(aws_port=args.aws_port, web_port=args.port, now=datetime.now(UTC)) as stack:
        print(f"public form:   {stack.public_form}")
        print(f"AWS endpoint:  {stack.aws_endpoint}")
        print("In another shell, to use the other commands against this stack:")
        print("  export " + " ".join(f"{k}={v}" for k, v in stack.environment().items()))
        print("  sla-monitor check")
        print("Ctrl-C stops it.", flush=True)
        try:
            stop.wait()
        except KeyboardInterrupt:
            print("stopping")
    return 0
