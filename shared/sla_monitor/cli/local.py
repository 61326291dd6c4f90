"""`sla-monitor local`: the product on this computer, for a person to use in a browser."""

from __future__ import annotations

import argparse
import json
import threading
from datetime import UTC, datetime
from pathlib import Path

from sla_monitor_local.local_stack import LocalStack, local_stack
from sla_monitor_local.local_staff import local_password


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "local",
        help=(
            "run a local stack: AWS on a moto server, the public form and the staff workspace, "
            "on 127.0.0.1"
        ),
        description=(
            "Start a moto server on 127.0.0.1 standing in for AWS, create the product's "
            "resources on it (with a Cognito user pool and one sample staff user per role), "
            "seed cases in several states, and serve the public form and the staff workspace. "
            "Other sla-monitor commands work against it with AWS_ENDPOINT_URL. Ctrl-C stops it."
        ),
    )
    parser.add_argument("--port", type=int, default=8000, help="port of the pages (8000)")
    parser.add_argument("--aws-port", type=int, default=5000, help="port of the AWS endpoint")
    parser.add_argument(
        "--info",
        type=Path,
        metavar="FILE",
        help="also write the addresses, environment and sample sign-ins to FILE as JSON",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    stop = threading.Event()
    with local_stack(aws_port=args.aws_port, web_port=args.port, now=datetime.now(UTC)) as stack:
        print(f"public form:      {stack.public_form}")
        print(f"your cases:       {stack.your_cases}")
        print(f"staff workspace:  {stack.workspace}")
        print(f"open status API:  {stack.open_status}services.json")
        print(f"AWS endpoint:     {stack.aws_endpoint}")
        print(f"Sample staff sign-ins (local only), each with the password {local_password()}:")
        for user in stack.sample_users:
            print(f"  {user.email:<45} {user.role.label}")
        if args.info:
            args.info.write_text(json.dumps(stack.info(), indent=2) + "\n", encoding="utf-8")
            print(f"Written to {args.info}.")
        print("In another shell, to use the other commands against this stack:")
        print("  export " + " ".join(f"{k}={v}" for k, v in stack.environment().items()))
        print("  sla-monitor check")
        print(
            "Residents sign in by emailed links; here each link sent is printed below. The sample "
            "cases' residents are resident1@example.org to resident4@example.org."
        )
        print("Ctrl-C stops it.", flush=True)
        threading.Thread(
            target=_print_sign_in_links, args=(stack, stop), name="sign-in-links", daemon=True
        ).start()
        try:
            stop.wait()
        except KeyboardInterrupt:
            print("stopping")
    return 0


def _print_sign_in_links(stack: LocalStack, stop: threading.Event) -> None:
    """Print each sign-in link as the residents' pages send it (local only: in AWS it is in
    the resident's inbox and nowhere else)."""
    shown = 0
    while not stop.wait(1.0):
        links = stack.sign_in_links()
        for address, link in links[shown:]:
            print(f"sign-in link for {address}: {link}", flush=True)
        shown = len(links)
