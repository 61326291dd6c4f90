"""Who is who: departments with their Head of Service, officers, and the council-wide roles.

Stored in the directory table, not hard-coded; `config/directory.yaml` is only the starting point
a new council edits before `sla-monitor init` seeds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

import yaml

from sla_monitor.cases import Case
from sla_monitor.policy import Role


@dataclass(frozen=True)
class Officer:
    officer_id: str
    name: str
    email: str
    job_title: str
    department: str | None = None


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    head_of_service: str  # officer id
    team_email: str | None = None


@dataclass(frozen=True)
class Directory:
    departments: tuple[Department, ...] = ()
    officers: tuple[Officer, ...] = ()
    corporate_complaints_officer: str | None = None
    chief_executive: str | None = None
    # Cases that name no department go here until someone triages them.
    default_department: str | None = None
    _by_id: dict[str, Officer] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({o.officer_id: o for o in self.officers})

    def officer(self, officer_id: str | None) -> Officer | None:
        return self._by_id.get(officer_id) if officer_id else None

    def department(self, code: str | None) -> Department | None:
        return next((d for d in self.departments if d.code == code), None)

    def department_of(self, case: Case) -> Department | None:
        return self.department(case.department) or self.department(self.default_department)

    def head_of_service(self, case: Case) -> Officer | None:
        department = self.department_of(case)
        return self.officer(department.head_of_service) if department else None

    def owner(self, case: Case) -> Officer | None:
        """The assigned officer, or the Head of Service while nobody is assigned."""
        return self.officer(case.assigned_officer) or self.head_of_service(case)

    def holders(self, role: Role, case: Case) -> tuple[Officer, ...]:
        """The officers a role stands for on this case (none when the directory lacks it)."""
        if role is Role.OWNER:
            found = self.owner(case)
        elif role is Role.HEAD_OF_SERVICE:
            found = self.head_of_service(case)
        elif role is Role.CORPORATE_COMPLAINTS_OFFICER:
            found = self.officer(self.corporate_complaints_officer)
        else:
            found = self.officer(self.chief_executive)
        return (found,) if found else ()

    def recipients(self, roles: tuple[Role, ...], case: Case) -> tuple[Officer, ...]:
        """Every officer the roles stand for, each once, in the order of the roles."""
        seen: dict[str, Officer] = {}
        for role in roles:
            for officer in self.holders(role, case):
                seen.setdefault(officer.officer_id, officer)
        return tuple(seen.values())


def directory_from_mapping(data: dict) -> Directory:
    return Directory(
        departments=tuple(Department(**d) for d in data.get("departments", ())),
        officers=tuple(Officer(**o) for o in data.get("officers", ())),
        corporate_complaints_officer=data.get("corporate_complaints_officer"),
        chief_executive=data.get("chief_executive"),
        default_department=data.get("default_department"),
    )


def default_directory() -> Directory:
    """The starting directory shipped in `config/directory.yaml`."""
    text = resources.files("sla_monitor").joinpath("config/directory.yaml").read_text("utf-8")
    return directory_from_mapping(yaml.safe_load(text))
