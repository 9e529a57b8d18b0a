"""Source versions and plain-text identity.

Every import records the document's own version; an older copy arriving after a
newer one is skipped and reported. Plain text, which has no identifier, is known
by the hash of its normalised text: the same words under another file name are the
same story, a known file name with new words updates its story.
"""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from articles.interchange.batch import import_sources, iter_sources
from articles.interchange.nitf import parse_nitf
from articles.interchange.plaintext import parse_plain_text
from articles.interchange.versions import content_hash, is_older, normalise_version
from articles.models import Article

from .factories import make_user

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def listing_1(shared_samples: Path) -> bytes:
    path = shared_samples / "iptc" / "newsml-g2" / "examples"
    return (path / "LISTING_1_A_NewsML-G2_News_Item.xml").read_bytes()


@pytest.fixture
def dpa_text(shared_samples: Path) -> dict:
    path = shared_samples / "iptc" / "ninjs" / "examples" / "2.1" / "dpa_text.json"
    return json.loads(path.read_text(encoding="utf-8"))


def as_version(listing: bytes, version: int, headline: str) -> bytes:
    """Return IPTC listing 1 as another version of itself, with another headline."""
    text = listing.decode().replace('version="11"', f'version="{version}"', 1)
    start = text.index("<headline>") + len("<headline>")
    return (text[:start] + headline + text[text.index("</headline>") :]).encode()


# Versions


@pytest.mark.parametrize(
    ("new", "old", "older"),
    [
        ("3", "11", True),
        ("11", "3", False),
        ("11", "11", False),
        ("2017-11-24T09:00:00Z", "2017-11-24T10:00:00Z", True),
        ("2017-11-24T10:00:00Z", "2017-11-24T09:00:00Z", False),
        ("sha256:aa", "sha256:bb", False),  # hashes have no order
        ("3", "2017-11-24T10:00:00Z", False),  # nor a number and a time
        ("", "11", False),
        ("3", "", False),
    ],
)
def test_only_versions_of_one_kind_are_ordered(new, old, older):
    assert is_older(new, old) is older


def test_versions_are_stored_in_one_spelling():
    assert normalise_version("007") == normalise_version(7) == "7"
    assert normalise_version("2018-10-21T16:25:32-05:00") == "2018-10-21T21:25:32Z"
    assert normalise_version(True) == normalise_version(None) == ""


def test_each_format_gives_the_documents_own_version(
    listing_1, dpa_text, shared_samples
):
    from articles.interchange.newsml import parse_newsml
    from articles.interchange.ninjs import parse_ninjs

    ntb = shared_samples / "iptc" / "nitf" / "examples" / "NTB_nitf_sample.xml"

    assert parse_newsml(listing_1).source_version == "11"
    assert parse_ninjs(
        json.dumps(dpa_text).encode()
    ).source_version == normalise_version(
        dpa_text.get("version") or dpa_text["versioncreated"]
    )
    assert parse_nitf(ntb.read_bytes()).source_version == "1"  # du-key/@version
    no_du_key = b'<nitf><head><docdata><date.issue norm="20210516T090004Z"/>'
    no_du_key += b"</docdata></head><body><body.head><hedline><hl1>H</hl1>"
    no_du_key += b"</hedline></body.head></body></nitf>"
    assert parse_nitf(no_du_key).source_version == "2021-05-16T09:00:04Z"


def test_the_imported_version_is_recorded(tmp_path, listing_1):
    (tmp_path / "item.xml").write_bytes(listing_1)

    run(tmp_path / "item.xml")

    assert Article.objects.get().imported_source_version == "11"


def test_an_older_version_arriving_later_is_skipped_and_reported(tmp_path, listing_1):
    (tmp_path / "new.xml").write_bytes(as_version(listing_1, 12, "Rates rise again"))
    (tmp_path / "old.xml").write_bytes(as_version(listing_1, 11, "Rates rise"))
    run(tmp_path / "new.xml")
    article = Article.objects.get()
    revisions = Version.objects.get_for_object(article).count()

    out = run(tmp_path / "old.xml", "--report", tmp_path / "report.json")

    article.refresh_from_db()
    assert article.headline == "Rates rise again"
    assert article.imported_source_version == "12"
    assert Version.objects.get_for_object(article).count() == revisions
    (line,) = json.loads((tmp_path / "report.json").read_text())
    assert line["outcome"] == "skipped"
    assert line["reason"] == (
        "older version, skipped: version 11 arrived after version 12, which stays"
    )
    assert "skipped" in out and "older version, skipped" in out
    assert out.splitlines()[-1] == (
        "created 0, updated 0, unchanged 0, conflicts 0, skipped 1, failed 0"
    )


def test_the_dry_run_says_an_older_version_would_be_skipped(tmp_path, listing_1):
    (tmp_path / "new.xml").write_bytes(as_version(listing_1, 12, "Rates rise again"))
    (tmp_path / "old.xml").write_bytes(as_version(listing_1, 3, "Rates rise"))
    run(tmp_path / "new.xml")

    out = run(tmp_path / "old.xml", "--dry-run")

    assert "skipped" in out and "version 3 arrived after version 12" in out
    assert Article.objects.get().headline == "Rates rise again"


def test_a_newer_version_updates_the_story(tmp_path, listing_1):
    (tmp_path / "a.xml").write_bytes(as_version(listing_1, 11, "Rates rise"))
    run(tmp_path / "a.xml")
    (tmp_path / "a.xml").write_bytes(as_version(listing_1, 12, "Rates rise again"))

    run(tmp_path / "a.xml")

    article = Article.objects.get()
    assert (article.headline, article.imported_source_version) == (
        "Rates rise again",
        "12",
    )


def test_an_older_ninjs_version_is_skipped(tmp_path, dpa_text):
    newer = {**dpa_text, "version": "5", "headlines": [{"value": "Newer"}]}
    older = {**dpa_text, "version": "4", "headlines": [{"value": "Older"}]}
    (tmp_path / "newer.json").write_text(json.dumps(newer))
    (tmp_path / "older.json").write_text(json.dumps(older))

    run(tmp_path / "newer.json")
    outcomes = list(import_sources(iter_sources([tmp_path / "older.json"])))

    assert [o.outcome for o in outcomes] == ["skipped"]
    assert Article.objects.get().headline == "Newer"


# Plain-text identity


STORY = "Floods in the north\n\nRivers burst their banks.\n\nThousands left home.\n"


def test_plain_text_is_hashed_after_normalising_what_editors_do_not_see():
    same = "\ufeffFloods in the north  \r\n\r\n\r\nRivers burst their banks.\r\n\r\n"
    same += "Thousands left home.\r\n\r\n"

    assert content_hash(same) == content_hash(STORY)
    assert content_hash(STORY).startswith("sha256:")
    assert content_hash(STORY) != content_hash(STORY.replace("Thousands", "Hundreds"))
    assert parse_plain_text(STORY.encode()).source_version == content_hash(STORY)


def test_the_same_text_under_another_name_is_the_same_story(tmp_path):
    (tmp_path / "first.txt").write_text(STORY)
    run(tmp_path / "first.txt")
    (tmp_path / "renamed.txt").write_text(STORY.replace("\n", "\r\n"))

    out = run(tmp_path / "renamed.txt")

    article = Article.objects.get()
    assert article.source_id == "plain:first.txt"
    assert "unchanged" in out and "same text as plain:first.txt" in out


def test_two_copies_in_one_batch_make_one_story(tmp_path):
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "b.txt").write_text(STORY)

    outcomes = list(import_sources(iter_sources([tmp_path])))

    assert [o.outcome for o in outcomes] == ["created", "unchanged"]
    assert outcomes[1].reason == "same text as plain:a.txt, imported before"
    assert Article.objects.count() == 1


def test_a_known_name_with_new_text_updates_its_story(tmp_path):
    (tmp_path / "a.txt").write_text(STORY)
    run(tmp_path / "a.txt")
    (tmp_path / "a.txt").write_text(STORY.replace("Thousands", "Hundreds"))

    run(tmp_path / "a.txt")

    article = Article.objects.get()
    assert "Hundreds left home." in article.body
    assert article.imported_source_version == content_hash(
        STORY.replace("Thousands", "Hundreds")
    )


def test_the_admin_upload_knows_the_story_by_its_text(tmp_path, seed_path, client):
    """The Import page keys uploads by their name; the text still identifies them."""
    shutil.copy(seed_path, tmp_path / "seed.txt")
    run(tmp_path / "seed.txt")
    client.force_login(make_user())
    upload = SimpleUploadedFile("AFP-copy-2.txt", seed_path.read_bytes())

    response = client.post(
        reverse("admin:articles_article_import"), {"files": [upload]}
    )

    assert response.status_code == 200
    assert "same text as plain:seed.txt" in response.content.decode()
    assert Article.objects.count() == 1
