"""`sla-monitor case hold` and `case release`: keep a case on legal hold (an Ombudsman
investigation, a claim) and lift the hold, each with its reason. `--as` must name someone whose
role may (the workspace's permission table: the Corporate Complaints Officer)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from sla_monitor.cli.case_steps import _casework, _done, acting_now
from sla_monitor.cli.common import require_permission, target_services
from sla_monitor.staff.legal_hold import lift_legal_hold, place_legal_hold
from sla_monitor.web.staff.permissions import Permission

Step = Callable[..., argparse.ArgumentParser]


def register(actions: argparse._SubParsersAction, step: Step) -> None:
    hold = step(
        actions,
        "hold",
        "keep a case on legal hold (an Ombudsman investigation, a claim): it is not deleted "
        "when its retention period ends, and nothing in it can be erased, until the hold is lifted",
        change_hold,
    )
    hold.add_argument("--reason", required=True, metavar="TEXT", help="why it must be kept")
    release = step(actions, "release", "lift a case's legal hold, with the reason", change_hold)
    release.add_argument("--reason", required=True, metavar="TEXT", help="why it may go")


# What each command calls, and what it says it did.
_CHANGES = {
    "hold": (place_legal_hold, "kept on legal hold ({reason})"),
    "release": (lift_legal_hold, "legal hold lifted; kept for the usual period from closing"),
}


def change_hold(args: argparse.Namespace) -> int:
    now = acting_now(args)
    use_case, said = _CHANGES[args.case_action]
    with target_services(args) as bundle:
        held = bundle.store.get_case(args.reference)
        if held is not None:
            require_permission(bundle.directory, args.actor, Permission.KEEP_ON_LEGAL_HOLD, held)
        case = use_case(args.reference, reason=args.reason, by=args.actor, **_casework(bundle, now))
        result = f"{case.reference}: " + said.format(reason=args.reason.strip())
        return _done(args, bundle, case, now, result, deliver=False)
