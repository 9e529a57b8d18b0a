import os
from pathlib import Path

import pytest

SHARED = Path(
    os.environ.get("NEWSROOM_SHARED", Path(__file__).resolve().parents[2] / "shared")
)
SEED = SHARED / "samples" / "seed" / "000_0d1dbcd964e78a06.txt"


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
