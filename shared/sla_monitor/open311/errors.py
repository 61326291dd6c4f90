"""Why the open status API cannot answer a request: each refusal carries its HTTP status, which
is also the code of the specification's error record."""

from __future__ import annotations


class Open311Error(Exception):
    """A request the API cannot answer; `status` is the HTTP status and the error's code."""

    status = 400

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class BadRequest(Open311Error):
    status = 400


class NotFound(Open311Error):
    status = 404
