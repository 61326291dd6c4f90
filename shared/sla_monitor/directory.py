"""Who is who: departments with their Head of Service, officers, and the council-wide roles.

Stored in the directory table, not hard-coded; `config/directory.yaml` is only the starting point
a new council edits before `sla-monitor init` seeds it, and `directory_changes.py` changes it after.

Nobody is deleted: an officer or department that leaves is retired, because old cases still name
them. A retired officer is still found by id (a case's history) but is sent nothing: a case still
assigned to them is the Head of Service's until someone else is assigned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources

from sla_monitor.cases import Case
from sla_monitor.policy_terms import Role

# The council-wide roles: the first two name an officer, the last a department.
COUNCIL_ROLES: tuple[str, ...] = (
    "corporate_complaints_officer",
    "chief_executive",
    "default_department",
)


@dataclass(frozen=True)
class Officer:
    officer_id: str
    name: str
    email: str
    job_title: str
    department: str | None = None
    retired: bool = False
    # Who last changed the record and when (the store keeps them; equality ignores them).
    changed_by: str | None = field(default=None, compare=False)
    changed_at: datetime | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    head_of_service: str  # officer id
    team_email: str | None = None
    retired: bool = False
    changed_by: str | None = field(default=None, compare=False)
    changed_at: datetime | None = field(default=None, compare=False)


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
        """Any officer by id, retired ones too (old cases still name them)."""
        return self._by_id.get(officer_id) if officer_id else None

    def officer_name(self, officer_id: str | None, otherwise: str | None = None) -> str:
        """The officer's name as people read it; `otherwise` (the id itself, by default) for
        one the directory does not hold."""
        found = self.officer(officer_id)
        if found is not None:
            return found.name
        return otherwise if otherwise is not None else officer_id or ""

    def active_officer(self, officer_id: str | None) -> Officer | None:
        """The officer by id while they have not been retired."""
        found = self.officer(officer_id)
        return found if found is not None and not found.retired else None

    def active_officers(self) -> tuple[Officer, ...]:
        return tuple(o for o in self.officers if not o.retired)

    def active_departments(self) -> tuple[Department, ...]:
        return tuple(d for d in self.departments if not d.retired)

    def department(self, code: str | None) -> Department | None:
        return next((d for d in self.departments if d.code == code), None)

    def department_name(self, code: str | None, otherwise: str | None = None) -> str:
        """The department's name; `otherwise` (the code itself, by default) for one the
        directory does not hold."""
        found = self.department(code)
        if found is not None:
            return found.name
        return otherwise if otherwise is not None else code or ""

    def department_of(self, case: Case) -> Department | None:
        """The department dealing with the case: its own, or the default department while the
        case names none or names one since retired."""
        own = self.department(case.department)
        if own is not None and not own.retired:
            return own
        return self.department(self.default_department)

    def head_of_service(self, case: Case) -> Officer | None:
        department = self.department_of(case)
        return self.active_officer(department.head_of_service) if department else None

    def owner(self, case: Case) -> Officer | None:
        """The assigned officer, or the Head of Service while nobody (still serving) is."""
        return self.active_officer(case.assigned_officer) or self.head_of_service(case)

    def holders(self, role: Role, case: Case) -> tuple[Officer, ...]:
        """The officers a role stands for on this case (none when the directory lacks it or its
        holder was retired)."""
        if role is Role.OWNER:
            found = self.owner(case)
        elif role is Role.HEAD_OF_SERVICE:
            found = self.head_of_service(case)
        elif role is Role.CORPORATE_COMPLAINTS_OFFICER:
            found = self.active_officer(self.corporate_complaints_officer)
        else:
            found = self.active_officer(self.chief_executive)
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
    import yaml  # with the first directory read, not with the module

    text = resources.files("sla_monitor").joinpath("config/directory.yaml").read_text("utf-8")
    return directory_from_mapping(yaml.safe_load(text))
