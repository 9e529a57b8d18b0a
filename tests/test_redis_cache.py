"""The page cache on a real Redis, and the site while that Redis is away."""

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.urls import reverse

from articles import workflow
from pagecache import store

from .factories import make_article, make_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SHARED_REDIS = "redis://127.0.0.1:6379/0"
REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"


def skip_or_fail(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(reason + ", and CI must run this test")
    pytest.skip(reason)


def use_redis(settings, url: str) -> str:
    """Point the default cache at ``url`` under a prefix of its own; return it."""
    prefix = f"newsroom-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": REDIS_BACKEND,
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    return prefix


@pytest.fixture(autouse=True)
def forget_outages():
    """A failed test must not leave the next one thinking the cache is away."""
    yield
    store._Health.away, store._Health.unsent = False, set()


@pytest.fixture
def shared_redis(settings):
    """The machine's Redis at 127.0.0.1:6379, under a key prefix of this test."""
    client = redis.Redis.from_url(SHARED_REDIS, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as error:
        skip_or_fail(f"no Redis at {SHARED_REDIS} ({error})")
    prefix = use_redis(settings, SHARED_REDIS)
    yield client, prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


class RedisServer:
    """A redis-server of this test's own, on a free port, that it can stop."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def pause(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def own_redis(settings):
    if shutil.which("redis-server") is None:
        skip_or_fail("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer()
    server.start()
    use_redis(settings, server.url)
    yield server
    server.resume()
    server.kill()


def pagecache_warnings(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "pagecache" and record.levelno == logging.WARNING
    ]


def test_redis_url_selects_djangos_redis_backend():
    code = "from django.conf import settings; print(settings.CACHES['default'])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings"}

    def caches(**extra: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            cwd=ROOT,
            env={**{k: v for k, v in env.items() if k != "REDIS_URL"}, **extra},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    with_redis = caches(REDIS_URL="redis://127.0.0.1:6379/3")
    assert REDIS_BACKEND in with_redis and "redis://127.0.0.1:6379/3" in with_redis
    # Without it: a cache that all the processes of this machine share.
    assert "pagecache.filecache.PlainFileCache" in caches()


def test_pages_are_stored_in_redis_and_invalidated_there(client, shared_redis):
    connection, prefix = shared_redis
    make_article(headline="Stored in Redis")
    draft = make_article(headline="Published later", status="draft")
    home = reverse("articles:home")
    assert client.get(home)["X-Page-Cache"] == "miss"
    assert client.get(home)["X-Page-Cache"] == "hit"
    keys = {key.decode() for key in connection.scan_iter(f"{prefix}:*")}
    assert any("pagecache:page:" in key for key in keys)
    assert any(key.endswith("pagecache:tag:content") for key in keys)

    workflow.publish(draft, make_user("editor"))

    response = client.get(home)
    assert response["X-Page-Cache"] == "miss"
    assert b"Published later" in response.content


def test_the_site_serves_while_redis_is_away_and_caches_again_after(
    client, own_redis, caplog
):
    caplog.set_level(logging.WARNING, logger="pagecache")
    make_article(headline="Always readable")
    draft = make_article(headline="Published in the outage", status="draft")
    home = reverse("articles:home")
    client.get(home)
    assert client.get(home)["X-Page-Cache"] == "hit"

    own_redis.kill()
    for _ in range(3):
        response = client.get(home)
        assert response.status_code == 200
        assert b"Always readable" in response.content
        assert response.get("X-Page-Cache") != "hit"
    workflow.publish(draft, make_user("editor"))  # its invalidation cannot be sent
    assert b"Published in the outage" in client.get(home).content
    warnings = pagecache_warnings(caplog)
    assert len(warnings) == 1 and "unreachable" in warnings[0]

    own_redis.start()
    seen = [client.get(home) for _ in range(3)]
    assert all(b"Published in the outage" in page.content for page in seen)
    assert seen[-1]["X-Page-Cache"] == "hit"
    assert "reachable again" in pagecache_warnings(caplog)[-1]


def test_an_invalidation_lost_in_an_outage_never_leaves_a_stale_page(client, own_redis):
    """Redis keeps its data through the outage (paused, not restarted)."""
    article = make_article(headline="Headline before the outage")
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"

    own_redis.pause()
    article.headline = "Headline during the outage"
    article.save()  # the new tag versions time out: they are remembered instead
    own_redis.resume()

    for _ in range(3):
        response = client.get(url)
        assert b"Headline during the outage" in response.content
    assert response["X-Page-Cache"] == "hit"
