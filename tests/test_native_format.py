"""The newsroom's own JSON format: export, import into an empty database, export
again gives the same bytes; a bad document changes nothing."""

import base64
import hashlib
import io
import json
import shutil
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from reversion.models import Revision, Version
from taggit.models import Tag

from articles.interchange.data import ParseError
from articles.interchange.native import (
    ExportError,
    export_native,
    is_native,
    parse_native,
    write_native,
)
from articles.interchange.writer import ImportRejected
from articles.models import (
    Article,
    ArticlePhoto,
    Author,
    Byline,
    Correction,
    Photo,
    Section,
)
from articles.search import refresh_search_vector
from articles.storage import originals_storage
from tests import images
from tests.factories import make_article, make_author, make_photo, make_section

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 20, 9, 30, 15, 123456, tzinfo=UTC)


def build_newsroom() -> dict[str, object]:
    """Fill the database with one of everything the format must carry."""
    world = make_section(name="World", slug="world", position=1)
    make_section(name="Économie", slug="economie", position=2)
    ann = make_author(
        name="Ann Lee",
        slug="ann-lee",
        job_title="Middle East correspondent",
        bio="Ann has reported from Baghdad since 2015.\n\nShe speaks Arabic.",
    )
    bob = make_author(name="Bob Gray", slug="bob-gray")
    huda = make_author(name="هدى الأحمد", slug="هدى-الأحمد", bio="مراسلة في بغداد.")
    pictured = make_photo(
        caption="Firefighters tackle a blaze in central Paris.",
        credit="John Smith/AFP",
        alt_text="Firefighters on a ladder in front of a burning roof.",
        copyright="© 2026 AFP",
        focal_x=0.25,
        focal_y=0.8,
        original_filename="IMG_0042 blaze.jpg",
        embedded_metadata={"caption": "Firefighters…", "credit": "AFP"},
        width=800,
        height=600,
    )
    pictured.image.save("blaze.jpg", ContentFile(images.jpeg_with_gps_and_iptc()))
    caption_only = make_photo(
        caption="Smoke over the river.",
        credit="Reuters",
        source_id="plain:wire/paris.txt#photo-1",
    )
    make_photo(caption="Never used yet", credit="EPA")
    Tag.objects.create(name="Unused tag", slug="unused-tag")

    lead = make_article(
        headline="Fire in Paris: the roof of a museum burns",
        kicker="Analysis",
        standfirst="Hundreds of firefighters worked through the night.",
        body="First paragraph, with “quotes”.\n\nSecond paragraph.",
        section=world,
        status=Article.Status.PUBLISHED,
        published_at=T0,
        dateline="PARIS",
        agency="AFP",
        tags=["Paris", "Lyon, France", "Égypte", "fire"],
        authors=[ann, bob],
        photos=[pictured, caption_only],
    )
    Byline.objects.filter(article=lead, author=bob).update(
        role="Additional reporting by"
    )
    ArticlePhoto.objects.filter(article=lead, photo=pictured).update(
        caption_override="The museum's roof, seen from the Seine."
    )
    Correction.objects.create(
        article=lead, text="An earlier version misnamed the museum.", created_at=T0
    )
    Correction.objects.create(
        article=lead, text="The fire started at 9pm.", created_at=T0 + timedelta(1)
    )
    Article.objects.filter(pk=lead.pk).update(
        updated_significantly_at=T0 + timedelta(hours=5)
    )
    # The same picture, without a caption override, in another story.
    make_article(
        headline="Firefighters' union asks for more staff",
        status=Article.Status.REVIEW,
        published_at=T0 + timedelta(days=1),
        photos=[pictured],
        authors=[bob],
        tags=["fire"],
    )
    make_article(headline="A draft", status=Article.Status.DRAFT, published_at=T0)
    make_article(
        headline="Withdrawn story", status=Article.Status.WITHDRAWN, published_at=T0
    )
    make_article(
        headline="Scheduled story",
        published_at=timezone.now() + timedelta(days=3),
        embargo_until=timezone.now() + timedelta(days=4),
    )
    make_article(
        headline="حريق في باريس",
        standfirst="عمل مئات من رجال الإطفاء طوال الليل.",
        body="الفقرة الأولى.\n\nالفقرة الثانية.",
        language="ar",
        section=world,
        published_at=T0,
        authors=[huda],
        tags=["العراق", "Égypte"],
    )
    imported = make_article(
        headline="Wire story",
        published_at=T0 - timedelta(days=30),
        source_id="plain:wire/paris.txt",
        source_text="Wire story\n\nAs it came in.",
        import_notes="[Importer] Check the headline.",
        suggested_tags=["Paris", "fire"],
        status=Article.Status.DRAFT,
    )
    Article.objects.filter(pk=imported.pk).update(imported_version=imported.version)
    edited = make_article(
        headline="Edited wire story",
        source_id="plain:wire/lyon.txt",
        published_at=T0 - timedelta(days=29),
    )
    Article.objects.filter(pk=edited.pk).update(imported_version=Photo().uid)
    return {"lead": lead, "pictured": pictured}


def stored_files() -> dict[str, bytes]:
    root = Path(settings.STORAGES["originals"]["OPTIONS"]["location"])
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _empty_the_newsroom(*, files: bool = True) -> None:
    if connection.vendor == "postgresql":
        # PostgreSQL refuses to TRUNCATE with foreign-key checks still pending.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    ContentType.objects.clear_cache()
    if files:
        shutil.rmtree(settings.STORAGES["originals"]["OPTIONS"]["location"])


@pytest.fixture
def empty_the_newsroom():
    """Give a function that leaves an empty database (migrated, no rows: content
    types get new ids) and an empty originals storage (unless ``files=False``).

    The test's rollback brings the flushed rows back with their old ids, so the
    content-type cache is cleared again afterwards for the tests that follow.
    """
    yield _empty_the_newsroom
    ContentType.objects.clear_cache()


def import_native(data: bytes, **options) -> dict[str, str]:
    return {
        outcome.key: outcome.outcome
        for outcome in write_native(parse_native(data), **options)
    }


def edited(data: bytes, change) -> bytes:
    """Return ``data`` after ``change`` has modified the decoded document."""
    document = json.loads(data)
    change(document)
    return json.dumps(document, ensure_ascii=False).encode()


# The round trip


def test_export_import_export_gives_identical_bytes_and_files(empty_the_newsroom):
    build_newsroom()
    exported = export_native()
    files = stored_files()
    empty_the_newsroom()
    assert Article.objects.count() == Photo.objects.count() == 0
    assert stored_files() == {}

    outcomes = import_native(exported, source="backup.json")

    assert set(outcomes.values()) == {"created"}
    assert len(outcomes) == 8
    assert export_native() == exported
    assert stored_files() == files
    assert Revision.objects.filter(comment="Imported from backup.json").count() == 8


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="search vectors are PostgreSQL's"
)
def test_imported_stories_get_the_search_vectors_a_save_gives(empty_the_newsroom):
    build_newsroom()
    exported = export_native()
    empty_the_newsroom()

    import_native(exported)

    imported = dict(Article.objects.values_list("pk", "search_vector"))
    for article in Article.objects.all():
        refresh_search_vector(article)
    assert all(imported.values())
    assert imported == dict(Article.objects.values_list("pk", "search_vector"))


def test_every_editorial_field_survives_the_round_trip(empty_the_newsroom):
    build_newsroom()
    exported = export_native()
    empty_the_newsroom()
    import_native(exported)

    lead = Article.objects.get(headline__startswith="Fire in Paris")
    assert lead.section.name == "World"
    assert lead.published_at == T0
    assert [(b.role, b.author.bio) for b in lead.bylines.all()] == [
        ("By", "Ann has reported from Baghdad since 2015.\n\nShe speaks Arabic."),
        ("Additional reporting by", ""),
    ]
    assert sorted(lead.tags.names()) == ["Lyon, France", "Paris", "fire", "Égypte"]
    use = lead.article_photos.get(is_lead=True)
    assert use.caption == "The museum's roof, seen from the Seine."
    assert (use.photo.focal_x, use.photo.copyright) == (0.25, "© 2026 AFP")
    assert use.photo.image.read() == images.jpeg_with_gps_and_iptc()
    assert [c.created_at for c in lead.corrections.all()] == [T0, T0 + timedelta(1)]
    assert lead.updated_significantly_at == T0 + timedelta(hours=5)
    arabic = Article.objects.get(language="ar")
    assert arabic.text_direction == "rtl"
    assert arabic.bylines.get().author.slug == "هدى-الأحمد"
    wire = Article.objects.get(source_id="plain:wire/paris.txt")
    assert wire.imported_version == wire.version
    assert wire.suggested_tags == ["Paris", "fire"]
    lyon = Article.objects.get(source_id="plain:wire/lyon.txt")
    assert lyon.imported_version not in (None, lyon.version)
    assert Photo.objects.get(caption="Smoke over the river.").image.name == ""


def test_each_imported_story_gets_one_revision_with_all_it_holds(
    empty_the_newsroom,
):
    build_newsroom()
    exported = export_native()
    empty_the_newsroom()
    import_native(exported, source="backup.json")

    lead = Article.objects.get(kicker="Analysis")
    (version,) = Version.objects.get_for_object(lead)
    held = Counter(
        held.content_type.model for held in version.revision.version_set.all()
    )
    assert version.revision.comment == "Imported from backup.json"
    assert held == {
        "article": 1,
        "byline": 2,
        "articlephoto": 2,
        "photo": 2,
        "correction": 2,
        "taggeditem": 4,
    }


def test_a_bulk_restore_can_skip_revisions(empty_the_newsroom):
    build_newsroom()
    exported = export_native()
    empty_the_newsroom()

    import_native(exported, revisions=False)

    assert Revision.objects.count() == 0
    assert export_native() == exported


def test_document_is_readable_json_without_database_ids():
    build_newsroom()
    exported = export_native()
    text = exported.decode()

    assert text.startswith('{\n  "format": "newsroom",\n  "version": 1,')
    assert "حريق في باريس" in text and "\\u" not in text
    document = json.loads(exported)
    assert list(document) == [
        "format",
        "version",
        "sections",
        "authors",
        "tags",
        "photos",
        "articles",
    ]

    def keys(value):
        if isinstance(value, dict):
            yield from value
            for item in value.values():
                yield from keys(item)
        elif isinstance(value, list):
            for item in value:
                yield from keys(item)

    assert not {"id", "pk", "version"} & set(keys(document["articles"]))
    lead = next(a for a in document["articles"] if a["kicker"] == "Analysis")
    assert lead["published_at"] == "2026-11-20T09:30:15.123456Z"
    assert lead["tags"] == ["Lyon, France", "Paris", "fire", "Égypte"]
    assert lead["section"] == "world"
    photo = next(p for p in document["photos"] if p["file"])
    data = base64.b64decode(photo["file"]["data"])
    assert photo["file"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert photo["file"]["name"] == "photos/" + timezone.now().strftime(
        "%Y/%m/blaze.jpg"
    )


def test_exporting_twice_gives_the_same_bytes():
    build_newsroom()
    assert export_native() == export_native()


# Importing again


def test_importing_the_same_document_again_writes_nothing():
    build_newsroom()
    exported = export_native()
    versions = dict(Article.objects.values_list("pk", "version"))
    revisions = Revision.objects.count()

    outcomes = import_native(exported)

    assert set(outcomes.values()) == {"unchanged"}
    assert dict(Article.objects.values_list("pk", "version")) == versions
    assert Revision.objects.count() == revisions
    assert export_native() == exported


def test_importing_again_restores_what_was_changed_since():
    objects = build_newsroom()
    exported = export_native()
    lead = objects["lead"]
    lead.headline = "Changed"
    lead.save()
    lead.bylines.first().delete()
    lead.tags.add("extra")
    Section.objects.filter(slug="world").update(name="Monde")

    outcomes = import_native(exported, overwrite=True)

    assert list(outcomes.values()).count("updated") == 1
    assert Article.objects.get(pk=lead.pk).headline.startswith("Fire in Paris")
    document = json.loads(export_native())
    document["tags"] = [t for t in document["tags"] if t["name"] != "extra"]
    assert document == json.loads(exported)


def test_a_story_without_import_reference_is_found_by_its_address():
    make_article(headline="Original", slug="one-story", published_at=T0)
    exported = export_native()
    Article.objects.update(headline="Changed")

    outcomes = import_native(exported, overwrite=True)

    assert outcomes == {"2026-11-20/one-story": "updated"}
    assert Article.objects.get().headline == "Original"


def test_a_taken_address_is_refused():
    make_article(headline="Ours", slug="one-story", published_at=T0, source_id="x:1")
    data = edited(
        export_native(),
        lambda document: document["articles"][0].update(source_id=""),
    )
    Article.objects.update(source_id="x:2")

    with pytest.raises(ImportRejected, match="another story has the address"):
        import_native(data)


def test_a_file_name_taken_by_other_bytes_gets_a_free_name(empty_the_newsroom):
    photo = make_photo()
    photo.image.save("harbour.jpg", ContentFile(images.jpeg()))
    exported = export_native()
    name = photo.image.name
    empty_the_newsroom()
    originals_storage.save(name, ContentFile(b"another file"))

    import_native(exported)

    imported = Photo.objects.get()
    assert imported.image.name != name
    assert imported.image.read() == images.jpeg()
    assert originals_storage.open(name).read() == b"another file"


# What is refused, and nothing changes


def test_a_damaged_photo_file_is_refused():
    photo = make_photo()
    photo.image.save("harbour.jpg", ContentFile(images.jpeg()))

    def damage(document):
        data = base64.b64decode(document["photos"][0]["file"]["data"])
        damaged = data[:-10] + bytes(10)
        document["photos"][0]["file"]["data"] = base64.b64encode(damaged).decode()

    with pytest.raises(ParseError, match=r"photos\[0\].file: .*damaged.*SHA-256"):
        parse_native(edited(export_native(), damage))


def test_a_file_that_is_not_a_picture_is_refused():
    photo = make_photo()
    photo.image.save("harbour.jpg", ContentFile(images.jpeg()))
    svg = images.svg_with_script()

    def replace(document):
        document["photos"][0]["file"].update(
            data=base64.b64encode(svg).decode(),
            sha256=hashlib.sha256(svg).hexdigest(),
        )

    with pytest.raises(ParseError, match="SVG files are not accepted"):
        parse_native(edited(export_native(), replace))


def test_a_file_name_outside_the_storage_is_refused():
    photo = make_photo()
    photo.image.save("harbour.jpg", ContentFile(images.jpeg()))

    def escape(document):
        document["photos"][0]["file"]["name"] = "../../etc/cron.d/job.jpg"

    with pytest.raises(ParseError, match="expected a relative file name"):
        parse_native(edited(export_native(), escape))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(version=2), "version 2 of the newsroom format"),
        (lambda d: d.update(extra=[]), "unknown part"),
        (
            lambda d: d["articles"][0]["bylines"][0].update(author=12),
            r"articles\[0\].bylines\[0\].author: expected text, found 12",
        ),
        (
            lambda d: d["articles"][0].update(published_at="2026-11-20 09:30"),
            r"articles\[0\].published_at: expected an ISO 8601 time with its UTC",
        ),
        (lambda d: d["articles"][0].pop("headline"), "headline is missing"),
        (lambda d: d["articles"][0].update(colour="red"), "unknown field"),
        (
            lambda d: d["articles"].append(d["articles"][0]),
            r"articles\[1\]: 2026-11-20/one-story appears twice",
        ),
    ],
)
def test_faults_are_named_where_they_are(change, message):
    make_article(
        headline="One", slug="one-story", published_at=T0, authors=[make_author()]
    )
    with pytest.raises(ParseError, match=message):
        parse_native(edited(export_native(), change))


def test_not_a_newsroom_document_is_refused():
    with pytest.raises(ParseError, match="not JSON"):
        parse_native(b"Headline\n\nBody")
    with pytest.raises(ParseError, match="not a newsroom export"):
        parse_native(b'{"uri": "urn:story:1", "headline": "ninjs"}')


def test_a_rejected_story_leaves_database_and_storage_as_they_were(empty_the_newsroom):
    build_newsroom()
    data = edited(
        export_native(),
        lambda document: document["articles"][-1].update(headline="x" * 301),
    )
    empty_the_newsroom()

    with pytest.raises(ImportRejected, match="headline: Ensure this value has at"):
        import_native(data)

    assert Section.objects.count() == Photo.objects.count() == Tag.objects.count() == 0
    assert Article.objects.count() == 0
    assert stored_files() == {}


def test_a_reference_to_nothing_is_refused():
    make_article(headline="One", published_at=T0, authors=[make_author()])
    data = edited(export_native(), lambda d: d.update(authors=[]))
    Byline.objects.all().delete()
    Author.objects.all().delete()

    with pytest.raises(ImportRejected, match="author .* is neither in the document"):
        import_native(data, overwrite=True)


def test_dry_run_reports_outcomes_and_keeps_nothing(empty_the_newsroom):
    build_newsroom()
    exported = export_native()
    empty_the_newsroom()

    outcomes = import_native(exported, dry_run=True)

    assert set(outcomes.values()) == {"created"} and len(outcomes) == 8
    assert Article.objects.count() == Photo.objects.count() == 0
    assert stored_files() == {}


def test_a_missing_photo_file_stops_the_export():
    photo = make_photo(caption="Harbour")
    photo.image.save("harbour.jpg", ContentFile(images.jpeg()))
    originals_storage.delete(photo.image.name)

    with pytest.raises(ExportError, match="harbour.jpg of photo .* is missing"):
        export_native()


# Recognising the format


def test_is_native_recognises_the_export_and_nothing_else():
    make_article(headline="One", published_at=T0)
    exported = export_native()
    reordered = json.dumps(dict(reversed(json.loads(exported).items()))).encode()

    assert is_native(exported)
    assert is_native(b"\xef\xbb\xbf" + exported)
    assert is_native(reordered)
    assert not is_native(b'{"uri": "urn:newsroom:1", "headline": "A ninjs story"}')
    assert not is_native(b'Headline "newsroom"\n\nA plain-text story.')
    assert not is_native(b'<nitf><head><title>"newsroom"</title></head></nitf>')


# The command


def test_export_articles_writes_the_json_file(tmp_path):
    build_newsroom()
    path = tmp_path / "backup.json"
    out = io.StringIO()

    call_command("export_articles", "--output", str(path), stdout=out)

    assert path.read_bytes() == export_native()
    assert out.getvalue() == f"Exported 8 stories to {path}\n"


def test_export_articles_writes_json_to_standard_output():
    make_article(headline="One", published_at=T0)
    out = io.StringIO()

    call_command("export_articles", "--format", "json", "--output", "-", stdout=out)

    assert out.getvalue().encode() == export_native()


def test_export_articles_refuses_a_missing_file_with_a_reason(tmp_path):
    photo = make_photo(caption="Harbour")
    photo.image.save("harbour.jpg", ContentFile(images.jpeg()))
    originals_storage.delete(photo.image.name)

    with pytest.raises(CommandError, match="Nothing exported: the file"):
        call_command("export_articles", "--output", str(tmp_path / "x.json"))
    assert not (tmp_path / "x.json").exists()


def test_export_articles_ninjs_writes_one_file_per_published_story(tmp_path):
    pytest.importorskip("articles.interchange.ninjs")
    build_newsroom()
    out = io.StringIO()

    call_command(
        "export_articles",
        "--format",
        "ninjs",
        "--output",
        str(tmp_path / "ninjs"),
        "--base-url",
        "https://news.example.org",
        stdout=out,
    )

    names = sorted(path.name for path in (tmp_path / "ninjs").iterdir())
    published = Article.objects.published()
    assert len(names) == published.count() == 3
    assert "2026-11-20-fire-in-paris-the-roof-of-a-museum-burns.json" in names
    lead = json.loads(
        (
            tmp_path
            / "ninjs"
            / "2026-11-20-fire-in-paris-the-roof-of-a-museum-burns.json"
        ).read_text(encoding="utf-8")
    )
    assert lead["headlines"][0]["value"].startswith("Fire in Paris")
    assert lead["renditions"][0]["href"].startswith("https://news.example.org/")
    assert out.getvalue() == f"Exported 3 published stories to {tmp_path / 'ninjs'}\n"
