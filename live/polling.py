"""The ``since`` parameter of ``entries.json``: read strictly, written coarsely.

Pages and answers give the next ``since`` rounded down to the minute and a little
in the past: every reader open at the same time asks for the same address (so the
page cache answers most of them), and an entry whose transaction commits a moment
after its time is stamped is still fetched. ``live.js`` skips entries it already
shows unchanged.
"""

from datetime import UTC, datetime, timedelta

from django.utils.dateparse import parse_datetime

# Longer than any transaction that saves an entry.
COMMIT_GRACE = timedelta(seconds=60)


class BadSince(ValueError):
    """The ``since`` value is not an ISO 8601 time with a UTC offset."""


def since_token(now: datetime) -> str:
    """Return the ``since`` a client should send next, in UTC ("…Z")."""
    moment = (now - COMMIT_GRACE).astimezone(UTC)
    return moment.replace(second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_since(value: str) -> datetime:
    """Read an ISO 8601 time with its offset; raise BadSince saying what is wrong."""
    example = "2026-11-25T09:30:00Z"
    try:
        moment = parse_datetime(value.strip())
    except ValueError as error:
        raise BadSince(f"since={value!r} is not a valid time ({error}).") from error
    if moment is None:
        hint = (
            " A '+' in the offset must be sent as %2B, or use 'Z' for UTC."
            if " " in value.strip()
            else ""
        )
        raise BadSince(
            f"since={value!r} is not an ISO 8601 time; send e.g. {example}.{hint}"
        )
    if moment.tzinfo is None:
        raise BadSince(
            f"since={value!r} has no UTC offset; add one, e.g. {example} "
            "or 2026-11-25T12:30:00+03:00."
        )
    return moment
