"""The local-only fixes to moto's DynamoDB (sla_monitor_local.emulator): a transaction is still all
or nothing, but backs up only its own items; an index query answers exactly as DynamoDB would."""

from __future__ import annotations

import copy
from unittest import mock

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table
from sla_monitor_local import emulator

REGION = "eu-west-2"


@pytest.fixture
def client():
    emulator.install()
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(
            TableName="t",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "shard", "AttributeType": "S"},
                {"AttributeName": "due", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by-due",
                    "KeySchema": [
                        {"AttributeName": "shard", "KeyType": "HASH"},
                        {"AttributeName": "due", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )
        yield dynamodb


def _put(client, pk: str, **attributes: str) -> None:
    item = {"pk": {"S": pk}, "sk": {"S": "CASE"}}
    item.update({name: {"S": value} for name, value in attributes.items()})
    client.put_item(TableName="t", Item=item)


def _get(client, pk: str) -> dict | None:
    return client.get_item(TableName="t", Key={"pk": {"S": pk}, "sk": {"S": "CASE"}}).get("Item")


def _failing_transaction(client) -> None:
    """Writes two items, then fails on a third's condition: nothing of it may stay."""
    with pytest.raises(ClientError) as raised:
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "t", "Item": {"pk": {"S": "new"}, "sk": {"S": "CASE"}}}},
                {
                    "Update": {
                        "TableName": "t",
                        "Key": {"pk": {"S": "old"}, "sk": {"S": "CASE"}},
                        "UpdateExpression": "SET note = :n",
                        "ExpressionAttributeValues": {":n": {"S": "changed"}},
                    }
                },
                {
                    "Put": {
                        "TableName": "t",
                        "Item": {"pk": {"S": "taken"}, "sk": {"S": "CASE"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
    assert raised.value.response["Error"]["Code"] == "TransactionCanceledException"


def test_a_failed_transaction_leaves_nothing_behind(client):
    _put(client, "old", note="as it was")
    _put(client, "taken")

    _failing_transaction(client)

    assert _get(client, "new") is None
    assert _get(client, "old")["note"] == {"S": "as it was"}
    assert _get(client, "taken") is not None


def test_a_successful_transaction_writes_every_item(client):
    _put(client, "old", note="as it was")
    client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "t", "Item": {"pk": {"S": "new"}, "sk": {"S": "CASE"}}}},
            {
                "Update": {
                    "TableName": "t",
                    "Key": {"pk": {"S": "old"}, "sk": {"S": "CASE"}},
                    "UpdateExpression": "SET note = :n",
                    "ExpressionAttributeValues": {":n": {"S": "changed"}},
                }
            },
        ]
    )
    assert _get(client, "new") is not None
    assert _get(client, "old")["note"] == {"S": "changed"}


def test_a_failed_transaction_keeps_a_write_made_while_it_ran(client):
    """moto restored whole tables, losing what another client wrote meanwhile; the fix restores
    only the transaction's own items."""
    _put(client, "taken")
    backend = dynamodb_backends["123456789012"][REGION]
    put_item = backend.put_item
    written = []

    def put_item_beside_another_client(*args, **kwargs):
        if not written:  # another client's write lands while the transaction runs
            written.append(True)
            put_item("t", {"pk": {"S": "elsewhere"}, "sk": {"S": "CASE"}})
        return put_item(*args, **kwargs)

    with mock.patch.object(backend, "put_item", put_item_beside_another_client):
        _failing_transaction(client)

    assert written
    assert _get(client, "elsewhere") is not None
    assert _get(client, "new") is None


def test_a_transaction_copies_no_table(client):
    for number in range(20):
        _put(client, f"case-{number}")
    _put(client, "taken")
    copied = []
    deepcopy = copy.deepcopy

    def watching(value, memo=None):
        if isinstance(value, Table):
            copied.append(value.name)
        return deepcopy(value, memo)

    with mock.patch("copy.deepcopy", watching):
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "t", "Item": {"pk": {"S": "new"}, "sk": {"S": "CASE"}}}}
            ]
        )
        _failing_transaction(client)
    assert copied == []


def _query_all(client, *, limit: int, **condition) -> list[str]:
    found, start = [], None
    while True:
        page = client.query(
            TableName="t",
            IndexName="by-due",
            Limit=limit,
            **condition,
            **({"ExclusiveStartKey": start} if start else {}),
        )
        found.extend(item["pk"]["S"] for item in page["Items"])
        start = page.get("LastEvaluatedKey")
        if not start:
            return found


@pytest.mark.parametrize("limit", [1, 2, 3, 100])
def test_an_index_query_answers_as_dynamodb_does(client, limit):
    dues = {f"case-{n}": f"2026-12-{n + 1:02d}" for n in range(12)}
    for pk, due in dues.items():
        _put(client, pk, shard=f"DUE#{int(pk.split('-')[1]) % 2}", due=due)
    _put(client, "not-in-the-index")  # no index keys: sparse
    _put(client, "no-due-yet", shard="DUE#0")  # half the keys: not in the index either

    due_by_the_8th = _query_all(
        client,
        limit=limit,
        KeyConditionExpression="shard = :s AND due <= :d",
        ExpressionAttributeValues={":s": {"S": "DUE#0"}, ":d": {"S": "2026-12-08"}},
    )
    assert due_by_the_8th == ["case-0", "case-2", "case-4", "case-6"]

    whole_shard = _query_all(
        client,
        limit=limit,
        KeyConditionExpression="shard = :s",
        ExpressionAttributeValues={":s": {"S": "DUE#1"}},
    )
    assert whole_shard == [f"case-{n}" for n in range(1, 12, 2)]

    between = _query_all(
        client,
        limit=limit,
        KeyConditionExpression="shard = :s AND due BETWEEN :a AND :b",
        ExpressionAttributeValues={
            ":s": {"S": "DUE#1"},
            ":a": {"S": "2026-12-04"},
            ":b": {"S": "2026-12-10"},
        },
    )
    assert between == ["case-3", "case-5", "case-7", "case-9"]


def _shard(client, shard: str) -> list[str]:
    return _query_all(
        client,
        limit=100,
        KeyConditionExpression="shard = :s",
        ExpressionAttributeValues={":s": {"S": shard}},
    )


def test_an_index_query_sees_every_write_made_before_it(client):
    """The index's partitions are mapped once and kept until the next write: each kind of write
    is seen by the next query."""
    _put(client, "case-1", shard="DUE#0", due="2026-12-01")
    _put(client, "case-2", shard="DUE#0", due="2026-12-02")
    assert _shard(client, "DUE#0") == ["case-1", "case-2"]

    _put(client, "case-3", shard="DUE#0", due="2026-12-03")  # a new item
    client.update_item(  # an item moved to another partition of the index
        TableName="t",
        Key={"pk": {"S": "case-1"}, "sk": {"S": "CASE"}},
        UpdateExpression="SET #shard = :s",
        ExpressionAttributeNames={"#shard": "shard"},
        ExpressionAttributeValues={":s": {"S": "DUE#1"}},
    )
    assert _shard(client, "DUE#0") == ["case-2", "case-3"]
    assert _shard(client, "DUE#1") == ["case-1"]

    client.delete_item(TableName="t", Key={"pk": {"S": "case-2"}, "sk": {"S": "CASE"}})
    client.transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": "t",
                    "Key": {"pk": {"S": "case-3"}, "sk": {"S": "CASE"}},
                    "UpdateExpression": "REMOVE #shard",  # out of the sparse index
                    "ExpressionAttributeNames": {"#shard": "shard"},
                }
            }
        ]
    )
    assert _shard(client, "DUE#0") == []


def test_queries_between_writes_walk_the_table_once(client):
    for n in range(6):
        _put(client, f"case-{n}", shard=f"DUE#{n % 3}", due=f"2026-12-0{n + 1}")
    with mock.patch.object(emulator, "_every_item", wraps=emulator._every_item) as walks:
        for shard in ("DUE#0", "DUE#1", "DUE#2", "DUE#0"):
            assert len(_shard(client, shard)) == 2
        assert walks.call_count == 1
        _put(client, "case-6", shard="DUE#0", due="2026-12-07")
        assert len(_shard(client, "DUE#0")) == 3
        assert walks.call_count == 2


def test_a_query_of_the_table_itself_answers_as_dynamodb_does(client):
    _put(client, "case-1", note="x")
    _put(client, "case-2", note="y")
    page = client.query(
        TableName="t",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "case-1"}},
    )
    assert [item["pk"]["S"] for item in page["Items"]] == ["case-1"]
    assert page["ScannedCount"] == 1
    nothing = client.query(
        TableName="t",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "case-3"}},
    )
    assert nothing["Items"] == []


def test_a_query_of_the_table_reads_only_its_partition(client):
    for n in range(30):
        _put(client, f"case-{n}")
    walked = []
    from moto.dynamodb.models.table import Table

    original = Table.all_items

    def watching(self):
        found = original(self)
        walked.append(len(found))
        return found

    with mock.patch.object(Table, "all_items", watching):
        client.query(
            TableName="t",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "case-7"}},
        )
    assert walked == []  # the emulator handed moto the partition, not the table


def test_every_type_of_attribute_value_reads_back_as_written(client):
    item = {
        "pk": {"S": "every-type"},
        "sk": {"S": "CASE"},
        "text": {"S": ""},
        "count": {"N": "12.5"},
        "yes": {"BOOL": True},
        "no": {"BOOL": False},
        "nothing": {"NULL": True},
        "names": {"SS": ["a", "b"]},
        "numbers": {"NS": ["1", "2"]},
        "file": {"B": b"\x00\xffbytes"},
        "files": {"BS": [b"one", b"two"]},
        "empty": {"M": {}},
        "nested": {"M": {"list": {"L": [{"S": "x"}, {"N": "1"}, {"M": {"b": {"B": b"\x01"}}}]}}},
    }
    client.put_item(TableName="t", Item=item)

    got = client.get_item(TableName="t", Key={"pk": {"S": "every-type"}, "sk": {"S": "CASE"}})
    queried = client.query(
        TableName="t",
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "every-type"}},
    )

    def as_sets(value: dict) -> dict:
        # DynamoDB keeps a set in no particular order.
        return {
            name: {
                kind: sorted(v) if kind in ("SS", "NS", "BS") else v for kind, v in typed.items()
            }
            for name, typed in value.items()
        }

    assert as_sets(got["Item"]) == as_sets(item)
    assert [as_sets(i) for i in queried["Items"]] == [as_sets(item)]
