"""The version a document gives itself, and how two of them compare.

Agencies resend stories: corrections, later writethrus, and sometimes an older copy
that a slow feed delivers after a newer one. Each format says which version a
document is in its own way: NewsML-G2 a ``version`` number, ninjs a ``version``
string (else its ``versioncreated`` time), NITF ``du-key/@version`` (else its
``date.issue``). Plain text says nothing, so its version is the hash of its
normalised text, which also lets the same text under another file name be known.

Versions are kept as text in ``Article.imported_source_version``. Two versions are
ordered only when both are whole numbers or both are times; any other pair (two
content hashes, a number and a time, two UUIDs) has no order, and the newcomer is
treated as newer, so a document is never skipped on a guess.
"""

import hashlib
import re
import unicodedata
from datetime import UTC, datetime

VERSION_MAX = 100  # Article.imported_source_version
HASH_PREFIX = "sha256:"
WHOLE_NUMBER = re.compile(r"\d{1,30}")
BLANK_LINES = re.compile(r"\n{3,}")


def content_hash(text: str) -> str:
    """Return "sha256:<hex>" of ``text`` normalised, so the same story hashes alike.

    Normalised: Unicode NFC, one newline convention, no trailing spaces on a line,
    at most one blank line in a row, no blank lines around the text. Whatever a
    mail client or an editor's save does to the same words changes nothing here.
    """
    text = unicodedata.normalize("NFC", text.removeprefix("\ufeff"))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    text = BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in lines))
    return HASH_PREFIX + hashlib.sha256(text.strip("\n").encode()).hexdigest()


def normalise_version(value: object) -> str:
    """Return a document's version as stored: a number as digits, a time in UTC.

    "007" and 7 are both "7"; "2017-11-24T10:30:00+01:00" is "2017-11-24T09:30:00Z";
    anything else is kept, trimmed, up to ``VERSION_MAX`` characters.
    """
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return str(value) if value >= 0 else ""
    text = " ".join(str(value).split())
    if WHOLE_NUMBER.fullmatch(text):
        return str(int(text))
    moment = _time(text)
    if moment is not None:
        return moment.isoformat().replace("+00:00", "Z")
    return text[:VERSION_MAX]


def is_older(new: str, old: str) -> bool:
    """Tell whether version ``new`` comes before ``old``; False when unordered."""
    if not new or not old:
        return False
    if WHOLE_NUMBER.fullmatch(new) and WHOLE_NUMBER.fullmatch(old):
        return int(new) < int(old)
    new_time, old_time = _time(new), _time(old)
    if new_time is not None and old_time is not None:
        return new_time < old_time
    return False


def _time(text: str) -> datetime | None:
    """Read an ISO 8601 time; one without an offset is taken as UTC."""
    if len(text) < 10 or not text[:4].isdigit():
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (
        moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    )
