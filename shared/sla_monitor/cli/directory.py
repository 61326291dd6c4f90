"""`sla-monitor directory ...`: list and change departments, officers and council-wide roles.

Each change goes through the use cases in `directory_changes.py`, which refuse what cannot be
done (the refusal is printed as one line and the command exits 2, having changed nothing).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sla_monitor.cli.common import (
    staff_action,
    table,
    target_services,
)
from sla_monitor.directory import COUNCIL_ROLES, Department, Directory, Officer
from sla_monitor.directory_changes import (
    add_department,
    add_officer,
    change_department,
    change_officer,
    hand_over_cases_of_retired,
    retire_department,
    retire_officer,
    set_role,
)

Handler = Callable[[argparse.Namespace], int]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "directory",
        help="list and change departments, officers and council-wide roles",
        description=(
            "List or change who is who: departments and their Head of Service, officers, and "
            "the council-wide roles (corporate complaints officer, chief executive, default "
            "department). Changes take effect without a redeploy; people who leave are retired, "
            "not deleted, because old cases still name them."
        ),
    )
    actions = parser.add_subparsers(dest="directory_action", required=True, metavar="ACTION")

    _action(actions, "list", "list departments, officers and roles", _list)

    add = _action(actions, "add-department", "add a department", _add_department)
    add.add_argument("code", metavar="CODE", help="a short code such as 'housing'")
    add.add_argument("--name", required=True)
    add.add_argument("--head", required=True, metavar="OFFICER", help="its Head of Service")
    add.add_argument("--team-email", metavar="EMAIL")

    change = _action(
        actions,
        "change-department",
        "change a department's name, head or team email",
        _change_department,
    )
    change.add_argument("code", metavar="CODE")
    change.add_argument("--name")
    change.add_argument("--head", metavar="OFFICER")
    change.add_argument("--team-email", metavar="EMAIL")

    retire = _action(
        actions,
        "retire-department",
        "retire a department (its cases go to the default department)",
        _retire_department,
    )
    retire.add_argument("code", metavar="CODE")

    add = _action(actions, "add-officer", "add an officer", _add_officer)
    add.add_argument("officer_id", metavar="ID", help="a short id such as 'jane-smith'")
    add.add_argument("--name", required=True)
    add.add_argument("--email", required=True)
    add.add_argument("--job-title", required=True)
    add.add_argument("--department", metavar="CODE")

    change = _action(
        actions,
        "change-officer",
        "change an officer's name, email, job title or department",
        _change_officer,
    )
    change.add_argument("officer_id", metavar="ID")
    change.add_argument("--name")
    change.add_argument("--email")
    change.add_argument("--job-title")
    change.add_argument("--department", metavar="CODE")

    retire = _action(
        actions,
        "retire-officer",
        "retire an officer who has left (their cases go to the Head of Service)",
        _retire_officer,
    )
    retire.add_argument("officer_id", metavar="ID")

    role = _action(
        actions,
        "set-role",
        "name the officer or department a council-wide role stands for",
        _set_role,
    )
    role.add_argument("role", metavar="ROLE", help=", ".join(COUNCIL_ROLES))
    role.add_argument("value", metavar="VALUE", help="an officer id, or a department code")


def _action(
    actions: argparse._SubParsersAction, name: str, summary: str, handler: Handler
) -> argparse.ArgumentParser:
    return staff_action(actions, name, summary, handler)


def _now(args: argparse.Namespace) -> datetime:
    now: datetime = args.now or datetime.now(UTC)
    return now


# -- listing ----------------------------------------------------------------------------------


def _jsonable(record: Department | Officer) -> dict[str, Any]:
    data = asdict(record)
    data["changed_at"] = record.changed_at.isoformat() if record.changed_at else None
    return data


def directory_as_json(directory: Directory) -> dict[str, Any]:
    return {
        "departments": [_jsonable(d) for d in directory.departments],
        "officers": [_jsonable(o) for o in directory.officers],
        "roles": {role: getattr(directory, role) for role in COUNCIL_ROLES},
    }


def _named(directory: Directory, officer_id: str | None) -> str:
    officer = directory.officer(officer_id)
    if officer is None:
        return f"{officer_id or '-'} (not in the directory)"
    return f"{officer.officer_id} ({officer.name}{', retired' if officer.retired else ''})"


def _list(args: argparse.Namespace) -> int:
    with target_services(args) as bundle:
        directory = bundle.directory_store.load_directory()
    if args.json:
        print(json.dumps(directory_as_json(directory), indent=2))
        return 0
    print("Departments")
    for line in table(
        [
            (
                d.code,
                d.name,
                f"head: {_named(directory, d.head_of_service)}",
                d.team_email or "",
                "retired" if d.retired else "",
            )
            for d in sorted(directory.departments, key=lambda d: d.code)
        ]
    ):
        print(line)
    print("Officers")
    for line in table(
        [
            (
                o.officer_id,
                o.name,
                o.email,
                o.job_title,
                o.department or "-",
                "retired" if o.retired else "",
            )
            for o in sorted(directory.officers, key=lambda o: o.officer_id)
        ]
    ):
        print(line)
    print("Roles")
    for line in table(
        [
            (
                "corporate_complaints_officer",
                _named(directory, directory.corporate_complaints_officer),
            ),
            ("chief_executive", _named(directory, directory.chief_executive)),
            ("default_department", directory.default_department or "-"),
        ]
    ):
        print(line)
    return 0


# -- changes ----------------------------------------------------------------------------------


def _done(args: argparse.Namespace, text: str, **record: Any) -> int:
    if args.json:
        print(json.dumps({"action": args.directory_action, **record}))
    else:
        print(text)
    return 0


def _department_done(args: argparse.Namespace, verb: str, department: Department) -> int:
    return _done(
        args,
        f"{verb} department {department.code}: {department.name}, "
        f"Head of Service {department.head_of_service}"
        + (f", team email {department.team_email}" if department.team_email else ""),
        department=_jsonable(department),
    )


def _officer_done(args: argparse.Namespace, verb: str, officer: Officer) -> int:
    return _done(
        args,
        f"{verb} officer {officer.officer_id}: {officer.name}, {officer.job_title}, "
        f"{officer.email}" + (f", {officer.department}" if officer.department else ""),
        officer=_jsonable(officer),
    )


def _add_department(args: argparse.Namespace) -> int:
    with target_services(args) as bundle:
        department = add_department(
            args.code,
            name=args.name,
            head_of_service=args.head,
            team_email=args.team_email,
            by=args.actor,
            now=_now(args),
            store=bundle.directory_store,
        )
    return _department_done(args, "added", department)


def _change_department(args: argparse.Namespace) -> int:
    with target_services(args) as bundle:
        department = change_department(
            args.code,
            name=args.name,
            head_of_service=args.head,
            team_email=args.team_email,
            by=args.actor,
            now=_now(args),
            store=bundle.directory_store,
        )
    return _department_done(args, "changed", department)


def _retire_department(args: argparse.Namespace) -> int:
    with target_services(args) as bundle:
        department = retire_department(
            args.code, by=args.actor, now=_now(args), store=bundle.directory_store
        )
    return _department_done(args, "retired", department)


def _add_officer(args: argparse.Namespace) -> int:
    with target_services(args) as bundle:
        officer = add_officer(
            args.officer_id,
            name=args.name,
            email=args.email,
            job_title=args.job_title,
            department=args.department,
            by=args.actor,
            now=_now(args),
            store=bundle.directory_store,
        )
    return _officer_done(args, "added", officer)


def _change_officer(args: argparse.Namespace) -> int:
    with target_services(args) as bundle:
        officer = change_officer(
            args.officer_id,
            name=args.name,
            email=args.email,
            job_title=args.job_title,
            department=args.department,
            by=args.actor,
            now=_now(args),
            store=bundle.directory_store,
        )
    return _officer_done(args, "changed", officer)


def _retire_officer(args: argparse.Namespace) -> int:
    now = _now(args)
    with target_services(args) as bundle:
        officer = retire_officer(
            args.officer_id, by=args.actor, now=now, store=bundle.directory_store
        )
        # Their open cases are the Head of Service's now: the customers and heads hear.
        handed = hand_over_cases_of_retired(
            args.officer_id,
            by=args.actor,
            now=now,
            store=bundle.store,
            directory_store=bundle.directory_store,
            policy=bundle.policy,
            calendar=bundle.calendar,
        )
    if args.json:
        return _done(args, "", officer=_jsonable(officer), handed_over=handed)
    _officer_done(args, "retired", officer)
    if handed:
        print(
            f"{len(handed)} open case(s) handed to their Head of Service, who is told; "
            f"customers already told who deals with theirs are told who does now: "
            + ", ".join(handed)
        )
    return 0


def _set_role(args: argparse.Namespace) -> int:
    with target_services(args) as bundle:
        value = set_role(
            args.role, args.value, by=args.actor, now=_now(args), store=bundle.directory_store
        )
    return _done(args, f"{args.role} is now {value}", role=args.role, value=value)
