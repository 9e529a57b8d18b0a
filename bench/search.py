"""Benchmark reader search over 100,000 generated stories on PostgreSQL.

    .venv/bin/python bench/search.py                  # 100,000 stories, 50 runs
    .venv/bin/python bench/search.py --stories 20000 --runs 20
    .venv/bin/python bench/search.py --keep            # leave the database for --reuse
    .venv/bin/python bench/search.py --reuse           # skip generating if it is there

It works in its own database, "<name>_bench_search" on the PostgreSQL server named
by DATABASE_URL (default postgres://postgres@127.0.0.1:5432/newsroom): dropped and
created, migrated, filled, and dropped again at the end unless ``--keep``. The
database named in DATABASE_URL is never touched.

The stories are made with bulk inserts, then their search vectors with one UPDATE
per language through ``articles.search.document_vector`` (what every save does), and
the GIN index is built after the fill. The text is drawn from a Zipf-distributed
vocabulary (English function words, then 30,000 made-up words), and three words are
planted: a rare one in 20 stories, a common one in 5 % of them, and one in 97 %; a
fourth, in 9 %, is the hardest case for the search's windows (see
``articles.search.newest_matches``).

For each word it times, over ``--runs`` runs after 3 warm-up runs:

- **rank every match** (the baseline): the published stories matching the word,
  each one ranked with ``ts_rank``, best 20 first. One query.
- **search()**: what ``SearchView`` does for its first page: ``search()`` over
  ``with_relations()``, paginated by ``ARTICLES_PER_PAGE`` (count, then the page),
  and ``add_snippets()``.
- **GET /search/**: the whole page through Django's test client (page cache off).

It prints p50 and p95 in milliseconds, and each as a ratio of the baseline's.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RARE, COMMON, EVERYWHERE = "zeppelin", "harbour", "government"
RARE_STORIES, COMMON_SHARE, EVERYWHERE_SHARE = 20, 0.05, 0.97
# The hardest case for ``articles.search.newest_matches``: a word just too rare to
# fill the candidates from the first window, so the second window reads the most.
HARDEST, HARDEST_SHARE = "ferry", 0.09
FUNCTION_WORDS = (
    "the of and to in a that is for on said it with was as he at by from his have "
    "be are has but not they an this who had were which their been after more "
    "people would one will also its two than year new first last about up over"
).split()
INDEX = "articles_article_search_gin"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database")
    args = parser.parse_args()
    name = use_bench_database(reuse=args.reuse)
    try:
        run(stories=args.stories, runs=args.runs, reuse=args.reuse)
    finally:
        shutil.rmtree(os.environ["STATIC_ROOT"], ignore_errors=True)
        if not args.keep:
            drop_database(name)


def use_bench_database(*, reuse: bool) -> str:
    """Point Django at "<name>_bench_search" (new, unless reusing a kept one)."""
    url = (
        os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/newsroom"
    )
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/search.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_bench_search"
    with psycopg.connect(_server_url(config), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not (reuse and exists):
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(
        DATABASE_URL=url.rsplit("/", 1)[0] + f"/{name}",
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DEBUG="0",  # no query log
        SECRET_KEY="benchmark-only",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        PAGE_CACHE="off",
        STATIC_ROOT=tempfile.mkdtemp(prefix="newsroom-bench-static-"),
    )
    return name


def drop_database(name: str) -> None:
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


def run(*, stories: int, runs: int, reuse: bool) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from articles.models import Article

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # for the page
    version = connection.cursor().connection.info.server_version
    say(f"PostgreSQL {version // 10000}.{version % 10000}")
    if not (reuse and Article.objects.count() == stories):
        Article.objects.all().delete()
        started = time.perf_counter()
        generate(stories)
        say(f"{stories:,} stories generated in {time.perf_counter() - started:.0f} s")
    measure_all(runs)


def generate(count: int) -> None:
    """Insert ``count`` stories in bulk, then fill their search vectors and index."""
    from django.db import connection, transaction

    from articles.models import Article
    from articles.search import document_vector, search_config

    rng = random.Random(count)
    words = FUNCTION_WORDS + made_up_words(rng, 30_000)
    weights = list(accumulate(1 / rank for rank in range(1, len(words) + 1)))
    rare = set(rng.sample(range(count), RARE_STORIES))
    newest = datetime.now(UTC) - timedelta(hours=1)

    def text(n: int) -> list[str]:
        return rng.choices(words, cum_weights=weights, k=n)

    def story(n: int) -> Article:
        headline, standfirst = text(8), text(25)
        paragraphs = [text(55) for _ in range(6)]
        planted = [EVERYWHERE] * (rng.random() < EVERYWHERE_SHARE)
        planted += [COMMON] * (rng.random() < COMMON_SHARE) + [RARE] * (n in rare)
        planted += [HARDEST] * (rng.random() < HARDEST_SHARE)
        for word in planted:
            where = rng.choice([headline, standfirst, *paragraphs, *paragraphs])
            where.insert(rng.randrange(len(where) + 1), word)
        return Article(
            headline=" ".join(headline).capitalize(),
            slug=f"story-{n}",
            standfirst=" ".join(standfirst).capitalize() + ".",
            body="\n\n".join(" ".join(p).capitalize() + "." for p in paragraphs),
            status="published" if rng.random() < 0.95 else "draft",
            published_at=newest - timedelta(minutes=25 * n + rng.randrange(20)),
            language="fr" if n % 50 == 0 else "en",
        )

    with transaction.atomic():
        for start in range(0, count, 5_000):
            stop = min(count, start + 5_000)
            Article.objects.bulk_create(story(n) for n in range(start, stop))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {INDEX}")  # built once after the fill: faster
        languages = Article.objects.values_list("language", flat=True).distinct()
        for language in list(languages.order_by()):
            Article.objects.filter(language=language).update(
                search_vector=document_vector(search_config(language))
            )
        cursor.execute(
            f"CREATE INDEX {INDEX} ON articles_article USING gin (search_vector)"
        )
        cursor.execute("VACUUM ANALYZE articles_article")
        # Write the new pages out now, not in a checkpoint during the timings.
        cursor.execute("CHECKPOINT")


def made_up_words(rng: random.Random, size: int) -> list[str]:
    """Return ``size`` pronounceable made-up words, none of them a planted word."""
    onsets = "b c d f g h j k l m n p r s t v w z br cr dr fr gr pl pr st tr sh".split()
    vowels = "a e i o u ai ea ee oo ou".split()
    codas = ["", "n", "r", "s", "t", "l", "m", "nd", "st", "ck"]
    found: set[str] = set()
    while len(found) < size:
        syllables = rng.choice([1, 2, 2, 2, 3, 3, 4])
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) for _ in range(syllables)
        )
        found.add(word + rng.choice(codas))
    found -= {RARE, COMMON, EVERYWHERE, HARDEST, *FUNCTION_WORDS}
    return rng.sample(sorted(found), len(found))


def measure_all(runs: int) -> None:
    from django.conf import settings
    from django.contrib.postgres.search import SearchQuery, SearchRank
    from django.core.paginator import Paginator
    from django.db.models import F
    from django.test import Client
    from django.urls import reverse

    from articles.models import Article
    from articles.search import add_snippets, search

    client = Client()
    url = reverse("articles:search")

    def rank_every_match(word: str) -> list[int]:
        query = SearchQuery(word, config="english", search_type="websearch")
        found = (
            Article.objects.published()
            .filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-published_at", "-pk")
        )
        return list(found.values_list("pk", flat=True)[:20])

    def search_first_page(word: str) -> list[int]:
        found = search(word, queryset=Article.objects.with_relations())
        page = Paginator(found, settings.ARTICLES_PER_PAGE).page(1)
        stories = list(page.object_list)
        add_snippets(stories, word)
        return [story.pk for story in stories]

    def search_page(word: str) -> None:
        response = client.get(url, {"q": word})
        assert response.status_code == 200, response.status_code

    say(f"\n{runs} runs per line (after 3 warm-up runs); times in ms\n")
    say(
        f"{'word':12} {'matches':>8}  {'code path':22} {'p50':>7} {'p95':>7}"
        f" {'p50 ×':>7} {'p95 ×':>7}"
    )
    for word in (RARE, COMMON, HARDEST, EVERYWHERE):
        query = SearchQuery(word, config="english", search_type="websearch")
        matches = Article.objects.published().filter(search_vector=query).count()
        base = timings(lambda w=word: rank_every_match(w), runs)
        lines = [
            ("rank every match", base),
            ("search()", timings(lambda w=word: search_first_page(w), runs)),
            ("GET /search/", timings(lambda w=word: search_page(w), runs)),
        ]
        for label, (p50, p95) in lines:
            say(
                f"{word:12} {matches:8,}  {label:22} {p50:7.1f} {p95:7.1f}"
                f" {p50 / base[0]:7.2f} {p95 / base[1]:7.2f}"
            )
        if matches <= 20:
            same = set(rank_every_match(word)) == set(search_first_page(word))
            say(
                f"{'':22}same stories as ranking every match: {'yes' if same else 'NO'}"
            )


def timings(call: Callable[[], object], runs: int) -> tuple[float, float]:
    """Return the p50 and p95 of ``runs`` calls, in milliseconds."""
    for _ in range(3):
        call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
