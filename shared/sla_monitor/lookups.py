"""What a use case looks up and may not find. Apart from the use cases themselves, so that an
entry point (the staff workspace's routes) can answer each with a 404 without loading them all
when it starts."""

from __future__ import annotations


class CaseNotFound(LookupError):
    """No case has that reference."""


class TriageItemNotFound(LookupError):
    """No set-aside message has that key."""


class NotInTheDirectory(LookupError):
    """No department or officer has that code or id (or no closure day is stored for it)."""


class ExportNotFound(LookupError):
    """No export of the work list has that id, or it is another officer's."""


def as_reference(typed: str) -> str:
    """A case reference as someone typed it, in the form it is stored under."""
    return typed.strip().upper()
