"""The case store and the directory in DynamoDB, through pynamodb.

One table holds a case, its timeline and its bookkeeping, under the case's partition:

    pk                      sk                       what
    CASE#<reference>        CASE                     the case (carries the next-due index keys)
    CASE#<reference>        EVENT#<utc>#<rev>#<n>#<nonce>  a timeline event
    CASE#<reference>        CLAIM#<action key>       a sweep's claim on an owed action
    CASE#<reference>        LETTER#<action key>      a customer letter as sent (its PDF too)
    DELIVERY#<key>          DELIVERY                 what one delivery became (idempotency)
    MESSAGE#<message-id>    MESSAGE                  an email Message-ID that threads to a case
    COUNTER#<prefix>-<year> COUNTER                  the atomic reference counter
    RATE#<kind>#<digest>    HOUR#<utc hour>          new cases from one address or source (TTL)
    SIGN_IN#<token digest>  SIGN_IN                  a resident's one-time sign-in link (TTL)
    SIGN_IN#<customer key>  LINK#<token digest>      points at one, by its address (TTL with it)
    TRIAGE                  <utc>#<key>              a message that did not become a case
    TRIAGE#<customer key>   <utc>#<key>              points at one, by its sender (TTL with it)
    CLASSIFIER_EXAMPLE      <reference>              a case's message with the type staff gave it
    EXPORT#<id>             EXPORT                   a spreadsheet of a work list view (TTL)
    SESSIONS#<holder>       SESSION#<digest>         a staff or resident's session (TTL)
    SESSIONS#<holder>       ENDED                    when all the holder's sessions were ended
    ACCOUNT_CHANGES         <utc>#<nonce>            a change to a staff account (audit trail)
    VIEWS#<officer id>      VIEW#<name>              an officer's saved view of the work list

The next-due index is sparse: only case items with a due instant carry `due_shard` and
`next_due_at`. Its partition key is spread over the deployment's index shards (`DUE_SHARDS` unless
set) so writes never pile onto one partition; a sweep queries each shard it is given for
`next_due_at <= now` and merges them oldest first.
Every case item also carries `received_month` ("2026-12"), the key of the received-month index
the reports read one month at a time. A case with an email address carries `customer_key` (a
digest of the address), the key of the sparse customer-cases index the residents' pages read.


The package, top down: `case_store` and `directory_store` (the two stores), `items` (a case and
its timeline as items, and the keys they are stored under), `models` (the pynamodb models, made
per table name on first use).
"""

from sla_monitor.store.dynamodb.case_store import DynamoDBCaseStore
from sla_monitor.store.dynamodb.directory_store import DynamoDBDirectoryStore
from sla_monitor.store.dynamodb.items import due_shard, index_instant, message_key, open_shard
from sla_monitor.store.dynamodb.models import (
    CaseTableModels,
    case_table_models,
    directory_model,
    forget_bound_models,
)

__all__ = [
    "CaseTableModels",
    "DynamoDBCaseStore",
    "DynamoDBDirectoryStore",
    "case_table_models",
    "directory_model",
    "due_shard",
    "forget_bound_models",
    "index_instant",
    "message_key",
    "open_shard",
]
