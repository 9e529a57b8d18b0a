"""Which database answers: readers' pages from the read replica, all else the primary.

With ``DATABASE_REPLICA_URL`` set, the settings add a ``replica`` database. Only the
requests that :class:`ReplicaReadsMiddleware` marks read from it: an anonymous
reader's GET or HEAD of a public page. Everything else reads the primary, as do
management commands and any code outside a request, because a replica lags behind:
an editor must see what they just saved, a form must validate against current
rows, an import must not decide from a stale copy. A request that writes switches
its remaining reads to the primary, so it never reads back older data than it wrote.
Migrations run on the primary only; the replica gets the schema by replication.

The lag matters to the page cache too: a publish invalidates cached pages at once,
and a page recomputed from a replica that has not yet received the publish would
be cached with the new versions, stale until the next change. So every write of
what readers see, from any process, also sends every reader to the primary for
``DATABASE_REPLICA_MAX_LAG`` seconds, through a mark in the shared cache.
"""

import contextvars
import logging
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
# Editors' and signed-in pages must see their own writes at once.
PRIMARY_ONLY_PREFIXES = ("/admin/", "/preview/")
SAFE_METHODS = ("GET", "HEAD")
RECENT_WRITE_KEY = "newsroom:replica:primary-only-until"
# Writes no reader sees (logins, sessions, who has a story open, revision history):
# the replica may miss them for a while, so they leave readers where they are.
UNSEEN_BY_READERS = frozenset(
    {"admin", "auth", "axes", "reversion", "sessions", "articles.editpresence"}
)


class ReadState:
    """Whether the current request may still read from the replica."""

    def __init__(self, replica: bool) -> None:
        self.replica = replica
        self.caught_up: bool | None = None  # asked once, at the request's first read


_reads: contextvars.ContextVar[ReadState | None] = contextvars.ContextVar(
    "newsroom_reads", default=None
)
# When this process last renewed the mark: renewing it at every write of a long
# import would cost a cache write per row.
_marked_at = 0.0


@contextmanager
def replica_reads() -> Iterator[ReadState]:
    """Let reads in this block go to the replica, until the block writes."""
    state = ReadState(replica=True)
    token = _reads.set(state)
    try:
        yield state
    finally:
        _reads.reset(token)


def has_replica() -> bool:
    return REPLICA in connections.settings


def note_write() -> None:
    """Send readers to the primary for the replica's lag from now on (every process).

    Called before each write; renewed every half lag while writes go on and held
    for one and a half lags, so every write is covered for at least a lag.
    """
    global _marked_at
    now, lag = time.time(), settings.DATABASE_REPLICA_MAX_LAG
    if now - _marked_at < lag / 2:
        return
    # Held for half a lag more than the lag: a write just before the next renewal
    # is due is still covered for a whole lag after it.
    until = now + 1.5 * lag
    try:
        cache.set(RECENT_WRITE_KEY, until, timeout=math.ceil(1.5 * lag) + 1)
    except Exception:
        logger.warning("Cannot mark a write for the replica router", exc_info=True)
        return
    _marked_at = now


def seen_by_readers(model) -> bool:
    meta = model._meta
    return not {meta.app_label, meta.label_lower} & UNSEEN_BY_READERS


def replica_caught_up() -> bool:
    """Whether no write is recent enough to be missing from the replica."""
    try:
        until = cache.get(RECENT_WRITE_KEY)
    except Exception:
        logger.warning("Cannot read the replica router's mark", exc_info=True)
        return False  # slower on the primary, never stale
    return until is None or until <= time.time()


@receiver(setting_changed)
def forget_mark(*, setting: str, **kwargs) -> None:
    """A different cache holds no mark of this process's writes."""
    global _marked_at
    if setting == "CACHES":
        _marked_at = 0.0


def may_use_replica(request: HttpRequest) -> bool:
    """A public read by an anonymous reader: nothing there needs the latest write."""
    return (
        request.method in SAFE_METHODS
        and not request.path_info.startswith(PRIMARY_ONLY_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class ReplicaReadsMiddleware:
    """Mark the requests whose reads may go to the replica (see the module's doc).

    Placed before the page cache, sessions and authentication, so that everything
    an anonymous reader's request reads comes from the same database. Costs nothing
    on a cached page: the mark of recent writes is read at the first query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not may_use_replica(request):
            return self.get_response(request)
        with replica_reads():
            return self.get_response(request)


class PrimaryReplicaRouter:
    """Route reads to the replica when allowed; writes and migrations to the primary."""

    def db_for_read(self, model, **hints) -> str:
        state = _reads.get()
        if state is None or not state.replica or not has_replica():
            return DEFAULT_DB_ALIAS
        if state.caught_up is None:
            state.caught_up = replica_caught_up()
        return REPLICA if state.caught_up else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        if has_replica():
            state = _reads.get()
            if state is not None:
                state.replica = False  # read back what this request writes
            if seen_by_readers(model):
                note_write()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        """Rows from either copy of the one database may point at each other."""
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        """Never migrate the replica: it gets its tables by replication."""
        return db != REPLICA
