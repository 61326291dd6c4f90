"""Whether a customer's words, written after a complaint's stage 1 response, ask for stage 2.

The council's own words for it, and what residents write: "stage 2", "second stage", "escalate",
"a review", "look at my complaint again", "not happy with the response", "take it further",
"appeal". A request the customer turns down in the same breath ("no need to escalate, thank you")
is not one, and neither is a plain thank-you. What reads as none of these may still be a request:
intake then puts it to staff as a *possible* stage 2 request rather than guessing
(`replies.record_customer_reply`).
"""

from __future__ import annotations

import re

# Asking for the next step by name. Each is checked for a "no" just before it.
_ASKING = (
    r"stage\s*(?:2|two|ii)",
    r"(?:second|next|2nd)\s+stage",
    r"escalat(?:e|ed|es|ing|ion)",
    r"(?:a|an|independent|further|formal|another|full|senior)\s+review",
    r"review\s+(?:of\s+)?(?:my|the|this|your|our|that)\s+(?:\w+\s+)?"
    r"(?:complaint|case|decision|response|outcome|reply|answer|findings)",
    r"(?:to\s+be|be|been|get\s+(?:it|this)|have\s+(?:it|this))\s+(?:re-?)?reviewed",
    r"reviewed\s+(?:again|by\s+(?:someone|somebody|a\s+senior|a\s+different|another|a\s+manager))",
    r"reconsider",
    r"look\s+(?:at\s+|into\s+)?(?:it|this|that|my\s+complaint|my\s+case|the\s+complaint)\s+again",
    r"(?:take|taking|took)\s+(?:it|this|my\s+complaint|the\s+(?:matter|complaint)|things|matters)"
    r"\s+further",
    r"appeal(?:s|ed)?",
)
# Not satisfied with what the council said. "Not happy with this" alone is left to staff.
_DISSATISFIED = (
    r"(?:not|n't|never|less\s+than|far\s+from)\s+(?:at\s+all\s+)?(?:happy|satisfied|content)"
    r"|unhappy|dissatisfied|disappointed"
)
_ANSWER = r"(?:response|outcome|reply|answer|decision|findings|result|letter|conclusion)"
_WITH_THE_ANSWER = re.compile(
    rf"(?<!\w)(?:{_DISSATISFIED})\s+(?:at\s+all\s+)?(?:with|about|by)\s+"
    rf"(?:(?:the|your|this|that|my|its|their|his|her)\s+)?(?:[\w']+\s+){{0,2}}{_ANSWER}",
    re.IGNORECASE,
)
_ASKING_PATTERNS = tuple(
    re.compile(rf"(?<!\w)(?:{phrase})(?!\w)", re.IGNORECASE) for phrase in _ASKING
)
# A "no" just before the words, with nothing between but the words that carry it: "I do not
# want to escalate", "no need for a review", "not asking for stage 2". A "no" further off is
# about something else: "not happy, so please escalate".
_CARRYING = (
    r"(?:want|wish|need|intend|plan|going|like|be|to|a|an|the|for|it|this|any|ask|asking|"
    r"request|requesting|seek|seeking|see|do|will|would|have|me|my|complaint|case|further)"
)
_TURNED_DOWN = re.compile(
    rf"(?:(?<!\w)(?:no|not|never|without|nor)|n't)(?:\s+{_CARRYING}){{0,4}}\s*$",
    re.IGNORECASE,
)
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def stage_2_request_words(text: str) -> str | None:
    """The words that ask for stage 2, as written, or None when the text does not clearly ask."""
    plain = (text or "").translate(_QUOTES)
    found = _WITH_THE_ANSWER.search(plain)
    if found is not None:
        return found.group(0)
    for pattern in _ASKING_PATTERNS:
        for match in pattern.finditer(plain):
            if not _TURNED_DOWN.search(plain[: match.start()]):
                return match.group(0)
    return None


def reads_as_stage_2_request(text: str) -> bool:
    """Whether the customer's words clearly ask for their complaint to go to stage 2."""
    return stage_2_request_words(text) is not None


_THANKS = re.compile(
    r"(?<!\w)(?:thanks|thank\s+you|thankyou|cheers|many\s+thanks|grateful|appreciated?)(?!\w)",
    re.IGNORECASE,
)
# Words that make a thank-you more than one: a question, a "but", something still wrong.
_MORE_THAN_THANKS = re.compile(
    r"\?|(?<!\w)(?:but|however|although|though|still|yet|not|no|never|unhappy|disappointed|"
    r"dissatisfied|wrong|complain(?:ed|ing|s)?)(?!\w)|n't",
    re.IGNORECASE,
)
_PLAIN_THANKS_LENGTH = 300


def is_plain_thanks(text: str) -> bool:
    """A short thank-you and nothing more ("Thank you, that's sorted now."): not a stage 2
    request, and nothing for staff to decide."""
    plain = " ".join((text or "").translate(_QUOTES).split())
    return (
        len(plain) <= _PLAIN_THANKS_LENGTH
        and _THANKS.search(plain) is not None
        and _MORE_THAN_THANKS.search(plain) is None
        and not reads_as_stage_2_request(plain)
    )
