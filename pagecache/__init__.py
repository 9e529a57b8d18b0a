"""Cache of anonymous public pages that is never stale.

Views say what a page shows with :func:`depend_on`; writes say what changed with
:func:`invalidate`. See docs/caching.md for the design.
"""

from .tags import depend_on, invalidate

__all__ = ["depend_on", "invalidate"]
