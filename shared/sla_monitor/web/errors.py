"""Why the public pages could not accept a request. The function maps each to an HTTP answer in
one place; each carries the plain words the person is shown, never internal detail."""

from __future__ import annotations


class FormNotAccepted(Exception):
    """A request the form cannot use. `title` and `advice` are shown to the person."""

    title = "Sorry, we could not accept your form"
    advice = "Go back to the form and try again."


class WrongContentType(FormNotAccepted):
    advice = "Your browser sent the form in a way we cannot read. Go back and try again."

    def __init__(self, media_type: str) -> None:
        super().__init__(f"unsupported content type {media_type!r}")
        self.media_type = media_type


class EmptyForm(FormNotAccepted):
    advice = "The form arrived empty. Go back to the form, answer the questions and try again."

    def __init__(self) -> None:
        super().__init__("empty body")


class FormTooLarge(FormNotAccepted):
    advice = "The form was too long for us to accept. Go back and shorten your answers."

    def __init__(self, size: int) -> None:
        super().__init__(f"body of {size} bytes")
        self.size = size


class UnreadableForm(FormNotAccepted):
    advice = "Your browser sent the form in a way we cannot read. Go back and try again."


class FormExpired(FormNotAccepted):
    """The form's security check failed: too old, from another site, or its cookie was lost."""

    title = "Sorry, this form has expired"
    advice = (
        "For your security, forms expire after a few hours and only work in the browser that "
        "opened them. Start again to send your message."
    )


class AnswersAltered(FormNotAccepted):
    """The answers on the check page were changed after we checked them."""

    advice = "Your answers could not be checked. Start again to send your message."


class SuspectedSpam(FormNotAccepted):
    """The honeypot field, hidden from people, was filled in."""

    advice = "If you are a person, please phone us and we will take your message."

    def __init__(self) -> None:
        super().__init__("honeypot filled")


class TooManyMessages(FormNotAccepted):
    """More new cases from one email address or one computer in an hour than the council
    takes automatically: the message is kept for staff, without an acknowledgement."""

    title = "We have kept your message"
    advice = (
        "We have had a lot of messages from you in the last hour, so this one will be read by "
        "a member of staff rather than registered straight away. You do not need to send it "
        "again."
    )

    def __init__(self, evidence: str) -> None:
        super().__init__(evidence)


class ReceiptNotRecognised(Exception):
    """A confirmation page was asked for with a receipt we did not issue (or for no case)."""
