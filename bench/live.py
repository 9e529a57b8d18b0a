"""What live coverage costs a story page and its polls, cached and not.

    .venv/bin/python bench/live.py [--entries 100] [--runs 200]

It works in a temporary SQLite database and a temporary file cache (the settings'
defaults when REDIS_URL is unset), migrated and filled here: one plain story, and a
live story with ``--entries`` entries (each with an author, every tenth a key moment
with a correction). Through Django's test client, as an anonymous reader, it times:

- **plain story, uncached** (the baseline): the story page of a story never live,
  with the page cache off: what every story page costs to compute.
- **live page, uncached**: the live story's page with all its entries.
- **entries.json, uncached**: a poll that finds three new entries.
- **entries.json, cached**: the same poll answered by the page cache, as every reader
  after the first gets it until the next entry (``next_since`` gives them all the
  same address for a minute).
- **live page, cached**: the live page from the page cache.

It prints p50 and p95 in milliseconds, and each p50 as a ratio of the baseline's.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(client, url: str, runs: int, *, expect: str | None = None) -> list[float]:
    """Return the milliseconds of ``runs`` requests after three warm-up ones."""
    times = []
    for n in range(runs + 3):
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        if expect and n >= 3 and response.get("X-Page-Cache") != expect:
            raise SystemExit(f"{url}: expected a cache {expect}")
        if n >= 3:
            times.append(elapsed)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-live-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        CACHE_DIR=str(work / "cache"),
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        LOG_LEVEL="ERROR",
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client, override_settings
    from django.utils import timezone

    from live.coverage import entries_url
    from live.models import LiveEntry, LiveEntryCorrection
    from tests.factories import make_article, make_author

    call_command("migrate", verbosity=0)
    plain = make_article(headline="A plain story")
    live = make_article(headline="A live story", is_live=True)
    author = make_author()
    for n in range(args.entries):
        entry = LiveEntry.objects.create(
            article=live,
            author=author,
            body=f"Entry {n}. " * 20,
            is_key_moment=n % 10 == 0,
        )
        if entry.is_key_moment:
            LiveEntryCorrection.objects.create(entry=entry, text="Corrected.")
    since = (timezone.now() - timedelta(minutes=5)).isoformat()
    LiveEntry.objects.exclude(
        pk__in=LiveEntry.objects.order_by("-pk").values("pk")[:3]
    ).update(updated_at=timezone.now() - timedelta(hours=1))
    poll = f"{entries_url(live)}?since={since.replace('+', '%2B')}"

    rows = []
    with override_settings(PAGE_CACHE=False):
        uncached = Client(HTTP_HOST="localhost")
        rows.append(
            (
                "plain story, uncached",
                timed(uncached, plain.get_absolute_url(), args.runs),
            )
        )
        rows.append(
            ("live page, uncached", timed(uncached, live.get_absolute_url(), args.runs))
        )
        rows.append(("entries.json, uncached", timed(uncached, poll, args.runs)))
    with override_settings(PAGE_CACHE=True):
        cached = Client(HTTP_HOST="localhost")
        rows.append(
            ("entries.json, cached", timed(cached, poll, args.runs, expect="hit"))
        )
        rows.append(
            (
                "live page, cached",
                timed(cached, live.get_absolute_url(), args.runs, expect="hit"),
            )
        )

    baseline = statistics.median(rows[0][1])
    sys.stdout.write(f"{args.entries} entries, {args.runs} runs each\n")
    sys.stdout.write(
        f"{'request':<26} {'p50 ms':>8} {'p95 ms':>8} {'p50 / baseline':>15}\n"
    )
    for name, times in rows:
        p50 = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[-1]
        sys.stdout.write(f"{name:<26} {p50:8.2f} {p95:8.2f} {p50 / baseline:15.2f}\n")


if __name__ == "__main__":
    main()
