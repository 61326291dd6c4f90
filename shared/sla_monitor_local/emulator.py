"""Local only: four narrow fixes to moto's DynamoDB emulation and one to its Cognito, for the
demo, the tests and the local stack. Nothing deployed imports this module; on AWS, DynamoDB and
Cognito do all of it themselves.

1. moto backs up *every table a transaction names* with a deep copy before each
   TransactWriteItems call, to restore them if it fails. With tens of thousands of cases, each
   transactional save then copies the whole archive: seconds a save and gigabytes of memory. The
   fix backs up only the items the transaction writes, and restores just those on failure, which
   is what a transaction's atomicity asks for.
2. moto's threaded server answers requests on several threads with no locking, and a failed
   transaction restores whole tables, losing any write another client made meanwhile: two
   concurrent sweeps against a local stack could then send a message twice. The fix answers
   DynamoDB requests one at a time, as if each were atomic, which on AWS each item write is.

3. moto answers a query of a global secondary index by sorting every item of the index
   partition and working out the size of each, matching or not, before it applies the key
   condition: a sweep's query for the few cases due costs a walk of every open case. A query of
   the table itself walks and sorts every item of the table to find one partition's. The fix
   hands moto's query only the items that meet the key conditions (for an index, the hash key
   and the range key's comparison; for the table, the partition asked for), which is what
   DynamoDB reads; the rest of moto's query, its order, pages and projection, is unchanged.
   An index's partitions are found from a map of the table's items by the index's hash key,
   made once and kept until the next write to DynamoDB: a page that queries several index
   partitions (a month's report, one query a month and shard) walks the archive once, not once
   a query.

4. moto writes each answer by walking the service's model, member by member: every attribute
   value of every item answered is a structure of ten members, each looked up in turn (a third
   of the time the demo's month spends in moto). DynamoDB's attribute values are already in
   moto's answer as DynamoDB writes them (`{"S": ...}`, `{"M": {...}}`): the fix copies one
   whose type is a string, number, boolean, null, string or number set, map or list of those
   as it is, which is what the walk made of it; any other (a binary) is still walked.

5. moto's Cognito lets a signed-in user change any attribute of their own account
   (UpdateUserAttributes), whatever the app client's WriteAttributes allow: locally a member of
   staff could make themselves another officer by rewriting `custom:officer_id`. The fix refuses,
   as Cognito does, an attribute the client that issued the access token may not write.

`install()` applies all five, once per process. tests/integration/test_emulator.py checks that a
failed transaction still leaves nothing behind, that a concurrent write survives it, that the copy
is no longer made, that index queries answer as before and that every type of attribute value
reads back as written, so an upgrade of moto that changes
what is patched fails there first.
"""

from __future__ import annotations

import copy
import functools
import inspect
import threading
from collections.abc import Iterator
from typing import Any

_LOCK = threading.RLock()
_INSTALLED = False
# Moved on by every DynamoDB request that may write, so the index maps made before are made again.
_WRITES = 0
# What DynamoDB answers without writing: every other action moves `_WRITES` on.
_READS = frozenset(
    {
        "GetItem",
        "BatchGetItem",
        "Query",
        "Scan",
        "TransactGetItems",
        "DescribeTable",
        "ListTables",
        "DescribeTimeToLive",
        "DescribeContinuousBackups",
        "ListTagsOfResource",
    }
)


class _TablesNotCopied:
    """The `copy` module as moto's DynamoDB backend sees it: a table is never deep-copied (its
    backup becomes the table itself, so moto's own rollback changes nothing), anything else is."""

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        from moto.dynamodb.models.table import Table

        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _snapshot(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Each item the transaction names, as it stands (None where there is none yet)."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    saved = []
    for entry in transact_items:
        if len(entry) != 1:
            continue  # moto refuses it before writing anything
        op = next(iter(entry.values()))
        table = backend.tables.get(op.get("TableName"))
        if table is None:
            continue
        attrs = op.get("Key") or op.get("Item") or {}
        if table.hash_key_attr not in attrs:
            continue
        hash_value = DynamoType(attrs[table.hash_key_attr])
        range_value = None
        if table.range_key_attr is not None:
            if table.range_key_attr not in attrs:
                continue
            range_value = DynamoType(attrs[table.range_key_attr])
        current = table.get_item(hash_value, range_value)
        saved.append((table, hash_value, range_value, copy.deepcopy(current)))
    return saved


def _restore(saved: list[tuple[Any, ...]]) -> None:
    for table, hash_value, range_value, item in reversed(saved):
        if item is None:
            table.delete_item(hash_value, range_value)
        elif range_value is not None:
            table.items[hash_value][range_value] = item
        else:
            table.items[hash_value] = item


def _meets_key_conditions(item: Any, arguments: dict[str, Any]) -> bool:
    for name, value in arguments.get("hash_key_conditions") or ():
        found = item.attrs.get(name)
        if not found or found != value:
            return False
    ranges = arguments.get("range_key_conditions") or ()
    for name, _comparison, values in ranges[:-1]:  # all but the last are equalities
        found = item.attrs.get(name)
        if not found or found != values[0]:
            return False
    comparison = arguments.get("range_comparison")
    if ranges and comparison:
        found = item.attrs.get(ranges[-1][0])
        if not found or not found.compare(comparison, arguments.get("range_objs") or []):
            return False
    return True


def _every_item(table: Any) -> Iterator[Any]:
    for stored in table.items.values():
        if table.range_key_attr:
            yield from stored.values()
        else:
            yield stored


def _by_hash_key(table: Any, attribute: str) -> dict[Any, list[Any]]:
    """The table's items by their value of an index's hash key, as of the last write."""
    kept = table.__dict__.setdefault("_sla_index_maps", {})
    made_at, items = kept.get(attribute, (None, None))
    if made_at != _WRITES or items is None:
        items = {}
        for item in _every_item(table):
            value = item.attrs.get(attribute) if hasattr(item, "attrs") else None
            if value is not None:
                items.setdefault(value, []).append(item)
        kept[attribute] = (_WRITES, items)
    return items


def _partition(table: Any, hash_key: Any) -> list[Any]:
    stored = table.items.get(hash_key) if hash_key is not None else None
    if not stored:
        return []
    return list(stored.values()) if table.range_key_attr else [stored]


def install() -> None:
    """Apply the fixes to moto in this process (again is harmless)."""
    global _INSTALLED
    with _LOCK:
        if _INSTALLED:
            return
        from moto.dynamodb import models
        from moto.dynamodb.responses import DynamoHandler

        models.copy = _TablesNotCopied  # type: ignore[assignment]
        original_transaction = models.DynamoDBBackend.transact_write_items

        @functools.wraps(original_transaction)
        def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
            with _LOCK:
                saved = _snapshot(self, transact_items)
                try:
                    original_transaction(self, transact_items)
                except Exception:
                    _restore(saved)
                    raise

        models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]

        original_call = DynamoHandler.call_action

        @functools.wraps(original_call)
        def call_action(self: Any) -> Any:
            global _WRITES
            with _LOCK:
                target = str((getattr(self, "headers", None) or {}).get("X-Amz-Target", ""))
                try:
                    return original_call(self)
                finally:
                    if target.rpartition(".")[2] not in _READS:
                        _WRITES += 1

        DynamoHandler.call_action = call_action  # type: ignore[method-assign]

        from moto.dynamodb.models.dynamo_type import Item
        from moto.dynamodb.models.table import Table

        original_query = Table.query
        signature = inspect.signature(original_query)

        @functools.wraps(original_query)
        def query(self: Any, *args: Any, **kwargs: Any) -> Any:
            arguments = signature.bind(self, *args, **kwargs).arguments
            if not arguments.get("index_name"):
                with _LOCK:
                    # The table's own partition, which is what DynamoDB reads.
                    candidates = _partition(self, arguments.get("hash_key"))
                    self.all_items = lambda: candidates
                    try:
                        return original_query(self, *args, **kwargs)
                    finally:
                        del self.all_items
            if not arguments.get("hash_key_conditions"):
                return original_query(self, *args, **kwargs)
            with _LOCK:
                # In no order (moto's `all_items` sorts the whole table): an index query sorts
                # what it finds by the index's keys.
                name, value = arguments["hash_key_conditions"][0]
                candidates = [
                    item
                    for item in _by_hash_key(self, name).get(value, ())
                    if isinstance(item, Item) and _meets_key_conditions(item, arguments)
                ]
                self.all_items = lambda: candidates
                try:
                    return original_query(self, *args, **kwargs)
                finally:
                    del self.all_items

        Table.query = query  # type: ignore[method-assign]
        _answer_attribute_values_as_stored()
        _refuse_unwritable_attributes()
        _INSTALLED = True


_SCALARS = frozenset({"S", "N"})
_FLAGS = frozenset({"BOOL", "NULL"})
_SETS = frozenset({"SS", "NS"})


def _as_stored(value: Any) -> dict[str, Any] | None:
    """A copy of a DynamoDB attribute value of the plain types, or None to leave it to moto."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    ((tag, inner),) = value.items()
    if tag in _SCALARS:
        return {tag: inner} if isinstance(inner, str) else None
    if tag in _FLAGS:
        return {tag: inner} if isinstance(inner, bool) else None
    if tag in _SETS:
        plain = isinstance(inner, list) and all(isinstance(v, str) for v in inner)
        return {tag: list(inner)} if plain else None
    if tag == "M" and isinstance(inner, dict):
        members = {k: _as_stored(v) for k, v in inner.items()}
        return None if any(v is None for v in members.values()) else {"M": members}
    if tag == "L" and isinstance(inner, list):
        items = [_as_stored(v) for v in inner]
        return None if any(v is None for v in items) else {"L": items}
    return None


def _answer_attribute_values_as_stored() -> None:
    from moto.core.serialize import JSONSerializer

    walk = JSONSerializer._serialize_type_structure

    @functools.wraps(walk)
    def serialize_structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if key and shape.name == "AttributeValue":
            stored = _as_stored(value)
            if stored is not None:
                serialized[key] = stored
                return
        walk(self, serialized, value, shape, key)

    JSONSerializer._serialize_type_structure = serialize_structure  # type: ignore[method-assign]


def _refuse_unwritable_attributes() -> None:
    from moto.cognitoidp.exceptions import NotAuthorizedError
    from moto.cognitoidp.models import CognitoIdpBackend

    original_update = CognitoIdpBackend.update_user_attributes

    @functools.wraps(original_update)
    def update_user_attributes(
        self: Any, access_token: str, attributes: list[dict[str, str]]
    ) -> None:
        for pool in self.user_pools.values():
            if access_token not in pool.access_tokens:
                continue
            client_id, _ = pool.access_tokens[access_token]
            client = pool.clients.get(client_id)
            # A client without WriteAttributes lets every attribute be written, as in Cognito.
            writable = client.extended_config.get("WriteAttributes") if client else None
            if writable is not None and any(a["Name"] not in writable for a in attributes):
                raise NotAuthorizedError("A client attempted to write unauthorized attribute")
        original_update(self, access_token, attributes)

    CognitoIdpBackend.update_user_attributes = update_user_attributes  # type: ignore[method-assign]
