"""The raw-mail bucket as intake sees it: read a message, keep an attachment, keep a file once.

A port so the intake logic runs in unit tests without S3; the S3 adapter is the only code here
that talks to AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

# S3's answers to a conditional write that found an object there (or one being written).
_TAKEN = frozenset({"PreconditionFailed", "ConditionalRequestConflict"})


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

    def keep_once(
        self, key: str, content: bytes, *, content_type: str, metadata: Mapping[str, str]
    ) -> bool:
        """Store `content` under `key` unless an object is there already, which then stays as
        it is: a file is written once, never replaced. False when something was there."""
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
        self._put(key, content, content_type, metadata)

    def keep_once(
        self, key: str, content: bytes, *, content_type: str, metadata: Mapping[str, str]
    ) -> bool:
        try:
            # S3 refuses the write when an object is there already, in one request, so two
            # writers racing cannot both win (moto honours the condition too).
            self._put(key, content, content_type, metadata, IfNoneMatch="*")
        except self.client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in _TAKEN:
                return False
            raise
        return True

    def _put(
        self,
        key: str,
        content: bytes,
        content_type: str,
        metadata: Mapping[str, str],
        **condition: str,
    ) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=content,
            ContentType=content_type,
            Metadata=dict(metadata),
            **condition,
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

    def keep_once(
        self, key: str, content: bytes, *, content_type: str, metadata: Mapping[str, str]
    ) -> bool:
        if (self.bucket, key) in self.objects:
            return False
        self.keep(key, content, content_type=content_type, metadata=metadata)
        return True
