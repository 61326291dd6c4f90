"""What the administrators' forms share: a refusal shown beside the field it concerns, and the
officers as choices."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sla_monitor.directory import Officer
from sla_monitor.directory_changes import DirectoryChangeRefused
from sla_monitor.staff_accounts import AccountChangeRefused
from sla_monitor.web.forms import FieldError
from sla_monitor.web.staff.formatting import sentence

MAX_NAME = 200


def refusal_error(
    refusal: DirectoryChangeRefused | AccountChangeRefused, fields: Mapping[str, str]
) -> FieldError:
    """The refusal beside the field of the argument it names, else above the button."""
    field = fields.get(refusal.argument or "", "submit")
    return FieldError(field, sentence(str(refusal)))


def officer_items(officers: Iterable[Officer], names: Mapping[str, str]) -> list[dict[str, str]]:
    """The officers by name, each with their department's name, as a select's items."""
    return [
        {
            "value": o.officer_id,
            "text": o.name
            + (f" ({names.get(o.department, o.department)})" if o.department else ""),
        }
        for o in sorted(officers, key=lambda o: o.name)
    ]
