"""Load test: many readers and one busy editor at once, against ``make serve``.

    .venv/bin/python bench/load.py [--duration 60] [--clients 24] [--restart-db]

The script makes a PostgreSQL database of its own (on the shared server at
``--server``, dropped afterwards; with ``--restart-db`` on a temporary cluster of its
own, tests/pgcluster.py), fills it with 300 stories, serves the site as ``make serve``
does (gunicorn, production settings, 127.0.0.1 only, the page cache in Redis) and then
for ``--duration`` seconds runs ``--clients`` reader threads, each a real HTTP client
asking for a mix of story, home, tag, search and feed pages, while an editor thread
logs in to the admin and, through its forms, publishes drafts and appends a numbered
update to published stories (one change every ``--edit-every`` seconds at most; each
one makes every cached page stale). An edit counts as committed when the admin
redirects; an edit refused with the "database away" page is saved again from that
page's form, as an editor would.

Baseline: one reader alone for 5 s before the load; the report gives the loaded
p50/p99 as ratios of it. Afterwards every committed edit is looked for in the
database and on the public page (so a stale cached page is caught). The run fails
(exit 1) on any error outside the database outage or any lost edit.

``--restart-db`` stops the cluster (``pg_ctl stop -m fast``) a third of the way in
and starts it again ``--outage`` seconds later: errors are allowed only then.
"""

import argparse
import json
import random
import sys
import threading
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import lxml.html
import psycopg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.appserver import ServedSite  # noqa: E402
from tests.pgcluster import PgCluster, unavailable_reason  # noqa: E402

PASSWORD = "load-test-editor-password"
WORDS = "floods budget council election harbour strike museum bridge storm vote"
SETUP = f"""
import json, random
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from articles.models import Article, Section
random.seed(1)
words = "{WORDS}".split()
sections = [Section.objects.create(name=f"Section {{n}}", slug=f"section-{{n}}")
            for n in range(8)]
now = timezone.now()
stories, drafts = [], []
for n in range(360):
    draft = n >= 300
    story = Article.objects.create(
        headline=f"Story {{n}} about the {{random.choice(words)}}",
        standfirst=f"What happened to the {{random.choice(words)}}.",
        body="\\n\\n".join(" ".join(random.choices(words, k=60)) for _ in range(8)),
        section=sections[n % 8],
        status="draft" if draft else "published",
        published_at=now - timedelta(minutes=10 + n),
    )
    story.tags.add(*random.sample(words, 2))
    (drafts if draft else stories).append(story)
get_user_model().objects.create_superuser("editor", "e@example.org", "{PASSWORD}")
print(json.dumps({{
    "stories": [{{"id": s.pk, "url": s.get_absolute_url()}} for s in stories],
    "drafts": [d.pk for d in drafts],
    "sections": [s.slug for s in sections],
}}))
"""
VERIFY = """
import json, os
from articles.models import Article
wanted = json.loads(os.environ["LOAD_EDITS"])
found = {}
for story in Article.objects.filter(pk__in=[int(k) for k in wanted]):
    found[str(story.pk)] = {
        "url": story.get_absolute_url(), "status": story.status,
        "missing": [m for m in wanted[str(story.pk)] if m not in story.body],
    }
print(json.dumps(found))
"""


class Tally:
    """Every request: when it ended, what it was, its status and its duration."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rows: list[tuple[float, str, int, float, bool]] = []

    def add(self, kind: str, status: int, seconds: float, hit: bool = False) -> None:
        with self.lock:
            self.rows.append((time.monotonic(), kind, status, seconds, hit))


def reader_paths(data: dict, rng: random.Random) -> tuple[str, str]:
    """Pick a page as readers do: mostly stories, then home, tags, search, feeds."""
    kind = rng.choices(
        ["story", "home", "tag", "search", "feed"], weights=[50, 15, 15, 10, 10]
    )[0]
    words = WORDS.split()
    if kind == "story":
        return kind, rng.choice(data["stories"])["url"]
    if kind == "home":
        return kind, "/"
    if kind == "tag":
        return kind, f"/tag/{rng.choice(words)}/"
    if kind == "search":
        return kind, f"/search/?q={rng.choice(words)}+{rng.choice(words)}"
    return kind, rng.choice(
        ["/feeds/latest/", f"/section/{rng.choice(data['sections'])}/feed/"]
    )


def reader(site: ServedSite, data: dict, stop: threading.Event, tally: Tally, seed):
    rng, session = random.Random(seed), requests.Session()
    while not stop.is_set():
        kind, path = reader_paths(data, rng)
        started = time.perf_counter()
        try:
            answer = session.get(site.url(path), timeout=30)
            status, hit = (
                answer.status_code,
                answer.headers.get("X-Page-Cache") == "hit",
            )
        except requests.RequestException:
            status, hit = 0, False
        tally.add(kind, status, time.perf_counter() - started, hit)


class Editor(threading.Thread):
    """Publish drafts and append numbered updates through the admin's own forms."""

    def __init__(self, site: ServedSite, data: dict, tally: Tally, every: float):
        super().__init__(daemon=True)
        self.site, self.data, self.tally, self.every = site, data, tally, every
        self.stop = threading.Event()
        self.session = requests.Session()
        self.committed: dict[int, list[str]] = {}
        self.published: list[int] = []
        self.saved_again = 0

    def log_in(self) -> None:
        login = self.site.url("/admin/login/?next=/admin/")
        fields = self.form(self.session.get(login, timeout=30).text, "login-form")
        fields.update(username="editor", password=PASSWORD)
        answer = self.session.post(login, data=fields, timeout=30)
        if not answer.url.endswith("/admin/"):
            raise RuntimeError("the editor could not log in")

    @staticmethod
    def form(html: str, form_id: str | None = None) -> dict[str, str]:
        """Fields as a browser sends them (libxml2 keeps <textarea>'s first newline)."""
        page = lxml.html.fromstring(html)
        form = page.get_element_by_id(form_id) if form_id else page.forms[0]
        textareas = set(form.xpath(".//textarea/@name"))
        return {
            name: value[1:] if name in textareas and value[:1] == "\n" else value
            for name, value in form.form_values()
        }

    def request(self, method: str, url: str, **kwargs) -> requests.Response | None:
        started = time.perf_counter()
        try:
            answer = self.session.request(
                method, url, timeout=30, allow_redirects=False, **kwargs
            )
        except requests.RequestException:
            answer = None
        status = answer.status_code if answer is not None else 0
        self.tally.add(f"editor {method}", status, time.perf_counter() - started)
        return answer

    def save(self, story_id: int, change) -> bool:
        """Open the story, change it, save; press "Save again" while the DB is away."""
        url = self.site.url(f"/admin/articles/article/{story_id}/change/")
        while not self.stop.is_set():
            page = self.request("GET", url)
            if page is None or page.status_code != 200:
                time.sleep(1)
                continue
            fields = self.form(page.text, "article_form")
            change(fields)
            fields["_save"] = "Save"
            answer = self.request("POST", url, data=fields)
            while answer is not None and answer.status_code == 503:
                time.sleep(1)
                self.saved_again += 1
                kept = self.form(answer.text)
                answer = self.request("POST", url, data={**kept, "_save": "Save"})
            if answer is not None and answer.status_code == 302:
                return True
            time.sleep(0.5)
        return False

    def run(self) -> None:
        drafts, edits = list(self.data["drafts"]), 0
        while not self.stop.is_set():
            edits += 1
            next_edit = time.monotonic() + self.every
            if edits % 4 == 0 and drafts:
                story_id = drafts.pop()
                if self.save(story_id, lambda f: f.update(status="published")):
                    self.published.append(story_id)
                    self.committed.setdefault(story_id, [])
                continue
            story = self.data["stories"][edits % 40]
            marker = f"Update {edits} ({uuid.uuid4().hex[:8]})."
            append = lambda f, m=marker: f.update(body=f["body"] + "\n\n" + m)  # noqa: E731
            if self.save(story["id"], append):
                self.committed.setdefault(story["id"], []).append(marker)
            self.stop.wait(max(0, next_edit - time.monotonic()))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if values else 0


def run_readers(site, data, clients: int, tally: Tally, editor=None):
    stop = threading.Event()
    threads = [
        threading.Thread(target=reader, args=(site, data, stop, tally, n), daemon=True)
        for n in range(clients)
    ]
    if editor is not None:
        editor.stop = stop
        threads.append(editor)
    for thread in threads:
        thread.start()
    return stop, threads


def verify(site: ServedSite, editor: Editor) -> list[str]:
    """Every committed edit in the database and on the public page."""
    wanted = {str(k): v for k, v in editor.committed.items()}
    found = json.loads(
        site.manage(
            "shell", "--no-imports", "-c", VERIFY, LOAD_EDITS=json.dumps(wanted)
        )
    )
    problems = []
    for story_id, markers in wanted.items():
        row = found.get(story_id)
        if row is None or row["missing"] or row["status"] != "published":
            problems.append(f"story {story_id} in the database: {row}")
            continue
        page = requests.get(site.url(row["url"]), timeout=30)
        absent = [m for m in markers if m not in page.text]
        if page.status_code != 200 or absent:
            problems.append(f"{row['url']} ({page.status_code}) lacks {absent}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--restart-db", action="store_true")
    parser.add_argument("--outage", type=float, default=5, help="seconds down")
    parser.add_argument(
        "--edit-every", type=float, default=2, help="seconds between edits (at least)"
    )
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()

    with ExitStack() as stack:
        cluster = None
        if args.restart_db:
            if reason := unavailable_reason():
                parser.error(reason)
            cluster = stack.enter_context(PgCluster())
            database_url = cluster.create_database("newsroom_load")
        else:
            name = f"newsroom_load_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(f"{args.server}/postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            stack.callback(drop_database, args.server, name)
            database_url = f"{args.server}/{name}"
        site = stack.enter_context(
            ServedSite(database_url, workers=args.workers, REDIS_URL=args.redis)
        )
        data = json.loads(site.manage("shell", "--no-imports", "-c", SETUP))
        return measure(site, data, args, cluster)


def drop_database(server: str, name: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def measure(site: ServedSite, data: dict, args, cluster: PgCluster | None) -> int:
    baseline = Tally()
    stop, threads = run_readers(site, data, 1, baseline)
    time.sleep(5)
    stop.set()
    for thread in threads:
        thread.join()

    tally = Tally()
    editor = Editor(site, data, tally, args.edit_every)
    editor.log_in()
    started = time.monotonic()
    stop, threads = run_readers(site, data, args.clients, tally, editor)
    outage = None
    if cluster is not None:
        time.sleep(args.duration / 3)
        down_at = time.monotonic()
        cluster.stop("fast")
        time.sleep(args.outage)
        cluster.start()
        outage = (down_at, time.monotonic() + 1)
    time.sleep(max(0, started + args.duration - time.monotonic()))
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    problems = verify(site, editor)
    return report(baseline, tally, editor, elapsed, outage, problems, args)


def report(baseline, tally, editor, elapsed, outage, problems, args) -> int:
    def in_outage(when: float) -> bool:
        return outage is not None and outage[0] <= when <= outage[1]

    rows = tally.rows
    readers = [r for r in rows if not r[1].startswith("editor")]
    # A save answers with a redirect; a 200 would be the form back with errors.
    failed = [r for r in rows if r[2] != (302 if r[1] == "editor POST" else 200)]
    failed_rows = set(failed)
    outside = [r for r in failed if not in_outage(r[0])]
    during = [r for r in failed if in_outage(r[0])]
    base_ok = [r[3] for r in baseline.rows if r[2] == 200]
    ok = [r[3] for r in readers if r[2] == 200]
    base_p50, base_p99 = percentile(base_ok, 0.5), percentile(base_ok, 0.99)
    p50, p99 = percentile(ok, 0.5), percentile(ok, 0.99)
    lines = [
        f"{args.clients} readers + 1 editor, {args.workers} gunicorn workers, "
        f"{elapsed:.0f} s{', database restarted' if outage else ''}",
        f"requests: {len(rows)}, from readers {len(readers)} "
        f"({len(readers) / elapsed:.0f}/s, "
        f"{sum(r[4] for r in readers) / max(1, len(readers)):.0%} page cache hits), "
        f"errors outside the outage: {len(outside)}",
        f"baseline (1 reader alone): p50 {base_p50 * 1000:.1f} ms, "
        f"p99 {base_p99 * 1000:.1f} ms",
        f"under load: p50 {p50 * 1000:.1f} ms ({p50 / base_p50:.1f}x baseline), "
        f"p99 {p99 * 1000:.1f} ms ({p99 / base_p99:.1f}x baseline)",
    ]
    for kind in ("story", "home", "tag", "search", "feed", "editor POST"):
        times = [r[3] for r in rows if r[1] == kind and r not in failed_rows]
        lines.append(
            f"  {kind:<12} {len(times):>6}  p50 {percentile(times, 0.5) * 1000:7.1f} "
            f"ms  p99 {percentile(times, 0.99) * 1000:7.1f} ms"
        )
    if outage:
        statuses = sorted({r[2] for r in during})
        lines.append(
            f"outage {outage[1] - outage[0]:.1f} s: {len(during)} failed requests "
            f"(statuses {statuses}); saves pressed again: {editor.saved_again}"
        )
    edits = sum(len(m) for m in editor.committed.values())
    lines.append(
        f"editor: {edits} updates and {len(editor.published)} publications committed; "
        f"missing afterwards: {len(problems)}"
    )
    lines += [f"  {problem}" for problem in problems[:20]]
    lines += [f"  error: {r[1]} {r[2]}" for r in outside[:20]]
    sys.stdout.write("\n".join(lines) + "\n")
    return 1 if outside or problems else 0


if __name__ == "__main__":
    sys.exit(main())
