"""Each officer's saved views of the work list in the cases table (a part of
`DynamoDBCaseStore`):

    pk                  sk              what
    VIEWS#<officer id>  VIEW#<name>     a view's name and its filters (the list's address)

An officer's views share a partition, so the list reads them in one query of a few small items.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DeleteError

from sla_monitor.store.ports import SavedView, saved_view_key

VIEW = "VIEW#"


def views_key(officer_id: str) -> str:
    return f"VIEWS#{officer_id}"


class SavedViewItems:
    """Keeps, lists and removes officers' saved views."""

    models: Any

    def saved_views(self, officer_id: str) -> list[SavedView]:
        m = self.models.saved_view
        return [
            SavedView(
                officer_id=officer_id, name=item.name, query=item.filters, saved_at=item.saved_at
            )
            for item in m.query(views_key(officer_id), m.sk.startswith(VIEW), consistent_read=True)
        ]

    def save_view(self, view: SavedView) -> None:
        self.models.saved_view(
            views_key(view.officer_id),
            VIEW + saved_view_key(view.name),
            name=view.name,
            filters=view.query,
            saved_at=view.saved_at,
        ).save()

    def remove_view(self, officer_id: str, name: str) -> bool:
        m = self.models.saved_view
        try:
            m(views_key(officer_id), VIEW + saved_view_key(name)).delete(condition=m.pk.exists())
        except DeleteError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True
