"""``manage.py import_articles``: files and folders of wire copy into articles."""

import json
import shutil
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.interchange.data import ParsedByline, ParsedPhoto
from articles.interchange.plaintext import ParsedStory
from articles.interchange.writer import (
    DERIVED_HEADLINE_NOTE,
    ImportRejected,
    write_story,
)
from articles.models import Article, ArticlePhoto, Photo, Section

from .factories import make_article, make_author

PNG_1X1 = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
    b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def run(*args) -> tuple[str, str]:
    """Run the command and return what it wrote to stdout and stderr."""
    out, err = StringIO(), StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args) -> tuple[str, str, CommandError]:
    """Run the command expecting failure; return its output and the error."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), failure.value


@pytest.fixture
def wire(tmp_path: Path, seed_path: Path) -> Path:
    """Give a folder holding a copy of the seed, free to change."""
    folder = tmp_path / "wire"
    folder.mkdir()
    shutil.copy(seed_path, folder / seed_path.name)
    return folder


@pytest.mark.django_db
def test_importing_the_seed_creates_a_draft_with_its_caption(wire, seed_path):
    """One draft article, the caption as an image-less Photo, the fragment in notes."""
    before = timezone.now()
    out, err = run(wire)

    assert err == ""
    assert (
        out.splitlines()[-1]
        == "created 1, updated 0, unchanged 0, conflicts 0, failed 0"
    )
    assert f"created {wire / seed_path.name} -> Iraqi forces say Daesh" in out
    article = Article.objects.get()
    assert article.source_id == f"plain:{seed_path.name}"
    assert article.headline == "Iraqi forces say Daesh retreating deep into desert"
    assert article.standfirst.startswith("Iraqi forces launched an offensive")
    assert len(article.paragraphs) == 12
    assert article.paragraphs[0].startswith("Iraqi forces said on Friday")
    assert "Salaheddin" not in article.body
    assert article.agency == "AFP"
    assert "Route 6" in article.import_notes
    assert "Route 6" not in article.body
    assert article.source_text == seed_path.read_text(encoding="utf-8")
    assert article.status == Article.Status.DRAFT
    assert article.language == "en"
    assert article.slug == "iraqi-forces-say-daesh-retreating-deep-into-desert"
    assert before <= article.published_at <= timezone.now()
    use = ArticlePhoto.objects.get()
    assert (use.article, use.position, use.is_lead) == (article, 0, True)
    assert use.photo.caption.startswith("Iraqi forces, supported by members")
    assert use.photo.credit == "AFP"
    assert not use.photo.image
    assert use.photo.source_id == f"plain:{seed_path.name}#photo-1"


@pytest.mark.django_db
def test_publish_flag_publishes(wire):
    run(wire, "--publish")

    assert Article.objects.published().count() == 1


@pytest.mark.django_db
def test_importing_again_changes_nothing(wire, seed_path):
    """A second run over the same files creates nothing and writes nothing."""
    run(wire)
    article = Article.objects.get()

    out, _ = run(wire)
    again, _ = run(wire / seed_path.name)

    assert (
        out.splitlines()[-1]
        == "created 0, updated 0, unchanged 1, conflicts 0, failed 0"
    )
    assert (
        again.splitlines()[-1]
        == "created 0, updated 0, unchanged 1, conflicts 0, failed 0"
    )
    assert Article.objects.count() == 1
    assert Photo.objects.count() == 1
    assert ArticlePhoto.objects.count() == 1
    assert Article.objects.get().updated_at == article.updated_at


@pytest.mark.django_db
def test_changed_file_updates_the_same_article(wire, seed_path):
    run(wire)
    article = Article.objects.get()
    path = wire / seed_path.name
    path.write_text(
        path.read_text().replace("deep into desert", "into the desert"),
        encoding="utf-8",
    )

    out, _ = run(wire)

    assert (
        out.splitlines()[-1]
        == "created 0, updated 1, unchanged 0, conflicts 0, failed 0"
    )
    updated = Article.objects.get()
    assert updated.pk == article.pk
    assert updated.headline == "Iraqi forces say Daesh retreating into the desert"
    assert updated.slug == article.slug
    assert updated.published_at == article.published_at
    assert Photo.objects.count() == 1


@pytest.mark.django_db
def test_section_option_creates_the_section_or_reuses_it(wire, tmp_path, seed_path):
    run(wire, "--section", "world")
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(seed_path, other / "copy.txt")
    run(other, "--section", "world")

    section = Section.objects.get()
    assert (section.slug, section.name) == ("world", "World")
    assert set(Article.objects.values_list("section", flat=True)) == {section.pk}


@pytest.mark.django_db
def test_new_section_on_reimport_counts_as_an_update(wire):
    run(wire)
    out, _ = run(wire, "--section", "middle-east")

    assert (
        out.splitlines()[-1]
        == "created 0, updated 1, unchanged 0, conflicts 0, failed 0"
    )
    assert Article.objects.get().section.name == "Middle East"


@pytest.mark.django_db
def test_section_that_is_not_a_slug_is_refused(wire):
    with pytest.raises(CommandError, match="not a slug"):
        run(wire, "--section", "World News")
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_date_option_sets_the_publication_time(wire):
    run(wire, "--date", "2017-11-24T09:30:00+03:00")

    assert Article.objects.get().published_at == datetime(
        2017, 11, 24, 6, 30, tzinfo=ZoneInfo("UTC")
    )


@pytest.mark.django_db
def test_date_without_time_means_midnight_local_time(wire, settings):
    settings.TIME_ZONE = "Asia/Baghdad"
    run(wire, "--date", "2017-11-24")

    published = timezone.localtime(Article.objects.get().published_at)
    assert (published.date().isoformat(), published.hour) == ("2017-11-24", 0)


@pytest.mark.parametrize("value", ["yesterday", "2017-02-30", "24/11/2017"])
@pytest.mark.django_db
def test_invalid_date_is_refused(wire, value):
    with pytest.raises(CommandError, match="ISO 8601"):
        run(wire, "--date", value)
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_without_date_the_import_time_is_used_not_the_date_in_the_text(wire):
    """The caption's 2017 date is only offered to editors, never applied."""
    run(wire)

    published = Article.objects.get().published_at
    assert timezone.now() - published < timedelta(minutes=1)


@pytest.mark.django_db
def test_broken_files_fail_alone_and_by_name(wire):
    """Binary, empty and undecodable files are reported; the good one imports."""
    (wire / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (wire / "empty.txt").write_bytes(b"  \n\n")
    (wire / "arabic-1256.txt").write_bytes("خبر عاجل من الجزائر".encode("cp1256"))

    out, err, error = run_failing(wire)

    assert (
        out.splitlines()[-1]
        == "created 1, updated 0, unchanged 0, conflicts 0, failed 3"
    )
    assert f"FAILED {wire / 'binary.txt'}: binary data, not text" in err
    assert f"FAILED {wire / 'empty.txt'}: empty file" in err
    assert f"FAILED {wire / 'arabic-1256.txt'}: cannot tell the text encoding" in err
    assert str(error) == "3 files failed"
    assert Article.objects.count() == 1
    assert Article.objects.get().source_id.endswith(".txt")
    assert Photo.objects.count() == 1


@pytest.mark.django_db
def test_missing_path_is_a_failure(wire, tmp_path):
    out, err, error = run_failing(wire, tmp_path / "nowhere")

    assert "FAILED" in err and "nowhere: no such file or directory" in err
    assert (
        out.splitlines()[-1]
        == "created 1, updated 0, unchanged 0, conflicts 0, failed 1"
    )
    assert str(error) == "1 file failed"


@pytest.mark.django_db
def test_hidden_and_readme_files_are_skipped(wire):
    (wire / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (wire / ".git").mkdir()
    (wire / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (wire / "README.md").write_text("# Wire copy\n\nDrop files here.\n")

    out, err = run(wire)

    assert (
        out.splitlines()[-1]
        == "created 1, updated 0, unchanged 0, conflicts 0, failed 0"
    )
    assert err == ""


@pytest.mark.django_db
def test_files_in_subfolders_are_keyed_by_their_relative_path(wire, seed_path):
    (wire / "nested").mkdir()
    shutil.copy(seed_path, wire / "nested" / "again.txt")
    with (wire / "nested" / "again.txt").open("a", encoding="utf-8") as again:
        again.write("\n\nA paragraph the first copy does not have.\n")

    run(wire)

    assert set(Article.objects.values_list("source_id", flat=True)) == {
        f"plain:{seed_path.name}",
        "plain:nested/again.txt",
    }


@pytest.mark.django_db
def test_two_files_with_the_same_reference_in_one_run_are_not_merged(wire, tmp_path):
    """Importing a/x.txt and b/x.txt directly would key both as "plain:x.txt"."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.txt").write_text("First story\n\nLead one.\n")
    (tmp_path / "b" / "x.txt").write_text("Second story\n\nLead two.\n")

    out, err, _ = run_failing(tmp_path / "a" / "x.txt", tmp_path / "b" / "x.txt")

    assert f"FAILED {tmp_path / 'b' / 'x.txt'}: same import reference as" in err
    assert Article.objects.get().headline == "First story"


@pytest.mark.django_db
def test_dry_run_writes_nothing_but_reports_the_outcome(wire, seed_path):
    out, _ = run(wire, "--dry-run", "--section", "world", "--publish")

    assert f"created {wire / seed_path.name} -> Iraqi forces" in out
    assert out.splitlines()[-1] == (
        "Dry run: created 1, updated 0, unchanged 0, conflicts 0, failed 0"
    )
    assert not Article.objects.exists()
    assert not Photo.objects.exists()
    assert not Section.objects.exists()


@pytest.mark.django_db
def test_dry_run_of_a_changed_file_reports_an_update_and_keeps_the_old(wire, seed_path):
    run(wire)
    path = wire / seed_path.name
    path.write_text(path.read_text().replace("Daesh", "ISIS"), encoding="utf-8")

    out, _ = run(wire, "--dry-run")

    assert out.splitlines()[-1] == (
        "Dry run: created 0, updated 1, unchanged 0, conflicts 0, failed 0"
    )
    assert "Daesh" in Article.objects.get().headline


@pytest.mark.django_db
def test_editor_image_and_alt_text_survive_a_reimport(wire, seed_path):
    """Only caption and credit come from the file; what editors add is kept."""
    run(wire)
    photo = Photo.objects.get()
    photo.alt_text = "Fighters on a pick-up truck in the desert"
    photo.image.save("desert.png", ContentFile(PNG_1X1))
    image_name = photo.image.name
    path = wire / seed_path.name
    path.write_text(
        path.read_text().replace("Al-Jazeera region.", "Al-Jazeera area."),
        encoding="utf-8",
    )

    out, _ = run(wire)

    assert "updated 1" in out
    photo = Photo.objects.get()
    assert photo.image.name == image_name
    assert photo.alt_text == "Fighters on a pick-up truck in the desert"
    assert photo.caption.endswith("Al-Jazeera area.")
    assert ArticlePhoto.objects.get().photo == photo


@pytest.mark.django_db
def test_caption_removed_from_the_file_is_unlinked_and_deleted(wire, seed_path):
    run(wire)
    path = wire / seed_path.name
    path.write_text(
        path.read_text(encoding="utf-8").replace("\nAFP\n", "\n"), encoding="utf-8"
    )

    run(wire)

    assert not ArticlePhoto.objects.exists()
    assert not Photo.objects.exists()
    assert Article.objects.get().agency == ""


@pytest.mark.django_db
def test_agency_is_left_alone_once_the_story_has_a_byline(wire, seed_path):
    """The agency credit stands in for a byline only while there is none."""
    run(wire)
    article = Article.objects.get()
    article.bylines.create(author=make_author(name="Jane Reporter"))
    article.agency = ""
    article.save()
    path = wire / seed_path.name
    path.write_text(path.read_text().replace("Daesh", "ISIS"), encoding="utf-8")

    # The editor's save makes the re-import a conflict; overwriting keeps the rule.
    run(wire, "--overwrite")

    article = Article.objects.get()
    assert "ISIS" in article.headline
    assert article.agency == ""


@pytest.mark.django_db
def test_windows_1252_file_is_imported(tmp_path):
    (tmp_path / "w.txt").write_bytes(
        b"Fuel bill hits airline\r\n\r\nThe airline paid \xa3100m more for fuel "
        b"\x96 an \x93unprecedented\x94 rise.\r\n"
    )

    run(tmp_path / "w.txt")

    assert Article.objects.get().standfirst == (
        "The airline paid £100m more for fuel – an “unprecedented” rise."
    )


@pytest.mark.django_db
def test_all_real_samples_import(shared_samples):
    """Every BBC and Arabic sample becomes an article; the README is skipped."""
    out, err = run(shared_samples / "plain")

    assert err == ""
    assert (
        out.splitlines()[-1]
        == "created 31, updated 0, unchanged 0, conflicts 0, failed 0"
    )
    assert Article.objects.filter(language="ar").count() == 6
    noted = Article.objects.exclude(import_notes="")
    # Only the five Arabic stories that open straight with their lead carry a note:
    # their headline was derived. No sample leaves text unplaced.
    assert noted.count() == 5
    assert all(a.import_notes == DERIVED_HEADLINE_NOTE for a in noted)
    assert Article.objects.filter(source_id="plain:bbc/sport/378.txt").exists()


@pytest.mark.django_db
def test_writer_rejects_an_over_long_headline_clearly():
    """Lengths are checked before saving, on SQLite as on PostgreSQL."""
    story = ParsedStory(
        headline="x" * 301,
        standfirst="",
        paragraphs=[],
        photos=[],
        agency="",
        leftovers=[],
        date_in_text=None,
        language="en",
        text="x" * 301,
        headline_derived=False,
    )

    with pytest.raises(ImportRejected, match="headline: Ensure this value"):
        write_story(story, source_id="plain:long.txt")
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_section_name_clash_is_rejected_clearly(wire):
    """A new slug whose derived name is taken fails that file, not the database."""
    Section.objects.create(name="World", slug="international")

    _, err, _ = run_failing(wire, "--section", "world")

    assert "name: Section with this Name already exists." in err
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_story_without_a_headline_line_tells_editors_its_headline_was_derived(
    tmp_path, shared_samples
):
    """An Arabic story that opens with its lead gets a headline editors must check."""
    source = shared_samples / "plain" / "arabic-talaa" / "society2.txt"
    call_command("import_articles", str(source), verbosity=0)
    article = Article.objects.get()
    assert article.language == "ar"
    assert "the headline was taken from the opening sentence" in article.import_notes
    assert article.standfirst.startswith(article.headline)


# Formats told by content, the report, dry-run diffs, progress, tags.

NINJS = b"""{"uri": "urn:example:story-1", "type": "text",
 "headlines": [{"value": "Dam opens on the Tigris"}],
 "bodies": [{"role": "main", "contenttype": "text/plain",
             "value": "The dam opened on Monday.\\n\\nIt holds a lake."}]}"""
NITF = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- wire copy -->
<nitf><head><docdata><doc-id id-string="NITF-42"/></docdata></head>
<body><body.head><hedline><hl1>Port reopens after storm</hl1></hedline></body.head>
<body.content><p>The port of Basra reopened on Tuesday.</p></body.content></body></nitf>
"""


@pytest.mark.django_db
def test_format_is_told_by_content_not_by_file_name(tmp_path):
    """A NITF file called .txt is NITF; text in a .xml file is plain text."""
    pytest.importorskip("articles.interchange.nitf", reason="NITF parser not there yet")
    (tmp_path / "story.txt").write_bytes(NITF)
    (tmp_path / "notes.xml").write_text("River levels rise\n\nThe river rose.\n")
    report = tmp_path / "report.json"

    run(tmp_path / "story.txt", tmp_path / "notes.xml", "--report", report)

    rows = {row["file"]: row for row in json.loads(report.read_text())}
    assert rows[str(tmp_path / "story.txt")]["format"] == "nitf"
    assert rows[str(tmp_path / "notes.xml")]["format"] == "plain"
    assert set(Article.objects.values_list("source_id", flat=True)) == {
        "nitf:NITF-42",
        "plain:notes.xml",
    }


@pytest.mark.django_db
def test_ninjs_is_keyed_on_its_uri_whatever_the_file_is_called(tmp_path):
    pytest.importorskip(
        "articles.interchange.ninjs", reason="ninjs parser not there yet"
    )
    (tmp_path / "a.dat").write_bytes(NINJS)
    (tmp_path / "b.json").write_bytes(NINJS)

    out, err, _ = run_failing(tmp_path / "a.dat", tmp_path / "b.json")

    assert Article.objects.get().source_id == "ninjs:urn:example:story-1"
    assert f"FAILED {tmp_path / 'b.json'}: same import reference as" in err


@pytest.mark.django_db
def test_a_txt_file_that_starts_with_a_brace_is_plain_text(tmp_path):
    (tmp_path / "odd.txt").write_text("{Draft} Mayor resigns\n\nThe mayor resigned.\n")

    run(tmp_path / "odd.txt")

    assert Article.objects.get().headline == "{Draft} Mayor resigns"


@pytest.mark.django_db
def test_unknown_xml_and_json_fail_with_a_clear_reason(tmp_path):
    (tmp_path / "feed.xml").write_bytes(b"<?xml version='1.0'?><rss><channel/></rss>")
    (tmp_path / "data.json").write_bytes(b'{"name": "not a story"}')
    (tmp_path / "page.html").write_bytes(b"<!DOCTYPE html><html><body></body></html>")

    _, err, error = run_failing(tmp_path)

    assert "feed.xml: XML, but neither NITF nor NewsML-G2" in err
    assert 'data.json: JSON, but neither ninjs (no "uri")' in err
    assert "page.html: an HTML page, not a story" in err
    assert str(error) == "3 files failed"


@pytest.mark.django_db
def test_report_lists_every_file_with_its_outcome_and_reason(wire, seed_path):
    (wire / "empty.txt").write_bytes(b"\n")
    report = wire.parent / "report.json"

    run_failing(wire, "--report", report)

    rows = json.loads(report.read_text(encoding="utf-8"))
    assert [(row["outcome"], row["reason"]) for row in rows] == [
        ("created", ""),
        ("failed", "empty file"),
    ]
    created = rows[0]
    assert created["file"] == str(wire / seed_path.name)
    assert created["format"] == "plain"
    assert created["source_id"] == f"plain:{seed_path.name}"
    assert created["article_id"] == Article.objects.get().pk
    assert created["headline"].startswith("Iraqi forces say Daesh")


@pytest.mark.django_db
def test_report_in_a_missing_folder_is_refused_before_importing(wire, tmp_path):
    with pytest.raises(CommandError, match="--report"):
        run(wire, "--report", tmp_path / "nowhere" / "report.json")
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_dry_run_of_an_update_shows_the_changes_field_by_field(wire, seed_path):
    run(wire)
    path = wire / seed_path.name
    path.write_text(path.read_text().replace("deep into", "into"), encoding="utf-8")

    out, _ = run(wire, "--dry-run")

    assert "    Headline: Iraqi forces say Daesh retreating [-deep -]into desert" in out
    assert "Standfirst:" not in out
    assert "deep into" in Article.objects.get().headline


def test_text_diff_marks_words_and_cuts_long_unchanged_runs():
    from articles.management.commands.import_articles import text_diff

    old = " ".join(f"w{n}" for n in range(1, 21))
    new = old.replace("w10", "ten")

    assert text_diff(old, new) == "… w7 w8 w9 [-w10-]{+ten+} w11 w12 w13 …"
    assert text_diff("short text", "short texts") == "short [-text-]{+texts+}"


class FakeTerminal(StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.django_db
def test_progress_bar_on_a_terminal_only(wire, seed_path):
    shutil.copy(seed_path, wire / "copy.txt")
    terminal = FakeTerminal()
    call_command("import_articles", str(wire), stdout=terminal, verbosity=0)
    assert "\r[" in terminal.getvalue() and "2/2 files" in terminal.getvalue()

    out, _ = run(wire)
    assert "\r" not in out and "files" not in out


@pytest.mark.django_db
def test_existing_tags_named_in_plain_text_are_applied_others_suggested(wire):
    """Whole words, any case; a tag the text does not name is not applied."""
    make_article(tags=["Iraq", "desert", "Iran", "Mobilisation units x"])

    run(wire)

    article = Article.objects.get(source_id__startswith="plain:")
    assert sorted(article.tags.names(), key=str.casefold) == ["desert", "Iraq"]
    assert {"Daesh", "Hashed al-Shaabi", "Hatra", "Syria"} <= set(
        article.suggested_tags
    )
    assert not {"Iraq", "Thursday", "November", "AFP"} & set(article.suggested_tags)


@pytest.mark.django_db
def test_document_metadata_is_stored():
    """Bylines (authors found or created by name), subjects as tags, dateline,
    kicker, the document's time, alt text and copyright of its photos."""
    existing = make_author(name="Ann Lee", slug="ann-lee")
    story = ParsedStory(
        headline="Dam opens",
        standfirst="The dam opened.",
        paragraphs=["It holds a lake."],
        photos=[
            ParsedPhoto(
                caption="The dam",
                credit="Bob Roe/AFP",
                alt_text="A concrete dam",
                copyright="© AFP",
                href="https://example.org/dam.jpg",
            )
        ],
        agency="AFP",
        leftovers=[],
        date_in_text=None,
        language="en",
        text="<doc/>",
        source_ref="urn:dam",
        bylines=[ParsedByline("Ann Lee"), ParsedByline("Cy Doe", "With")],
        tags=["Energy", "energy", "Iraq"],
        published_at=datetime(2024, 5, 1, 8, 0, tzinfo=ZoneInfo("UTC")),
        dateline="MOSUL",
        kicker="Analysis",
        format="ninjs",
    )

    assert write_story(story, source_id="ninjs:urn:dam") == "created"

    article = Article.objects.get()
    assert [(b.author.name, b.role) for b in article.bylines.all()] == [
        ("Ann Lee", "By"),
        ("Cy Doe", "With"),
    ]
    assert article.bylines.first().author == existing
    assert sorted(article.tags.names()) == ["Energy", "Iraq"]
    assert (article.dateline, article.kicker) == ("MOSUL", "Analysis")
    assert article.published_at == story.published_at
    assert article.suggested_tags == []
    photo = Photo.objects.get()
    assert (photo.alt_text, photo.copyright) == ("A concrete dam", "© AFP")
    assert "https://example.org/dam.jpg" in article.import_notes
    assert write_story(story, source_id="ninjs:urn:dam") == "unchanged"


@pytest.mark.django_db
def test_date_option_wins_over_the_document_time():
    story = ParsedStory(
        headline="Dam opens",
        standfirst="",
        paragraphs=[],
        photos=[],
        agency="",
        leftovers=[],
        date_in_text=None,
        language="en",
        text="x",
        published_at=datetime(2024, 5, 1, 8, 0, tzinfo=ZoneInfo("UTC")),
    )
    chosen = datetime(2024, 6, 1, 8, 0, tzinfo=ZoneInfo("UTC"))

    write_story(story, source_id="plain:dam.txt", published_at=chosen)

    assert Article.objects.get().published_at == chosen


@pytest.mark.django_db
def test_ninjs_in_a_txt_file_is_still_ninjs(tmp_path):
    """The content decides; the name only breaks a tie."""
    pytest.importorskip(
        "articles.interchange.ninjs", reason="ninjs parser not there yet"
    )
    (tmp_path / "story.txt").write_bytes(NINJS)

    run(tmp_path / "story.txt")

    assert Article.objects.get().source_id == "ninjs:urn:example:story-1"
