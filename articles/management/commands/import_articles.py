"""Import stories: ``manage.py import_articles PATH [PATH ...]``."""

import json
import re
import time
from collections import Counter
from datetime import datetime
from difflib import SequenceMatcher
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.core.validators import validate_slug
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles.interchange.batch import FileOutcome, import_sources, iter_sources

OUTCOMES = ("created", "updated", "unchanged", "conflict", "skipped", "failed")
SUMMARY_LABELS = {"conflict": "conflicts"}
# Older versions arriving late are rare: counted in the summary only when seen.
RARE_OUTCOMES = {"skipped"}
CHUNKS = re.compile(r"\s+|\S+")
DIFF_CONTEXT = 6  # tokens: three words and their spaces
DIFF_MAX = 400


class Command(BaseCommand):
    help = (
        "Import stories: plain text, ninjs JSON, NITF XML, NewsML-G2 XML or the "
        "newsroom's own JSON, each file's format told by its content. PATH is a "
        "file, a folder (read recursively in name order, skipping hidden files and "
        "README files), a zip archive or a quoted pattern such as 'wire/**/*.xml'. "
        "Each file is imported in its own transaction. A story keeps its identity "
        "across files: the document's own (ninjs uri, NITF doc-id, NewsML-G2 guid) "
        "or, for plain text, its path relative to the folder or archive given, so "
        "importing again updates the same story; plain text whose words were imported "
        "before, under any file name, is that story again. A document older than the "
        "version imported last is skipped. A story an editor changed since "
        "its last import is reported as a conflict and left alone, unless "
        "--overwrite. Exits non-zero if any file failed (and, with --strict, if "
        "any story was in conflict)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Parse and check every file, show what would be created or "
            "updated (with the changes, field by field), write nothing.",
        )
        parser.add_argument(
            "--section",
            metavar="SLUG",
            help="File the stories in this section, creating it if needed.",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the stories (default: new stories are drafts).",
        )
        parser.add_argument(
            "--date",
            metavar="ISO8601",
            help="Publication time, e.g. 2017-11-24 or 2017-11-24T09:30+01:00 "
            "(default: the document's own time, else the import time for new "
            "stories).",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace stories that editors changed since their last import.",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Exit non-zero when any story was in conflict, too.",
        )
        parser.add_argument(
            "--report",
            metavar="FILE.json",
            type=Path,
            help="Write every file's outcome and reason to this JSON file.",
        )

    def handle(self, *args, **options) -> None:
        published_at = _parse_when(options["date"])
        section = options["section"]
        if section is not None:
            try:
                validate_slug(section)
            except ValidationError as error:
                raise CommandError(f"--section {section!r} is not a slug") from error
        report = _Report(options["report"]) if options["report"] else None
        progress = _Progress(self.stdout, options["paths"])
        counts: Counter[str] = Counter()
        outcomes = import_sources(
            iter_sources(options["paths"]),
            section_slug=section,
            publish=options["publish"],
            published_at=published_at,
            dry_run=options["dry_run"],
            overwrite=options["overwrite"],
        )
        try:
            for result in outcomes:
                counts[result.outcome] += 1
                if report:
                    report.add(result)
                if result.outcome == "failed" or options["verbosity"] >= 1:
                    progress.clear()
                    self._show(result, options)
                progress.advance()
        finally:
            progress.clear()
            if report:
                report.close()
        self._finish(counts, options)

    def _show(self, result: FileOutcome, options: dict) -> None:
        if result.outcome == "failed":
            self.stderr.write(f"FAILED {result.name}: {result.reason}")
            return
        if options["verbosity"] < 1:
            return
        line = f"{result.outcome} {result.name} -> {result.headline}"
        if result.outcome in ("conflict", "skipped") or (
            result.outcome == "unchanged" and result.reason.startswith("same text as")
        ):
            line += f" ({result.reason})"
        self.stdout.write(line)
        if options["dry_run"] or result.outcome == "conflict":
            for change in result.changes:
                self.stdout.write(
                    f"    {change.label}: {text_diff(change.old, change.new)}"
                )

    def _finish(self, counts: Counter[str], options: dict) -> None:
        if counts["conflict"] and not options["overwrite"]:
            self.stdout.write(
                "Conflicts: stories changed in the newsroom since their last import "
                "were left as they are; --overwrite replaces them."
            )
        summary = ", ".join(
            f"{SUMMARY_LABELS.get(outcome, outcome)} {counts[outcome]}"
            for outcome in OUTCOMES
            if counts[outcome] or outcome not in RARE_OUTCOMES
        )
        self.stdout.write(("Dry run: " if options["dry_run"] else "") + summary)
        problems = []
        if counts["failed"]:
            problems.append(_plural(counts["failed"], "file") + " failed")
        if counts["conflict"] and options["strict"]:
            problems.append(_plural(counts["conflict"], "story", "stories"))
            problems[-1] += " in conflict"
        if problems:
            raise CommandError("; ".join(problems))


def _plural(n: int, noun: str, plural: str = "") -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def text_diff(old: str, new: str) -> str:
    """Show a change on one line: removed words as [-…-], added ones as {+…+}.

    Unchanged text is cut to a few words around each change.
    """
    before, after = CHUNKS.findall(old), CHUNKS.findall(new)
    matcher = SequenceMatcher(lambda chunk: chunk.isspace(), before, after, False)
    parts = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            same = before[i1:i2]
            if len(same) > 2 * DIFF_CONTEXT + 1:
                head = same[:DIFF_CONTEXT] if parts else []
                tail = same[-DIFF_CONTEXT:] if i2 < len(before) else []
                same = [*head, " … ", *tail]
            parts.append("".join(same))
            continue
        if removed := "".join(before[i1:i2]):
            parts.append(f"[-{removed}-]")
        if added := "".join(after[j1:j2]):
            parts.append(f"{{+{added}+}}")
    line = " ".join("".join(parts).split())
    return line if len(line) <= DIFF_MAX else line[: DIFF_MAX - 1] + "…"


class _Report:
    """A JSON array of every file's outcome, written as the batch goes."""

    def __init__(self, path: Path) -> None:
        try:
            self.file = path.open("w", encoding="utf-8")
        except OSError as error:
            raise CommandError(f"--report {path}: {error.strerror}") from error
        self.file.write("[")
        self.first = True

    def add(self, result: FileOutcome) -> None:
        self.file.write("\n" if self.first else ",\n")
        self.file.write(json.dumps(result.as_report(), ensure_ascii=False))
        self.first = False

    def close(self) -> None:
        self.file.write("\n]\n")
        self.file.close()


class _Progress:
    """``[#####     ] 1234/5000 files`` on a terminal, redrawn in place; else silent."""

    WIDTH = 30
    EVERY = 0.1  # seconds between redraws

    def __init__(self, out: OutputWrapper, paths: list[str]) -> None:
        self.out = out
        self.active = out.isatty()
        # Counting needs only names: a first pass over the folders, nothing read.
        self.total = sum(1 for _ in iter_sources(paths)) if self.active else 0
        self.done = 0
        self.drawn_at = 0.0
        self.shown = False

    def advance(self) -> None:
        self.done += 1
        if not self.active:
            return
        now = time.monotonic()
        recent = now - self.drawn_at < self.EVERY
        if self.shown and recent and self.done < self.total:
            return
        filled = self.WIDTH * self.done // max(self.total, 1)
        bar = "#" * filled + " " * (self.WIDTH - filled)
        self.out.write(f"\r[{bar}] {self.done}/{self.total} files", ending="")
        self.out.flush()
        self.drawn_at, self.shown = now, True

    def clear(self) -> None:
        if self.shown:
            self.out.write("\r\x1b[K", ending="")
            self.shown = False


def _parse_when(value: str | None) -> datetime | None:
    """Read ``--date`` as an aware datetime; a bare date means midnight, local time."""
    if value is None:
        return None
    try:
        when = parse_datetime(value)
        if when is None and (day := parse_date(value)) is not None:
            when = datetime.combine(day, datetime.min.time())
    except ValueError:
        when = None
    if when is None:
        raise CommandError(f"--date {value!r} is not an ISO 8601 date or time")
    return timezone.make_aware(when) if timezone.is_naive(when) else when
