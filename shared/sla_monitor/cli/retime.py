"""`sla-monitor retime`: re-time the open cases under the policy now deployed.

With --dry-run it lists, per open case, each clock's old due date (under the policy version the
case was timed by) and its new one, and changes nothing. Without it, it also records the new
policy version on each case whose timing it changes, with a timeline event saying which dates
moved, and sets when the deadline checker next looks at the case.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sla_monitor.cli.common import (
    UsageError,
    add_staff_arguments,
    add_target_arguments,
    target_services,
)
from sla_monitor.policy import PolicyError, load_policy_file
from sla_monitor.retiming import Retiming, retime_open_cases


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "retime",
        help="re-time open cases under the policy now deployed",
        description=(
            "After a policy change, list (--dry-run) or re-time every open case: each clock's "
            "old and new due date, the policy version recorded on the case and its timeline, "
            "and when the deadline checker next looks at it."
        ),
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="list what would move and change nothing"
    )
    parser.add_argument(
        "--all", action="store_true", help="list every open case, not only those whose dates move"
    )
    parser.add_argument(
        "--policy",
        type=Path,
        metavar="FILE",
        help="with --dry-run: compare with this policy file instead of the deployed one, to see "
        "what deploying it would move",
    )
    add_staff_arguments(parser)
    add_target_arguments(parser)
    parser.set_defaults(handler=run)


def _day(value: Any) -> str | None:
    return value.isoformat() if value else None


def retiming_json(retiming: Retiming) -> dict[str, Any]:
    return {
        "reference": retiming.reference,
        "old_policy_version": retiming.old_version,
        "new_policy_version": retiming.new_version,
        "clocks": [
            {
                "promise": c.promise,
                "stage": c.stage,
                "occurrence": c.occurrence,
                "old": _day(c.old_due) if c.old_known else "unknown",
                "new": _day(c.new_due),
                "moved": c.moved,
            }
            for c in retiming.clocks
        ],
    }


def run(args: argparse.Namespace) -> int:
    now = args.now or datetime.now(UTC)
    proposed = None
    if args.policy is not None:
        if not args.dry_run:
            raise UsageError("--policy previews a policy file: use it with --dry-run")
        try:
            proposed = load_policy_file(args.policy)
        except (OSError, PolicyError) as error:
            raise UsageError(f"cannot use the policy file {args.policy}: {error}") from error
    with target_services(args) as bundle:
        results = retime_open_cases(
            store=bundle.store,
            directory_store=bundle.directory_store,
            policy=proposed or bundle.policy,
            known=(bundle.policy,),
            calendar=bundle.calendar,
            now=now,
            by=args.actor,
            dry_run=args.dry_run,
        )
        version = (proposed or bundle.policy).version
    shown = results if args.all else [r for r in results if r.needs_saving]
    if args.json:
        print(
            json.dumps(
                {
                    "policy_version": version,
                    "dry_run": args.dry_run,
                    "open_cases": len(results),
                    "cases": [retiming_json(r) for r in shown],
                },
                indent=2,
            )
        )
        return 0
    verb = "would re-time" if args.dry_run else "re-timed"
    print(f"Policy {version}: {len(results)} open case(s); {verb} {len(shown)}.")
    for retiming in shown:
        print(f"{retiming.reference}  timed by {retiming.old_version or 'an unknown policy'}")
        for clock in retiming_json(retiming)["clocks"]:
            mark = "  moved" if clock["moved"] else ""
            label = clock["promise"] + (
                f" #{clock['occurrence']}" if clock["occurrence"] > 1 else ""
            )
            print(f"  {label:<40} {clock['old'] or '-':<12} -> {clock['new'] or '-':<12}{mark}")
    return 0
