"""``backup`` then ``restore`` into an empty database gives everything back: stories,
tags, revisions, photos and their files, public and private. A database that is not
empty is refused unless forced.

The source is this test's own database (committed, hence ``transactional_db``); the
restore runs as ``make restore`` does, in a subprocess, into a new empty database of
the same engine: a new SQLite file, or a new database on the PostgreSQL server.
"""

import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
import reversion
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from photos.renditions import ensure_rendition, srcset_widths
from tests.appserver import OWN_VARIABLES, ROOT
from tests.factories import make_article, make_author, make_photo, make_section
from tests.images import jpeg


def snapshot() -> dict:
    """Everything a restore must bring back, with each file's SHA-256."""
    from django.core.files.storage import storages
    from reversion.models import Version

    from articles.models import Article, Photo
    from photos.models import Rendition

    def digest(alias: str, name: str) -> str:
        with storages[alias].open(name, "rb") as file:
            return hashlib.sha256(file.read()).hexdigest()

    stories = Article.objects.order_by("pk").prefetch_related("tags", "bylines")
    return {
        "stories": [
            {
                "headline": story.headline,
                "body": story.body,
                "status": story.status,
                "section": story.section.slug if story.section else None,
                "tags": sorted(tag.name for tag in story.tags.all()),
                "authors": [byline.author.name for byline in story.bylines.all()],
                "photos": [use.photo.uid.hex for use in story.article_photos.all()],
                "revisions": [
                    version.field_dict["headline"]
                    for version in Version.objects.get_for_object(story)
                ],
            }
            for story in stories
        ],
        "photos": [
            {
                "uid": photo.uid.hex,
                "caption": photo.caption,
                "image": photo.image.name,
                "sha256": digest("originals", photo.image.name),
            }
            for photo in Photo.objects.order_by("pk")
        ],
        "renditions": [
            {"file": made.file, "sha256": digest("default", made.file)}
            for made in Rendition.objects.order_by("pk")
        ],
    }


def make_content() -> None:
    photo = make_photo(caption="Floodwater in the square", alt_text="A flooded square")
    photo.image.save("flood.jpg", ContentFile(jpeg((1200, 800))))
    ensure_rendition(photo, "16x9", srcset_widths(photo, "16x9")[0][0], "webp")
    story = make_article(
        headline="Floods reach the capital",
        body="Water rose overnight.\n\nÉvacuations à Paris.",
        section=make_section(name="World", slug="world"),
        tags=["floods", "Île-de-France"],
        authors=[make_author(name="Dana Reporter")],
        photos=[photo],
    )
    for headline in ("Floods reach the capital city", "Floods reach the capital"):
        with reversion.create_revision():
            story.headline = headline
            story.save()
    make_article(headline="A draft nobody sees", status="draft")


@pytest.fixture
def empty_database_url(tmp_path):
    """A new, empty database of the engine under test; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    server = connection.settings_dict
    name = f"newsroom_h6_restore_{uuid.uuid4().hex[:8]}"
    admin = {"host": server["HOST"], "port": server["PORT"], "user": server["USER"]}
    with psycopg.connect(
        **admin, dbname="postgres", password=server["PASSWORD"], autocommit=True
    ) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    yield (
        f"postgres://{server['USER']}:{server['PASSWORD']}@{server['HOST']}:"
        f"{server['PORT']}/{name}"
    )
    with psycopg.connect(
        **admin, dbname="postgres", password=server["PASSWORD"], autocommit=True
    ) as c:
        c.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def manage(database_url: str, folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    env.update(
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(folder / "media"),
        PRIVATE_MEDIA_ROOT=str(folder / "private-media"),
        CACHE_DIR=str(folder / "cache"),
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def restored_snapshot(database_url: str, folder: Path) -> dict:
    show = "import json, tests.test_backup as t; print(json.dumps(t.snapshot()))"
    result = manage(database_url, folder, "shell", "--no-imports", "-c", show)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_an_empty_database_with_every_file(
    tmp_path, empty_database_url
):
    make_content()
    before = snapshot()
    assert (
        before["photos"] and before["renditions"] and before["stories"][0]["revisions"]
    )

    call_command("backup", output_dir=tmp_path / "backups")
    (archive,) = (tmp_path / "backups").glob("newsroom-*.tar.gz")
    target = tmp_path / "restored"
    restored = manage(empty_database_url, target, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "1 in default, 1 in originals" in restored.stdout

    assert restored_snapshot(empty_database_url, target) == before


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty_unless_forced(
    tmp_path, empty_database_url
):
    make_content()
    call_command("backup", output_dir=tmp_path / "backups")
    (archive,) = (tmp_path / "backups").glob("newsroom-*.tar.gz")
    target = tmp_path / "restored"
    assert manage(empty_database_url, target, "migrate", "--noinput").returncode == 0
    empty_site = restored_snapshot(empty_database_url, target)

    refused = manage(empty_database_url, target, "restore", str(archive))
    assert refused.returncode != 0
    assert "is not empty" in refused.stderr and "--force" in refused.stderr
    assert restored_snapshot(empty_database_url, target) == empty_site

    forced = manage(empty_database_url, target, "restore", "--force", str(archive))
    assert forced.returncode == 0, forced.stderr
    assert restored_snapshot(empty_database_url, target) == snapshot()


def test_restore_of_a_file_that_is_no_backup_says_so(tmp_path):
    bogus = tmp_path / "newsroom-bogus.tar.gz"
    bogus.write_text("not an archive")
    result = manage(
        f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path, "restore", str(bogus)
    )
    assert result.returncode != 0
    assert "is not a readable backup archive" in result.stderr
