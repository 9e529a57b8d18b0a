"""Re-imports: a newer version updates the story and records a revision; a story an
editor changed since its last import is a conflict and stays as the editor left it."""

import importlib
import shutil
from io import StringIO
from pathlib import Path

import pytest
import reversion
from django.apps import apps
from django.core.management import CommandError, call_command
from reversion.models import Version

from articles.interchange.plaintext import parse_plain_text
from articles.interchange.writer import import_story, write_story
from articles.models import Article, ArticlePhoto, Photo

from .factories import make_user

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


def row_counts() -> tuple[int, ...]:
    return (
        Article.objects.count(),
        Photo.objects.count(),
        ArticlePhoto.objects.count(),
        Version.objects.count(),
    )


@pytest.fixture
def story_file(tmp_path: Path, seed_path: Path) -> Path:
    folder = tmp_path / "wire"
    folder.mkdir()
    shutil.copy(seed_path, folder / "seed.txt")
    return folder / "seed.txt"


def newer_version(path: Path) -> None:
    path.write_text(
        path.read_text(encoding="utf-8").replace("deep into desert", "into the sand"),
        encoding="utf-8",
    )


def edit_as_editor(headline: str = "Desk's own headline") -> Article:
    article = Article.objects.get()
    article.headline = headline
    article.save()
    return article


def test_newer_version_updates_the_story_and_records_a_revision(story_file):
    run(story_file)
    article = Article.objects.get()
    revisions = Version.objects.get_for_object(article).count()
    newer_version(story_file)

    out = run(story_file)

    assert out.splitlines()[-1] == (
        "created 0, updated 1, unchanged 0, conflicts 0, failed 0"
    )
    article.refresh_from_db()
    assert article.headline.endswith("into the sand")
    assert article.imported_version == article.version
    versions = Version.objects.get_for_object(article)
    assert versions.count() == revisions + 1
    assert versions.first().revision.comment == "Imported from plain:seed.txt"


def test_reimport_after_an_editors_change_reports_a_conflict_and_changes_nothing(
    story_file,
):
    run(story_file)
    edited = edit_as_editor()
    counts = row_counts()
    newer_version(story_file)

    out = run(story_file)

    assert f"conflict {story_file} -> Iraqi forces say Daesh retreating into" in out
    assert "changed in the newsroom since the last import; not overwritten" in out
    assert "    Headline: [-Desk's own headline-]{+Iraqi forces" in out
    assert out.splitlines()[-1] == (
        "created 0, updated 0, unchanged 0, conflicts 1, failed 0"
    )
    after = Article.objects.get()
    assert (after.headline, after.version) == (edited.headline, edited.version)
    assert row_counts() == counts


def test_conflict_names_who_changed_the_story(story_file):
    run(story_file)
    editor = make_user("desk")
    with reversion.create_revision():
        reversion.set_user(editor)
        edit_as_editor()
    newer_version(story_file)

    result = import_story(
        parse_plain_text(story_file.read_bytes()), source_id="plain:seed.txt"
    )

    assert result.outcome == "conflict"
    assert "(saved by desk " in result.reason


def test_conflicts_fail_the_command_only_with_strict(story_file):
    run(story_file)
    edit_as_editor()
    newer_version(story_file)

    run(story_file)  # no error
    with pytest.raises(CommandError, match="^1 story in conflict$"):
        run(story_file, "--strict")


def test_overwrite_replaces_the_editors_change_and_says_so(story_file):
    run(story_file)
    edit_as_editor()
    newer_version(story_file)

    out = run(story_file, "--overwrite")

    assert out.splitlines()[-1] == (
        "created 0, updated 1, unchanged 0, conflicts 0, failed 0"
    )
    article = Article.objects.get()
    assert article.headline.endswith("into the sand")
    assert article.imported_version == article.version
    comment = Version.objects.get_for_object(article).first().revision.comment
    assert comment == (
        "Imported from plain:seed.txt (overwrote the changes made since the last "
        "import)"
    )


def test_the_same_file_after_an_editors_change_is_unchanged_and_keeps_the_change(
    story_file,
):
    """Nothing new came in, so nothing is overwritten and nothing to report."""
    run(story_file)
    edited = edit_as_editor()

    out = run(story_file)

    assert out.splitlines()[-1] == (
        "created 0, updated 0, unchanged 1, conflicts 0, failed 0"
    )
    assert Article.objects.get().headline == edited.headline


def test_overwrite_restores_the_file_even_when_the_file_is_the_same(story_file):
    run(story_file)
    edit_as_editor()

    run(story_file, "--overwrite")

    assert Article.objects.get().headline.startswith("Iraqi forces say Daesh")


def test_dry_run_shows_a_conflict_without_writing(story_file):
    run(story_file)
    edited = edit_as_editor()
    newer_version(story_file)
    counts = row_counts()

    out = run(story_file, "--dry-run", "--overwrite")

    assert out.splitlines()[-1] == (
        "Dry run: created 0, updated 1, unchanged 0, conflicts 0, failed 0"
    )
    assert "Headline: [-Desk's own headline-]{+Iraqi forces" in out
    assert Article.objects.get().version == edited.version
    assert row_counts() == counts


def test_story_imported_before_versions_were_tracked_counts_as_changed(story_file):
    """Without an imported version nobody can tell: the safe answer is a conflict."""
    run(story_file)
    Article.objects.update(imported_version=None)
    newer_version(story_file)

    story = parse_plain_text(story_file.read_bytes())

    assert write_story(story, source_id="plain:seed.txt") == "conflict"


def test_migration_marks_stories_untouched_since_their_import(story_file):
    """Stories whose newest revision is an import get their imported version."""
    migration = importlib.import_module("articles.migrations.0006_import_tracking")
    run(story_file)
    shutil.copy(story_file, story_file.with_name("other.txt"))
    newer_version(story_file.with_name("other.txt"))  # else it is the same story
    run(story_file.with_name("other.txt"))
    with reversion.create_revision():
        edited = Article.objects.get(source_id="plain:other.txt")
        edited.headline = "Edited in the admin"
        edited.save()
    Article.objects.update(imported_version=None)

    migration.mark_untouched_imports(apps, None)

    untouched = Article.objects.get(source_id="plain:seed.txt")
    assert untouched.imported_version == untouched.version
    assert Article.objects.get(source_id="plain:other.txt").imported_version is None
