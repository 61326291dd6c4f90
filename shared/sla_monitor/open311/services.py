"""The services the open status API lists: each published case type at each department still
serving, and each type on its own for a case no department deals with."""

from __future__ import annotations

from sla_monitor.cases import CaseType
from sla_monitor.directory import Directory
from sla_monitor.open311.records import Publication, Service

# The case types published, in the order services are listed.
PUBLISHED_TYPES: tuple[CaseType, ...] = (
    CaseType.COMPLAINT,
    CaseType.SERVICE_REQUEST,
    CaseType.ENQUIRY,
)


# What each published type means, in the council's words.
_TYPE_DESCRIPTIONS: dict[CaseType, str] = {
    CaseType.COMPLAINT: (
        "A complaint: dissatisfaction with the council's own service, about {department}."
    ),
    CaseType.SERVICE_REQUEST: "A request for {department} to provide or fix something.",
    CaseType.ENQUIRY: "A question to {department}.",
}


def service_code(case_type: CaseType, department: str | None) -> str:
    """`complaint-planning`, `service-request-waste-services`; the type alone with no
    department."""
    kind = case_type.value.replace("_", "-")
    return f"{kind}-{department}" if department else kind


def service_name(case_type: CaseType, department_name: str | None) -> str:
    label = case_type.label.capitalize()
    return f"{label} ({department_name})" if department_name else label


def services(directory: Directory, publication: Publication) -> tuple[Service, ...]:
    """Every published type at every department still serving, and each type on its own for a
    case no department deals with."""
    found: list[Service] = []
    for department in sorted(directory.active_departments(), key=lambda d: d.name):
        for case_type in PUBLISHED_TYPES:
            found.append(
                Service(
                    service_code=service_code(case_type, department.code),
                    service_name=service_name(case_type, department.name),
                    description=_TYPE_DESCRIPTIONS[case_type].format(department=department.name),
                    metadata=False,
                    type="realtime",
                    keywords=f"{case_type.label}, {department.name.lower()}",
                    group=department.name,
                )
            )
    for case_type in PUBLISHED_TYPES:
        found.append(
            Service(
                service_code=service_code(case_type, None),
                service_name=service_name(case_type, None),
                description=_TYPE_DESCRIPTIONS[case_type].format(
                    department=f"{publication.council_name}"
                ),
                metadata=False,
                type="realtime",
                keywords=case_type.label,
                group=publication.council_name,
            )
        )
    return tuple(found)
