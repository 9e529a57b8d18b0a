"""Benchmark importing the newsroom's own JSON against Django's loaddata.

    .venv/bin/python bench/import_vs_loaddata.py                 # 1,000 and 10,000
    .venv/bin/python bench/import_vs_loaddata.py --count 2000 --small 200
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom \\
        .venv/bin/python bench/import_vs_loaddata.py

The database is a temporary SQLite file, or, when DATABASE_URL names PostgreSQL, a
new database "<name>_bench" on that server (created, then dropped: the database
named is never touched). For each size it generates the stories (sections,
authors, three tags, one or two bylines and a caption-only photo each, a
correction on one in ten), exports them with ``export_native`` and with
``dumpdata articles taggit --natural-foreign --natural-primary``, then empties the
database (``flush``) before each import. Each import runs in its own process, so
its peak memory (Linux's ``VmHWM``) is its own; the time is measured inside that
process around the import alone (reading, parsing and writing), once per method.
A process that only starts Django gives the memory baseline. The native import
runs twice: as the import command runs it (a revision per story) and with
``write_native(..., revisions=False)``, as for a bulk restore. loaddata runs twice
too: as the site runs it, every model-signal receiver connected (the page cache's
receivers invalidate on each row it saves), and with no receivers of the model
signals, the cost of loading alone.

The native import is checked: exporting after it gives the exported bytes again.
Photo files are left out: fixtures cannot carry them.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORDS = (
    "government minister said on tuesday that the talks would resume after "
    "officials from both sides met in the capital where thousands of protesters "
    "gathered outside parliament demanding reforms to the electoral law police "
    "estimated the crowd at twenty thousand the opposition put it higher"
).split()
TAGS = [f"Topic {n}" for n in range(400)] + ["Lyon, France", "Égypte", "العراق"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="default 10,000")
    parser.add_argument("--small", type=int, default=1_000, help="default 1,000")
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "FILE"))
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as scratch:
        scratch = Path(scratch)
        database = use_scratch_database(scratch)
        try:
            run(scratch, sizes=sorted({args.small, args.count}))
        finally:
            drop_scratch_database(database)


def use_scratch_database(scratch: Path) -> str | None:
    """Point this process and its children at an empty database of their own."""
    os.environ.update(
        DEBUG="0",  # no query log
        SECRET_KEY="benchmark-only",
        MEDIA_ROOT=str(scratch / "media"),
        PRIVATE_MEDIA_ROOT=str(scratch / "private-media"),
        DJANGO_SETTINGS_MODULE="newsroom.settings",
    )
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
        return None
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_bench"
    with psycopg.connect(_server_url(config), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{name}"
    return name


def drop_scratch_database(name: str | None) -> None:
    if name is None:
        return
    from django.db import connections

    connections.close_all()
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    with psycopg.connect(_server_url(config), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _server_url(config: dict) -> str:
    user = config.get("USER") or "postgres"
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    host, port = config.get("HOST") or "127.0.0.1", config.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/postgres"


def run(scratch: Path, *, sizes: list[int]) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from articles.interchange.native import export_native

    call_command("migrate", verbosity=0)
    say(f"Database: {connection.vendor} {_server_version(connection)}")
    baseline = measure("baseline", scratch)
    say(f"Baseline (Django started, nothing imported): {baseline['rss_mb']:.0f} MB")
    rows = []
    for count in sizes:
        empty()
        started = time.perf_counter()
        generate(count)
        say(f"\n{count:,} stories generated in {time.perf_counter() - started:.1f} s")
        native = scratch / f"native-{count}.json"
        native.write_bytes(export_native())
        fixture = scratch / f"fixture-{count}.json"
        with fixture.open("w", encoding="utf-8") as out:
            call_command(
                "dumpdata",
                "articles",
                "taggit",
                natural_foreign=True,
                natural_primary=True,
                stdout=out,
            )
        results = {}
        for method, path in (
            ("native", native),
            ("native-without-revisions", native),
            ("loaddata", fixture),
            ("loaddata-without-receivers", fixture),
        ):
            empty()
            results[method] = measure(method, path)
            results[method]["size_mb"] = path.stat().st_size / 1e6
            check(method, count, native)
            say(
                f"  {method:26} {results[method]['seconds']:7.1f} s  "
                f"{count / results[method]['seconds']:7.0f} stories/s  "
                f"peak {results[method]['rss_mb']:.0f} MB"
            )
        rows.append((count, results))
    say()
    say(table(rows, baseline))


def generate(count: int) -> None:
    """Create ``count`` stories with bulk inserts (no revisions, no search index)."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import Tag, TaggedItem

    from articles.models import (
        Article,
        ArticlePhoto,
        Author,
        Byline,
        Correction,
        Photo,
        Section,
    )

    rng = random.Random(count)
    sections = Section.objects.bulk_create(
        Section(name=f"Section {n}", slug=f"section-{n}", position=n) for n in range(10)
    )
    authors = Author.objects.bulk_create(
        Author(name=f"Reporter {n}", slug=f"reporter-{n}", bio=_text(rng, 30))
        for n in range(200)
    )
    tags = Tag.objects.bulk_create(
        Tag(name=name, slug=f"tag-{n}") for n, name in enumerate(TAGS)
    )
    start = datetime(2020, 1, 1, tzinfo=UTC)
    statuses = [s.value for s in Article.Status]
    articles = Article.objects.bulk_create(
        Article(
            headline=_text(rng, 10).capitalize(),
            slug=f"story-{n}",
            standfirst=_text(rng, 25),
            body="\n\n".join(_text(rng, 60) for _ in range(8)),
            section=rng.choice(sections),
            status=rng.choice(statuses),
            published_at=start + timedelta(minutes=17 * n, microseconds=n),
            dateline="BAGHDAD",
            language="en",
            agency=rng.choice(["AFP", "Reuters", ""]),
        )
        for n in range(count)
    )
    photos = Photo.objects.bulk_create(
        Photo(caption=_text(rng, 15), credit="AFP", alt_text=_text(rng, 8))
        for _ in range(count)
    )
    Byline.objects.bulk_create(
        Byline(article=article, author=author, position=position)
        for article in articles
        for position, author in enumerate(rng.sample(authors, rng.choice([1, 2])))
    )
    ArticlePhoto.objects.bulk_create(
        ArticlePhoto(article=article, photo=photo, is_lead=True)
        for article, photo in zip(articles, photos, strict=True)
    )
    Correction.objects.bulk_create(
        Correction(article=article, text=_text(rng, 20), created_at=start)
        for article in articles[::10]
    )
    content_type = ContentType.objects.get_for_model(Article)
    TaggedItem.objects.bulk_create(
        TaggedItem(content_type=content_type, object_id=article.pk, tag=tag)
        for article in articles
        for tag in rng.sample(tags, 3)
    )


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)) + "."


def empty() -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()


def measure(method: str, path: Path) -> dict:
    """Run one import in a child process; return its time and peak memory."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", method, str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    output, _ = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"the {method} import failed")
    return json.loads(output.strip().splitlines()[-1])


def child(method: str, file: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from articles.interchange.native import parse_native, write_native

    started = time.perf_counter()
    if method.startswith("native"):
        revisions = method == "native"
        write_native(parse_native(Path(file).read_bytes()), revisions=revisions)
    elif method.startswith("loaddata"):
        if method == "loaddata-without-receivers":
            disconnect_model_signals()
        call_command("loaddata", file, verbosity=0)
    seconds = time.perf_counter() - started
    say(json.dumps({"seconds": seconds, "rss_mb": peak_rss_mb()}))


def disconnect_model_signals() -> None:
    """Drop every receiver of the model signals loaddata sends, in this process."""
    from django.db.models import signals

    for signal in (signals.pre_save, signals.post_save, signals.m2m_changed):
        signal.receivers = []
        signal.sender_receivers_cache.clear()


def peak_rss_mb() -> float:
    """Return this process's peak resident memory since it started.

    Linux's VmHWM, which exec resets: ru_maxrss would keep the high-water mark of
    the parent the process was forked from (which holds the generated stories).
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    raise SystemExit("this benchmark reads peak memory from Linux's /proc")


def check(method: str, count: int, native: Path) -> None:
    """Check that the import brought every story back (native: byte for byte)."""
    from taggit.models import TaggedItem

    from articles.interchange.native import export_native
    from articles.models import Article

    assert Article.objects.count() == count, method
    assert TaggedItem.objects.count() == 3 * count, method
    if method.startswith("native"):
        assert export_native() == native.read_bytes(), "the round trip differs"


def table(rows: list, baseline: dict) -> str:
    lines = [
        "| Stories | Method | File | Time | Stories/s | Peak RSS | Over baseline |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for count, results in rows:
        for method, label in (
            ("native", "native import"),
            ("native-without-revisions", "native, `revisions=False`"),
            ("loaddata", "loaddata"),
            ("loaddata-without-receivers", "loaddata, no signal receivers"),
        ):
            r = results[method]
            lines.append(
                f"| {count:,} | {label} | {r['size_mb']:.1f} MB | {r['seconds']:.1f} s "
                f"| {count / r['seconds']:,.0f} | {r['rss_mb']:.0f} MB "
                f"| {r['rss_mb'] - baseline['rss_mb']:.0f} MB |"
            )

    def ratios(baseline: str) -> str:
        return ", ".join(
            f"{count:,}: {r[baseline]['seconds'] / r['native']['seconds']:.2f}"
            f" ({r[baseline]['seconds'] / r['native-without-revisions']['seconds']:.2f}"
            " without revisions)"
            for count, r in rows
        )

    return "\n".join(lines) + (
        f"\n\nHow many times faster the native import is than loaddata: "
        f"{ratios('loaddata')}; than loaddata with no signal receivers: "
        f"{ratios('loaddata-without-receivers')}"
    )


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _server_version(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    main()
