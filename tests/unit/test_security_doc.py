"""docs/security.md's table of who may do what is the workspace's permission table, written out:
a permission or a role changed in `permissions.py` and not in the page fails here, with the
table to paste."""

from __future__ import annotations

import re
from pathlib import Path

from sla_monitor.web.staff.permissions import MATRIX, Permission, Scope, StaffRole

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
START = (
    "<!-- permission table: generated from permissions.py;"
    " tests/unit/test_security_doc.py checks it -->"
)
END = "<!-- end of permission table -->"
SCOPE_WORDS = {
    Scope.OWN_DEPARTMENTS: "own departments",
    Scope.COMPLAINTS: "every complaint",
    Scope.REFERRED_COMPLAINTS: "referred complaints",
    Scope.SERVICE: "yes",
}


def permission_table() -> str:
    """The permission table as markdown: a row per permission, a column per role."""
    roles = list(StaffRole)
    lines = [
        "| To | " + " | ".join(role.label for role in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for permission in Permission:
        cells = [
            SCOPE_WORDS[MATRIX[role][permission]] if permission in MATRIX[role] else "—"
            for role in roles
        ]
        lines.append(f"| {permission.description} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def test_the_security_page_holds_the_permission_table_as_the_code_has_it():
    text = DOC.read_text()
    found = re.search(re.escape(START) + r"\n(.*?)\n?" + re.escape(END), text, re.DOTALL)
    assert found, "docs/security.md has lost the permission table's markers"
    assert found.group(1).strip() == permission_table(), (
        "docs/security.md's permission table differs from permissions.py; "
        f"put this between its markers:\n\n{permission_table()}\n"
    )


def test_every_scope_has_words_in_the_table():
    assert set(SCOPE_WORDS) == set(Scope)
