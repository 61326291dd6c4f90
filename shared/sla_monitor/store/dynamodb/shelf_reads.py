"""The work list's shelves and the search terms in the cases table, as the case store reads
them: a shelf key's entries a page at a time, the cases they name in one batch read, the
counters, and a search term's cases (what writes them: `sla_monitor.store.dynamodb.filing`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sla_monitor.cases import Case
from sla_monitor.store.dynamodb.filing import entry_from_item
from sla_monitor.store.ports import Shelf, ShelfEntry
from sla_monitor.store.shelves import COUNTERS_KEY, shelf_partition, term_key


class ShelfReads:
    """The case store's reads of shelves and search terms (a part of `DynamoDBCaseStore`)."""

    models: Any
    items_read: int

    def _loaded(self, item: Any) -> Case:
        raise NotImplementedError

    def shelved(
        self,
        shelf: Shelf,
        key: str,
        *,
        after: str | None = None,
        before: str | None = None,
        page_size: int = 50,
    ) -> Iterator[ShelfEntry]:
        """One shelf key's entries in position order, a page of 50 at a time, read strongly
        consistent (a case saved a moment ago is where its save put it)."""
        m = self.models.shelf
        condition = m.sk > after if after is not None else None
        if before is not None and after is None:
            condition = m.sk < before
        for item in m.query(
            shelf_partition(shelf, key), condition, consistent_read=True, page_size=page_size
        ):
            if before is not None and item.sk >= before:
                return
            self.items_read += 1
            yield entry_from_item(item)

    def get_cases(self, references: Sequence[str]) -> list[Case]:
        """The cases named, by one batch read a hundred at a time."""
        found: dict[str, Case] = {}
        keys = [(f"CASE#{reference}", "CASE") for reference in dict.fromkeys(references)]
        for item in self.models.case.batch_get(keys, consistent_read=True):
            self.items_read += 1
            found[item.reference] = self._loaded(item)
        return [found[r] for r in references if r in found]

    def work_counts(self) -> dict[str, int]:
        m = self.models.counter
        counts = {}
        for item in m.query(COUNTERS_KEY, consistent_read=True):
            self.items_read += 1
            counts[item.sk] = int(item.value)
        return counts

    def cases_with_term(self, term: str, *, limit: int | None = None) -> list[str]:
        m = self.models.term
        found: list[str] = []
        for item in m.query(
            term_key(term), scan_index_forward=False, page_size=min(limit or 100, 100)
        ):
            if limit is not None and len(found) == limit:
                break
            self.items_read += 1
            found.append(item.reference)
        return found
