"""One signed-in viewer of each role, as their verified claims and the sample directory make
them: the permission matrix's tests and the walk of every route ask about the same people."""

from __future__ import annotations

from sla_monitor.directory import default_directory
from sla_monitor.web.staff.permissions import Viewer, viewer_from_claims

DIRECTORY = default_directory()


def viewer(officer_id: str, *groups: str) -> Viewer:
    claims = {
        "sub": f"sub-{officer_id}",
        "cognito:username": f"sub-{officer_id}",
        "custom:officer_id": officer_id,
        "cognito:groups": list(groups),
    }
    return viewer_from_claims(claims, DIRECTORY)


VIEWERS = {
    "officer": viewer("waste-officer", "officer"),
    "head of service": viewer("head-housing", "head_of_service"),
    "corporate complaints officer": viewer("complaints-officer", "corporate_complaints_officer"),
    "chief executive": viewer("chief-executive", "chief_executive"),
    "administrator": viewer("it-admin", "administrator"),
}
