"""The raw-mail bucket as intake sees it: read a message, keep an attachment.

A port so the intake logic runs in unit tests without S3; the S3 adapter is the only code here
that talks to AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class RawMailStore(Protocol):
    def read(self, bucket: str, key: str) -> bytes:
        """The stored bytes. Raises when the object is missing: that delivery must be retried."""
        ...

    def keep(
        self, key: str, content: bytes, *, content_type: str, metadata: Mapping[str, str]
    ) -> None:
        """Store `content` under `key` in the raw-mail bucket (overwriting: keys are derived from
        the message, so a retry writes the same object again)."""
        ...


class S3RawMailStore:
    def __init__(self, client: Any, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def read(self, bucket: str, key: str) -> bytes:
        answer = self.client.get_object(Bucket=bucket, Key=key)
        return bytes(answer["Body"].read())

    def keep(
        self, key: str, content: bytes, *, content_type: str, metadata: Mapping[str, str]
    ) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=content,
            ContentType=content_type,
            Metadata=dict(metadata),
        )


@dataclass
class StoredObject:
    content: bytes
    content_type: str = "application/octet-stream"
    metadata: dict[str, str] = field(default_factory=dict)


class InMemoryRawMailStore:
    """Stands in for the bucket in unit tests."""

    def __init__(self, bucket: str = "raw-mail") -> None:
        self.bucket = bucket
        self.objects: dict[tuple[str, str], StoredObject] = {}

    def put_raw(self, key: str, content: bytes) -> None:
        """What SES's S3 action does: the message lands in the bucket before intake runs."""
        self.objects[(self.bucket, key)] = StoredObject(content, "message/rfc822")

    def read(self, bucket: str, key: str) -> bytes:
        return self.objects[(bucket, key)].content

    def keep(
        self, key: str, content: bytes, *, content_type: str, metadata: Mapping[str, str]
    ) -> None:
        self.objects[(self.bucket, key)] = StoredObject(content, content_type, dict(metadata))
