"""Moments at which pages change by time alone, with no write to announce it.

A scheduled story goes live, an embargo lifts, a pinned slot starts or ends: no save
happens at that moment, so no tag is invalidated. Each app registers a function
returning the next such moment; a page stored now is served only until the
earliest of them.
"""

from collections.abc import Callable
from datetime import datetime

NextChange = Callable[[], datetime | None]

_functions: list[NextChange] = []


def register_next_change(fn: NextChange) -> NextChange:
    """Register ``fn() -> datetime | None``: the next future moment pages change.

    Registering the same function twice (an app's ``ready()`` run again) has no
    effect. Returns ``fn``, so it can be used as a decorator.
    """
    if fn not in _functions:
        _functions.append(fn)
    return fn


def next_change() -> datetime | None:
    """Return the earliest moment any registered function gives, or None."""
    moments = [moment for fn in _functions if (moment := fn()) is not None]
    return min(moments, default=None)
