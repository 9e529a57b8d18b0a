import os
from pathlib import Path

import pytest

SHARED = Path(
    os.environ.get("NEWSROOM_SHARED", Path(__file__).resolve().parents[2] / "shared")
)
SEED = SHARED / "samples" / "seed" / "000_0d1dbcd964e78a06.txt"
QUERY_COUNTERS = {"django_assert_num_queries", "django_assert_max_num_queries"}


@pytest.fixture
def shared_samples() -> Path:
    """Give ``../shared/samples``; skip (fail in CI) when it is absent."""
    samples = SHARED / "samples"
    if not samples.is_dir():
        reason = (
            f"{samples} is absent: the shared test material sits beside the clone in CI"
        )
        if os.environ.get("CI"):
            pytest.fail(reason + ", and CI must run this test")
        pytest.skip(reason)
    return samples


@pytest.fixture
def seed_path(shared_samples: Path) -> Path:
    return shared_samples / "seed" / SEED.name


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    """Keep uploads out of the project's media/ folder; hash test passwords fast."""
    settings.MEDIA_ROOT = tmp_path / "media"
    storages = {**settings.STORAGES, "originals": {**settings.STORAGES["originals"]}}
    storages["originals"]["OPTIONS"] = {
        **storages["originals"]["OPTIONS"],
        "location": tmp_path / "private-media",
    }
    settings.STORAGES = storages
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_page_cache(request, settings):
    """Start each test with an empty cache of this process (runs may share a disk).

    A test that counts queries measures the views, so the page cache is off for it
    unless it turns it on: tests/test_query_budgets.py measures pages with it.
    """
    if QUERY_COUNTERS & set(request.fixturenames):
        settings.PAGE_CACHE = False
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests",
        }
    }
    from django.core.cache import cache

    cache.clear()
