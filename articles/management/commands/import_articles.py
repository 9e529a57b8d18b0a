"""Import plain-text wire copy: ``manage.py import_articles PATH [PATH ...]``."""

from collections import Counter
from datetime import datetime, time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug
from django.db import DatabaseError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles.interchange.plaintext import ParseError, parse_plain_text
from articles.interchange.writer import ImportRejected, write_story

OUTCOMES = ("created", "updated", "unchanged", "failed")


class Command(BaseCommand):
    help = (
        "Import plain-text stories (headline, standfirst, captions with a credit "
        "line, body). PATH is a file or a directory; directories are read "
        "recursively, in name order, skipping hidden files and folders and README "
        "files. Each file is imported in its own transaction and keyed on its path "
        "(relative to the directory given, or its name when given directly), so "
        "importing again updates the same story. Exits non-zero if any file failed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Parse and check every file, report the outcome, write nothing.",
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
            "(default: the import time for new stories).",
        )

    def handle(self, *args, **options) -> None:
        published_at = _parse_when(options["date"])
        section = options["section"]
        if section is not None:
            try:
                validate_slug(section)
            except ValidationError as error:
                raise CommandError(f"--section {section!r} is not a slug") from error
        counts: Counter[str] = Counter()
        seen: dict[str, Path] = {}
        for path, source_id in _story_files(options["paths"]):
            try:
                if source_id is None:
                    raise _Failed("no such file or directory")
                if source_id in seen:
                    raise _Failed(f"same import reference as {seen[source_id]}")
                seen[source_id] = path
                outcome, headline = _import(path, source_id, published_at, options)
            except _Failed as failure:
                counts["failed"] += 1
                self.stderr.write(f"FAILED {path}: {failure}")
                continue
            counts[outcome] += 1
            if options["verbosity"] >= 1:
                self.stdout.write(f"{outcome} {path} -> {headline}")
        summary = ", ".join(f"{outcome} {counts[outcome]}" for outcome in OUTCOMES)
        self.stdout.write(("Dry run: " if options["dry_run"] else "") + summary)
        if counts["failed"]:
            plural = "file" if counts["failed"] == 1 else "files"
            raise CommandError(f"{counts['failed']} {plural} failed")


class _Failed(Exception):
    """One file could not be imported; the message is the reason shown to the user."""


def _import(
    path: Path, source_id: str, published_at: datetime | None, options: dict
) -> tuple[str, str]:
    """Import one file in its own transaction; return its outcome and headline."""
    try:
        story = parse_plain_text(path.read_bytes())
        outcome = write_story(
            story,
            source_id=source_id,
            section_slug=options["section"],
            publish=options["publish"],
            published_at=published_at,
            dry_run=options["dry_run"],
        )
    except OSError as error:
        raise _Failed(error.strerror or str(error)) from error
    except (ParseError, ImportRejected) as error:
        raise _Failed(str(error)) from error
    except DatabaseError as error:
        raise _Failed(f"database error: {error}") from error
    return outcome, story.headline


def _parse_when(value: str | None) -> datetime | None:
    """Read ``--date`` as an aware datetime; a bare date means midnight, local time."""
    if value is None:
        return None
    try:
        when = parse_datetime(value)
        if when is None and (day := parse_date(value)) is not None:
            when = datetime.combine(day, time.min)
    except ValueError:
        when = None
    if when is None:
        raise CommandError(f"--date {value!r} is not an ISO 8601 date or time")
    return timezone.make_aware(when) if timezone.is_naive(when) else when


def _story_files(paths: list[Path]):
    """Yield (file, import reference) pairs; the reference is None for a bad PATH.

    The reference is the path relative to the directory given, so importing a file
    directly and importing its folder name the same story.
    """
    for path in paths:
        if path.is_file():
            yield path, f"plain:{path.name}"
        elif path.is_dir():
            for file in sorted(path.rglob("*")):
                relative = file.relative_to(path)
                if file.is_file() and not _skipped(relative):
                    yield file, f"plain:{relative.as_posix()}"
        else:
            yield path, None


def _skipped(relative: Path) -> bool:
    """Skip hidden files and folders and README files: they are not stories."""
    return any(part.startswith(".") for part in relative.parts) or (
        relative.name.upper().startswith("README")
    )
