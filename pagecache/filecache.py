"""Django's file cache, with values stored as plain pickles instead of zlib ones.

A page-cache hit reads two files (the page and the ``content`` version) and does
nothing else, so undoing the compression of a 30 KB page was a measurable part of
it. Pages are small and the cache folder is bounded by ``MAX_ENTRIES``: the disk
saved was not worth the time. The files get their own suffix, so a folder left by
the compressed backend is never read as plain pickles (those files are not
listed for culling either: clear the folder once after switching).
"""

import pickle

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks


class PlainFileCache(FileBasedCache):
    cache_suffix = ".pickle"

    def get(self, key, default=None, version=None):
        try:
            with open(self._key_to_file(key, version), "rb") as f:
                if not self._is_expired(f):
                    return pickle.load(f)
        except FileNotFoundError:
            pass
        return default

    def _write_content(self, file, timeout, value) -> None:
        expiry = self.get_backend_timeout(timeout)
        file.write(pickle.dumps(expiry, self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        try:
            with open(self._key_to_file(key, version), "r+b") as f:
                try:
                    locks.lock(f, locks.LOCK_EX)
                    if self._is_expired(f):
                        return False
                    value = pickle.load(f)
                    f.seek(0)
                    self._write_content(f, timeout, value)
                    f.truncate()
                    return True
                finally:
                    locks.unlock(f)
        except FileNotFoundError:
            return False
