"""The file cache that one machine's processes share (``pagecache.filecache``)."""

import pickle
import time
import zlib
from pathlib import Path

import pytest

from pagecache.filecache import PlainFileCache


@pytest.fixture
def cache(tmp_path: Path) -> PlainFileCache:
    return PlainFileCache(str(tmp_path), {})


def test_a_stored_page_comes_back_as_it_was(cache):
    page = {"status": 200, "content": b"<p>Ferries at dawn</p>" * 500}

    cache.set("pagecache:page:1", page, timeout=None)

    assert cache.get("pagecache:page:1") == page
    assert cache.get_many(["pagecache:page:1", "absent"]) == {"pagecache:page:1": page}


def test_values_are_stored_uncompressed(cache, tmp_path):
    cache.set("key", "x" * 10_000, timeout=None)

    (stored,) = tmp_path.glob("*.pickle")
    assert len(stored.read_bytes()) > 10_000
    with stored.open("rb") as f:
        pickle.load(f)  # the expiry
        assert pickle.load(f) == "x" * 10_000


def test_an_expired_value_is_gone(cache, tmp_path):
    cache.set("key", "value", timeout=1)
    time.sleep(1.1)

    assert cache.get("key", "gone") == "gone"
    assert not list(tmp_path.glob("*.pickle"))


def test_touch_extends_a_value_and_keeps_it_whole(cache):
    cache.set("key", "value", timeout=1)

    assert cache.touch("key", timeout=None)
    time.sleep(1.1)

    assert cache.get("key") == "value"
    assert not cache.touch("absent")


def test_add_keeps_the_first_value(cache):
    assert cache.add("tag", "first", timeout=None)
    assert not cache.add("tag", "second", timeout=None)
    assert cache.get("tag") == "first"


def test_files_of_the_compressed_backend_are_never_read(cache, tmp_path):
    name = Path(cache._key_to_file("key")).stem
    with (tmp_path / f"{name}.djcache").open("wb") as f:
        f.write(pickle.dumps(None) + zlib.compress(pickle.dumps("old")))

    assert cache.get("key", "missing") == "missing"
