"""The files a person sent (attachments, raw emails) where the mail bucket keeps them: read for a
subject access bundle, deleted for good by an erasure. The only code of `privacy` that talks to
AWS."""

from __future__ import annotations

from typing import Any, Protocol


class PersonsFiles(Protocol):
    def read(self, location: str) -> bytes | None:
        """The file's bytes, or None when it is no longer there (expired, or erased)."""
        ...

    def delete(self, location: str) -> None:
        """Delete it for good; a file already gone is no error."""
        ...


class S3PersonsFiles:
    """`location` is a key in the mail bucket, or an s3:// address (a raw email's place)."""

    def __init__(self, client: Any, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def _where(self, location: str) -> tuple[str, str]:
        if location.startswith("s3://"):
            bucket, _, key = location.removeprefix("s3://").partition("/")
            return bucket, key
        return self.bucket, location

    def read(self, location: str) -> bytes | None:
        bucket, key = self._where(location)
        try:
            answer = self.client.get_object(Bucket=bucket, Key=key)
        except self.client.exceptions.NoSuchKey:
            return None
        return bytes(answer["Body"].read())

    def delete(self, location: str) -> None:
        bucket, key = self._where(location)
        self.client.delete_object(Bucket=bucket, Key=key)
