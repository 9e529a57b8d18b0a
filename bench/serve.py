"""Benchmark serving: requests per second under gunicorn, as a ratio of Django's floor.

    .venv/bin/python bench/serve.py                  # 10 s a line
    .venv/bin/python bench/serve.py --duration 5 --stories 300

Every line is measured with wrk (the Debian package; installed with apt-get when
missing and run as root, else the script says how) on loopback, one after another,
against gunicorn with the newsroom's gunicorn.conf.py and 2 workers (the same for
every line, floor included). Each line gets ``--warmup`` seconds of load first,
then ``--duration`` seconds measured, with ``--connections`` open connections.

- **floor**: ``bench/floor.py``, a Django view returning a short fixed page, with no
  middleware and no database.
- **story, home, tag, search, feed**: the newsroom with production settings
  (``DJANGO_ENV=production``, ``DEBUG=0``; plain HTTP on loopback as ``make serve``
  runs it) on PostgreSQL, its own database "<name>_bench_serve" on the server of
  DATABASE_URL (created, then dropped), holding the demo content and ``--stories``
  generated stories (three tags and a byline each). Each page is measured twice:
  page cache off (``PAGE_CACHE=off``: every request runs the view) and on, with
  the cache ``make serve`` has by default (files shared by the workers). The
  column "cache" shows the ``X-Page-Cache`` answer to a check request made just
  before: hit, or - when off. With the page cache off, story pages are still
  made from their kept parts (``pagecache.fragments``: the story's text and
  metadata by its version, the lists by ``content``), as a page the page cache
  cannot answer is in production.
- **story (nothing kept)**: the story with the fragment cache off too
  (``FRAGMENT_CACHE=off``): every part rendered from the database, as on a
  story's first request.
- **story (cached, Redis)**: the story again from a Redis cache (``REDIS_URL``,
  default redis://127.0.0.1:6379/0; this run's keys are deleted at the end), as
  when several machines share one cache.

Prints requests per second, its ratio to the floor, and p50/p99 latency.
"""

import argparse
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = (
    "council harbour ferry budget school library mayor transport housing river "
    "market workers union strike museum festival police court hospital energy "
    "the of and to in a that is for on said with was as by from has are after"
).split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds a line")
    parser.add_argument("--warmup", type=int, default=3, help="seconds before each")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--stories", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    wrk = find_wrk()
    name = use_bench_database()
    try:
        pages = prepare(args.stories)
        rows = measure(wrk, pages, args)
    finally:
        clean_up(name, keep=args.keep)
    print_table(rows)


def find_wrk() -> str:
    """Return wrk's path, installing the Debian package first if need be."""
    if shutil.which("wrk"):
        return shutil.which("wrk")
    if shutil.which("apt-get") and os.geteuid() == 0:
        say("Installing wrk (apt-get install wrk)…")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
        return shutil.which("wrk")
    sys.exit(
        "wrk is needed: sudo apt-get install wrk (Debian, Ubuntu) or brew install wrk"
    )


def use_bench_database() -> str:
    """Point this process and the servers at "<name>_bench_serve", made new."""
    import dj_database_url
    import psycopg

    url = (
        os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/newsroom"
    )
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/serve.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_bench_serve"
    with psycopg.connect(_server_url(config), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    scratch = tempfile.mkdtemp(prefix="newsroom-bench-serve-")
    os.environ.update(
        DATABASE_URL=url.rsplit("/", 1)[0] + f"/{name}",
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DJANGO_ENV="production",
        DEBUG="0",
        SECRET_KEY="benchmark-only-" + os.urandom(16).hex(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback, as `make serve`
        SECURE_COOKIES="0",
        BENCH_REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        REDIS_URL="",
        STATIC_ROOT=f"{scratch}/static",
        CACHE_DIR=f"{scratch}/cache",
        MEDIA_ROOT=f"{scratch}/media",
        PRIVATE_MEDIA_ROOT=f"{scratch}/private-media",
        WEB_CONCURRENCY="2",
        PORT=str(free_port()),
        LOG_LEVEL="WARNING",
    )
    return name


def prepare(stories: int) -> dict[str, str]:
    """Fill the database, collect static files; return the address of each page."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count, Q
    from django.urls import reverse
    from taggit.models import Tag

    from articles.models import Article

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)
    generate(stories)
    story = Article.objects.published().order_by("-published_at").first()
    published = Q(taggit_taggeditem_items__object_id__in=Article.objects.published())
    tag = Tag.objects.annotate(n=Count("taggit_taggeditem_items", filter=published))
    say(f"{Article.objects.published().count()} published stories")
    return {
        "story": story.get_absolute_url(),
        "home": reverse("articles:home"),
        "tag": reverse("articles:tag", kwargs={"slug": tag.order_by("-n")[0].slug}),
        "search": reverse("articles:search") + "?q=council",
        "feed": reverse("articles:feed"),
    }


def generate(count: int) -> None:
    """Add ``count`` stories over the last 60 days, saved as the admin saves them."""
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article, Author, Byline, Section

    rng = random.Random(count)
    sections, authors = list(Section.objects.all()), list(Author.objects.all())
    topics = [f"Topic {n}" for n in range(20)]
    now = timezone.now()

    def text(words: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."

    for n in range(count):
        story = Article.objects.create(
            headline=text(8)[:-1],
            standfirst=text(25),
            body="\n\n".join(text(60) for _ in range(8)),
            section=rng.choice(sections),
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=2 + n * 4.8),
        )
        story.tags.add(*rng.sample(topics, 3))
        Byline.objects.create(article=story, author=rng.choice(authors), position=0)


def measure(wrk: str, pages: dict[str, str], args) -> list[tuple]:
    gunicorn = [str(ROOT / ".venv/bin/gunicorn"), "--config", "gunicorn.conf.py"]
    rows = []
    with server([*gunicorn, "--pythonpath", "bench", "floor:application"]):
        rows.append(("floor", "-", *load(wrk, "/", args)))
    with server(gunicorn, PAGE_CACHE="off", FRAGMENT_CACHE="off"):
        check(pages["story"])
        rows.append(("story (nothing kept)", "-", *load(wrk, pages["story"], args)))
    for cache in ("off", "on"):
        with server(gunicorn, PAGE_CACHE=cache):
            for page, path in pages.items():
                state = check(path)
                label = f"{page} ({'cached' if cache == 'on' else 'uncached'})"
                rows.append((label, state, *load(wrk, path, args)))
    with server(gunicorn, REDIS_URL=os.environ["BENCH_REDIS_URL"]):
        state = check(pages["story"])
        rows.append(("story (cached, Redis)", state, *load(wrk, pages["story"], args)))
    return rows


def free_port() -> int:
    """Return a loopback port nobody listens on (the servers take it in turn)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class server:
    """Run gunicorn on PORT for a ``with`` block; wait until it answers."""

    def __init__(self, command: list[str], **env: str) -> None:
        self.command, self.env = command, {**os.environ, **env}

    def __enter__(self) -> "server":
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(address("/"), timeout=5)
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
                continue
            if self.process.poll() is not None:  # someone else's server answered
                raise SystemExit(f"gunicorn could not start on {address('/')}")
            return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def check(path: str) -> str:
    """Fetch a page twice; fail unless 200; return the page cache's answer."""
    for _ in range(2):
        with urllib.request.urlopen(address(path)) as response:
            assert response.status == 200, (path, response.status)
            state = response.headers.get("X-Page-Cache", "-")
    return state


def load(wrk: str, path: str, args) -> tuple[float, float, float]:
    """Return requests per second, p50 and p99 latency (ms) of one wrk run."""
    url = address(path)
    base = [wrk, "-t1", f"-c{args.connections}", "--latency"]
    subprocess.run([*base, f"-d{args.warmup}s", url], check=True, capture_output=True)
    run = subprocess.run(
        [*base, f"-d{args.duration}s", url], check=True, capture_output=True, text=True
    )
    out = run.stdout
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if failed:
        raise SystemExit(f"{path}: {failed[1]} failed responses\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    return rate, _latency(out, "50%"), _latency(out, "99%")


def address(path: str) -> str:
    return f"http://127.0.0.1:{os.environ['PORT']}{path}"


def _latency(out: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)\b", out).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def print_table(rows: list[tuple]) -> None:
    floor = rows[0][2]
    head = ("page", "cache", "req/s", "× floor", "p50 ms", "p99 ms")
    say("\n{:22} {:>6} {:>8} {:>8} {:>8} {:>8}".format(*head))
    for label, state, rate, p50, p99 in rows:
        figures = f"{rate:8.0f} {rate / floor:8.2f} {p50:8.2f} {p99:8.2f}"
        say(f"{label:22} {state:>6} {figures}")


def clean_up(name: str, *, keep: bool) -> None:
    """Drop the database (unless ``keep``), delete this run's cache keys, and
    remove its files."""
    import dj_database_url
    import psycopg
    import redis

    if "django" in sys.modules:
        from django.conf import settings
        from django.db import connections

        connections.close_all()
        client = redis.Redis.from_url(os.environ["BENCH_REDIS_URL"])
        for key in client.scan_iter(match=f"{settings.CACHE_NAMESPACE}:*", count=1000):
            client.delete(key)
    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    if not keep:
        with psycopg.connect(_server_url(config), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
    shutil.rmtree(Path(os.environ["STATIC_ROOT"]).parent, ignore_errors=True)


def _server_url(config: dict) -> str:
    user = config.get("USER") or "postgres"
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    host, port = config.get("HOST") or "127.0.0.1", config.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/postgres"


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
