"""Import many files as a stream: files, folders, globs and zip archives.

Nothing here holds the batch: ``iter_sources`` yields one file at a time (a folder is
listed one level at a time, a zip member is read only when its turn comes) and
``import_sources`` parses, writes and forgets each story before the next. What grows
with the batch is one short string per import reference, to catch two files that
claim the same story.
"""

import glob
import logging
import os
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from django.db import DatabaseError, reset_queries

from articles.revisions import FieldChange

from .data import ParsedStory, ParseError
from .detect import detect_format, parse_as, source_id
from .writer import ImportRejected, import_story

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024
ZIP_JUNK = ("__MACOSX",)


class SourceError(Exception):
    """A file of the batch cannot be read; the message says why, for a person."""


@dataclass(frozen=True)
class Source:
    """One file of a batch, not read yet.

    ``name`` is how people know it (a path, or "archive.zip:member"); ``relative``
    names it in its import reference, relative to the folder or archive given.
    """

    name: str
    relative: str
    load: Callable[[], bytes] | None = None
    error: str = ""


@dataclass(frozen=True)
class FileOutcome:
    """What became of one file: created, updated, unchanged, conflict or failed."""

    name: str
    outcome: str = "failed"
    reason: str = ""
    format: str = ""
    source_id: str = ""
    article_id: int | None = None
    headline: str = ""
    changes: tuple[FieldChange, ...] = field(default=(), repr=False)

    def as_report(self) -> dict:
        """Return the file's line of a JSON report."""
        return {
            "file": self.name,
            "format": self.format or None,
            "outcome": self.outcome,
            "reason": self.reason,
            "source_id": self.source_id or None,
            "article_id": self.article_id,
            "headline": self.headline,
            "changed_fields": [change.label for change in self.changes],
        }


def iter_sources(paths: Iterable[str | Path]) -> Iterator[Source]:
    """Yield the files of ``paths`` one by one, in a stable order.

    A folder is read recursively in name order, skipping hidden files and folders
    and README files; a zip archive yields its members; a pattern (``*``, ``?``,
    ``[…]``, ``**`` for any depth of folders) yields the files it matches, keyed
    relative to its fixed leading folders. A path that is none of these yields a
    Source with an ``error``.
    """
    for given in paths:
        path = Path(given)
        if path.is_file():
            yield from _file_sources(path, path.name)
        elif path.is_dir():
            yield from _walk(path, path)
        elif glob.has_magic(str(given)):
            yield from _glob_sources(str(given))
        else:
            yield Source(str(given), "", error="no such file or directory")


def import_sources(
    sources: Iterable[Source],
    *,
    section_slug: str | None = None,
    publish: bool = False,
    published_at: datetime | None = None,
    dry_run: bool = False,
    overwrite: bool = False,
    user=None,
) -> Iterator[FileOutcome]:
    """Import each source in its own transaction; yield what became of it.

    A file that fails (unreadable, not a story, rejected by the writer) leaves the
    database as it was and does not stop the batch.
    """
    seen: dict[str, str] = {}
    options = {
        "section_slug": section_slug,
        "publish": publish,
        "published_at": published_at,
        "dry_run": dry_run,
        "overwrite": overwrite,
        "user": user,
    }
    for source in sources:
        yield from _import_one(source, seen, options)
        # With DEBUG on, Django keeps the last 9,000 queries: keep none.
        reset_queries()


def _import_one(
    source: Source, seen: dict[str, str], options: dict
) -> Iterator[FileOutcome]:
    """Yield the outcome of one file: of each of its stories for a native export."""
    if source.error or source.load is None:
        yield FileOutcome(source.name, reason=source.error or "cannot be read")
        return
    format_name = reference = ""
    try:
        data = source.load()
        format_name = detect_format(data, source.relative)
        story = parse_as(format_name, data)
        del data
        if not isinstance(story, ParsedStory):
            yield from _native_outcomes(source, story, options)
            return
        reference = source_id(story, format_name, source.relative)
        if reference in seen:
            reason = f"same import reference as {seen[reference]}"
            yield FileOutcome(source.name, reason=reason, format=format_name)
            return
        seen[reference] = source.name
        result = import_story(story, source_id=reference, **options)
    except Exception as error:  # sorted out by _reason
        reason = _reason(error, source)
    else:
        yield FileOutcome(
            source.name,
            outcome=result.outcome,
            reason=result.reason,
            format=format_name,
            source_id=reference,
            article_id=result.article_id,
            headline=result.headline,
            changes=result.changes,
        )
        return
    yield FileOutcome(
        source.name, reason=reason, format=format_name, source_id=reference
    )


def _native_outcomes(source: Source, document, options: dict) -> list[FileOutcome]:
    """Store a newsroom export with its own writer: all its stories, or none.

    That writer keys stories on their own references and takes no section or
    publication options: an export is restored as it was made. Stories changed
    in the newsroom since are conflicts, as for the other formats.
    """
    from .native import write_native

    outcomes = write_native(
        document,
        dry_run=options["dry_run"],
        source=source.name,
        overwrite=options["overwrite"],
        user=options["user"],
    )
    return [
        FileOutcome(
            source.name,
            outcome=story.outcome,
            reason=story.reason,
            format="native",
            source_id=story.key,
            article_id=story.article_id,
            headline=story.headline,
        )
        for story in outcomes
    ]


def _reason(error: Exception, source: Source) -> str:
    """Say why a file failed, for a person; an unexpected error is also logged,
    since one broken file must not stop a batch of thousands."""
    if isinstance(error, SourceError | ParseError | ImportRejected):
        return str(error)
    if isinstance(error, OSError):
        return error.strerror or str(error)
    if isinstance(error, DatabaseError):
        return f"database error: {error}"
    logger.exception("Unexpected error importing %s", source.name)
    return f"unexpected error ({type(error).__name__}): {error}"


def _skipped(name: str, *, is_file: bool) -> bool:
    """Skip hidden files and folders and README files: they are not stories."""
    return name.startswith(".") or (is_file and name.upper().startswith("README"))


def _walk(directory: Path, root: Path) -> Iterator[Source]:
    """Yield the files under ``directory`` depth first, one level listed at a time."""
    try:
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        yield Source(str(directory), "", error=error.strerror or str(error))
        return
    for entry in entries:
        # Symbolic links to folders are not followed: no loops, no escapes.
        if entry.is_dir(follow_symlinks=False):
            if not _skipped(entry.name, is_file=False):
                yield from _walk(Path(entry.path), root)
        elif entry.is_file() and not _skipped(entry.name, is_file=True):
            path = Path(entry.path)
            yield from _file_sources(path, path.relative_to(root).as_posix())


def _glob_sources(pattern: str) -> Iterator[Source]:
    """Yield the files a pattern matches (folders it matches are not entered)."""
    root = Path(_fixed_prefix(pattern))
    matched = False
    for match in glob.iglob(pattern, recursive=True):
        path = Path(match)
        if not path.is_file():
            continue
        try:
            relative = path.relative_to(root)
        except ValueError:
            relative = Path(path.name)
        if any(_skipped(part, is_file=False) for part in relative.parts[:-1]):
            continue
        if _skipped(relative.name, is_file=True):
            continue
        matched = True
        yield from _file_sources(path, relative.as_posix())
    if not matched:
        yield Source(pattern, "", error="no file matches this pattern")


def _fixed_prefix(pattern: str) -> str:
    """Return the leading folders of a pattern that hold no wildcard."""
    parts = []
    for part in Path(pattern).parts[:-1]:
        if glob.has_magic(part):
            break
        parts.append(part)
    return str(Path(*parts)) if parts else "."


def _file_sources(path: Path, relative: str) -> Iterator[Source]:
    if path.suffix.lower() == ".zip":
        yield from _zip_sources(path)
    else:
        yield Source(str(path), relative, load=lambda: _read_file(path))


def _read_file(path: Path) -> bytes:
    # Not read(MAX_FILE_BYTES + 1): that would set aside 50 MB for every file.
    with path.open("rb") as file:
        if os.fstat(file.fileno()).st_size > MAX_FILE_BYTES:
            raise SourceError(_too_large())
        data = file.read()
    if len(data) > MAX_FILE_BYTES:
        raise SourceError(_too_large())
    return data


def _zip_sources(path: Path) -> Iterator[Source]:
    """Yield the members of a zip archive, refusing unsafe names and huge members.

    Members are keyed by their path inside the archive, so a zipped folder names
    its stories as the folder itself does.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        yield Source(str(path), "", error=f"not a readable zip archive: {error}")
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = info.filename.replace("\\", "/")
            parts = PurePosixPath(name).parts
            shown = f"{path}:{info.filename}"
            if not parts:
                continue
            if name.startswith("/") or ".." in parts or ":" in parts[0]:
                yield Source(shown, "", error="unsafe name in the archive: refused")
            elif (
                parts[0] in ZIP_JUNK
                or any(_skipped(part, is_file=False) for part in parts[:-1])
                or _skipped(parts[-1], is_file=True)
            ):
                continue
            elif info.file_size > MAX_FILE_BYTES:
                yield Source(shown, "", error=_too_large())
            else:
                yield Source(
                    shown,
                    "/".join(parts),
                    load=lambda info=info: _read_member(archive, path, info),
                )


def _read_member(archive: zipfile.ZipFile, path: Path, info: zipfile.ZipInfo) -> bytes:
    """Unpack one member whose declared size is within the limit.

    Unpacking stops at the declared size: a member that holds more is damaged.
    """
    try:
        if archive.fp is None:  # the batch moved on; open the archive again
            with zipfile.ZipFile(path) as again, again.open(info) as member:
                data = member.read()
        else:
            with archive.open(info) as member:
                data = member.read()
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise SourceError(f"damaged in the archive: {error}") from None
    except (NotImplementedError, RuntimeError) as error:  # method, encryption
        raise SourceError(f"cannot be unpacked: {error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise SourceError(_too_large())
    return data


def _too_large() -> str:
    return f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: refused"
