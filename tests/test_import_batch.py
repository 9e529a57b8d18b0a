"""Batch import: files, folders, globs and zip archives, streamed with flat memory."""

import gc
import tracemalloc
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.interchange import batch
from articles.interchange.batch import import_sources, iter_sources
from articles.models import Article

STORY = "Story number {n}\n\nLead paragraph of story {n}, filed on Monday.\n\n{body}"


def write_stories(
    folder: Path, count: int, *, start: int = 0, paragraphs: int = 1
) -> None:
    """Write ``count`` plain-text stories of ``paragraphs`` paragraphs (0.5 KB each)."""
    folder.mkdir(parents=True, exist_ok=True)
    sentence = "A paragraph of wire copy that is long enough to look real. "
    body = "\n\n".join([sentence * 8] * paragraphs)
    for n in range(start, start + count):
        (folder / f"{n:05d}.txt").write_text(STORY.format(n=n, body=body))


def listing(paths) -> list[tuple[str, str, str]]:
    return [(s.name, s.relative, s.error) for s in iter_sources(paths)]


def test_folders_are_walked_in_name_order_skipping_hidden_and_readme(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("b/2.txt", "a/1.txt", "a.txt", ".git/HEAD", ".hidden", "README.md"):
        (tmp_path / name).write_text("Headline\n\nText.\n")

    assert [relative for _, relative, _ in listing([tmp_path])] == [
        "a/1.txt",
        "a.txt",
        "b/2.txt",
    ]


def test_a_file_given_directly_is_keyed_by_its_name(tmp_path):
    (tmp_path / "deep").mkdir()
    (tmp_path / "deep" / "x.txt").write_text("Headline\n\nText.\n")

    assert listing([tmp_path / "deep" / "x.txt"]) == [
        (str(tmp_path / "deep" / "x.txt"), "x.txt", "")
    ]


def test_glob_patterns_key_files_relative_to_their_fixed_folders(tmp_path):
    write_stories(tmp_path / "wire" / "monday", 2)
    (tmp_path / "wire" / "notes.md").write_text("# not matched")

    found = listing([f"{tmp_path}/wire/**/*.txt"])

    assert sorted(relative for _, relative, _ in found) == [
        "monday/00000.txt",
        "monday/00001.txt",
    ]
    assert listing([f"{tmp_path}/none/*.txt"]) == [
        (f"{tmp_path}/none/*.txt", "", "no file matches this pattern")
    ]


def test_missing_path_is_reported_not_raised(tmp_path):
    assert listing([tmp_path / "gone"]) == [
        (str(tmp_path / "gone"), "", "no such file or directory")
    ]


def test_zip_members_are_keyed_by_their_path_inside_the_archive(tmp_path):
    archive = tmp_path / "wire.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("monday/a.txt", "Headline A\n\nText A.\n")
        zipped.writestr("__MACOSX/monday/._a.txt", "junk")
        zipped.writestr("monday/.DS_Store", "junk")
        zipped.writestr("README.txt", "about")
        zipped.writestr("monday/", "")

    sources = list(iter_sources([archive]))

    assert [(s.name, s.relative) for s in sources] == [
        (f"{archive}:monday/a.txt", "monday/a.txt")
    ]
    # The archive is closed once the batch moved on: loading still works.
    assert sources[0].load() == b"Headline A\n\nText A.\n"


def test_zip_members_with_unsafe_names_are_refused(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("../../etc/cron.d/x", "Headline\n\nText.\n")
        zipped.writestr("/abs.txt", "Headline\n\nText.\n")
        zipped.writestr("C:/win.txt", "Headline\n\nText.\n")

    errors = [error for _, _, error in listing([archive])]

    assert errors == ["unsafe name in the archive: refused"] * 3


def test_huge_members_are_refused_without_being_unpacked(tmp_path, monkeypatch):
    """A zip bomb: a few kilobytes that unpack to megabytes."""
    monkeypatch.setattr(batch, "MAX_FILE_BYTES", 1024 * 1024)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("bomb.txt", b"0" * (5 * 1024 * 1024))
    assert archive.stat().st_size < 20_000

    assert listing([archive]) == [
        (f"{archive}:bomb.txt", "", "larger than 1 MB: refused")
    ]


@pytest.mark.django_db
def test_a_damaged_zip_fails_alone(tmp_path, seed_path):
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "seed.txt").write_bytes(seed_path.read_bytes())

    outcomes = list(import_sources(iter_sources([tmp_path])))

    assert [(o.outcome, o.reason[:27]) for o in outcomes] == [
        ("failed", "not a readable zip archive:"),
        ("created", ""),
    ]


@pytest.mark.django_db
def test_zip_given_to_the_command_imports_like_the_folder_it_holds(tmp_path, seed_path):
    archive = tmp_path / "wire.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(seed_path, f"world/{seed_path.name}")
    out = StringIO()

    call_command("import_articles", str(archive), stdout=out)

    assert out.getvalue().splitlines()[-1] == (
        "created 1, updated 0, unchanged 0, conflicts 0, failed 0"
    )
    assert Article.objects.get().source_id == f"plain:world/{seed_path.name}"


def test_sources_are_listed_lazily(tmp_path, monkeypatch):
    """Nothing is read while listing; a file is read when its turn comes."""
    write_stories(tmp_path, 3)
    reads = []
    real = batch._read_file
    monkeypatch.setattr(
        batch, "_read_file", lambda path: reads.append(path) or real(path)
    )

    sources = iter_sources([tmp_path])
    first = next(sources)

    assert reads == []
    first.load()
    assert reads == [tmp_path / "00000.txt"]


GC_EVERY = 25  # files


def peak_memory_of_import(folder: Path) -> int:
    """Import a folder through the batch loop; return the peak of the memory it
    allocated (tracemalloc: neither the machine's load nor other processes count),
    above what was allocated before it started.

    Each file leaves some cyclic garbage (Django query objects) that Python frees
    at a full collection, whose timing varies from run to run. Collecting every
    ``GC_EVERY`` files bounds that garbage whatever the batch size, so what the
    peak still grows by is what the batch really holds.
    """
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n, outcome in enumerate(import_sources(iter_sources([folder])), 1):
            assert outcome.outcome == "created", outcome.reason
            if n % GC_EVERY == 0:
                gc.collect()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


@pytest.mark.django_db
def test_memory_stays_flat_as_the_batch_grows(tmp_path):
    """Ten times the files, about the same peak: nothing holds the batch.

    Each story is about 5 KB of text, so keeping the stories (or their parsed
    form) would add well over 5 KB a file, 2.2 MB for the 450 more files. What may
    grow is the listing of one folder and one import reference per file (a few
    hundred bytes), kept to catch two files that claim the same story: the budget
    is 1.5 KB a file. A first small batch warms up what is allocated once (lazy
    imports, caches), so that it counts in neither measurement.
    """
    write_stories(tmp_path / "warm-up", 20, start=90_000, paragraphs=10)
    write_stories(tmp_path / "small", 50, paragraphs=10)
    write_stories(tmp_path / "large", 500, start=50, paragraphs=10)
    peak_memory_of_import(tmp_path / "warm-up")

    small = peak_memory_of_import(tmp_path / "small")
    large = peak_memory_of_import(tmp_path / "large")

    assert Article.objects.count() == 570
    per_file = (large - small) / 450
    assert per_file < 1500, (small, large)
