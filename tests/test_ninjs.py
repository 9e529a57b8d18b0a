"""IPTC ninjs: IPTC's example documents import; exports are valid ninjs 2.1 and
import back into the same story."""

import html
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from jsonschema import FormatChecker
from jsonschema.validators import validator_for
from referencing import Registry, Resource

from articles.interchange.data import ParsedByline, ParseError
from articles.interchange.ninjs import html_paragraphs, parse_ninjs, to_ninjs
from articles.models import Article, Byline

from . import images
from .conftest import SHARED
from .factories import make_article, make_author, make_photo

NINJS = SHARED / "samples" / "iptc" / "ninjs"
BASE = "https://news.example.org"
EXAMPLES = sorted(NINJS.glob("examples/*/*.json"))
SHOULD_PASS = sorted(NINJS.glob("test_suite/*/should_pass/*.json"))

# jsonschema checks "uri" and "date-time" only with optional packages; these two
# checks are enough for what ninjs declares, and keep the test offline.
FORMATS = FormatChecker(formats=())
RFC3339 = re.compile(
    r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)", re.ASCII
)


@FORMATS.checks("date-time")
def _is_date_time(value) -> bool:
    return not isinstance(value, str) or bool(RFC3339.fullmatch(value))


@FORMATS.checks("uri")
def _is_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    return bool(urlsplit(value).scheme) and value.isascii() and " " not in value


def schema_validator(samples: Path, version: str = "2.1"):
    """Return a validator for ninjs ``version``, GeoJSON resolved offline."""
    schemas = samples / "iptc" / "ninjs" / "schemas"
    schema = json.loads((schemas / f"ninjs-schema_{version}.json").read_text())
    geojson = json.loads((schemas / "GeoJSON-schema.json").read_text())
    registry = Registry().with_resource(geojson["$id"], Resource.from_contents(geojson))
    return validator_for(schema)(schema, registry=registry, format_checker=FORMATS)


def assert_valid(validator, document: dict) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)
    ]
    assert not errors, errors


def names(paths: list[Path]) -> list[str]:
    return ["/".join(path.parts[-3:]) for path in paths]


# What the JSON says, read independently of the parser ---------------------------------


def expected_headline(doc: dict) -> str | None:
    if isinstance(doc.get("headline"), str):
        return doc["headline"]
    headlines = doc.get("headlines") or []
    main = [h for h in headlines if h.get("role") == "main"] or headlines
    return main[0]["value"] if main else None


def expected_body(doc: dict) -> str:
    """Return the body's words: the plain-text body, else the HTML without tags."""
    bodies = [
        (b.get("contenttype") or b.get("contentType") or "", b["value"])
        for b in doc.get("bodies", [])
    ] + [
        ("text/html" if "html" in key else "text/plain", value)
        for key, value in doc.items()
        if key.startswith("body_")
    ]
    plain = [value for kind, value in bodies if kind == "text/plain"]
    if plain:
        return " ".join(plain[0].split())
    markup = [value for kind, value in bodies if kind == "text/html"]
    text = html.unescape(re.sub(r"<[^>]+>", " ", markup[0])) if markup else ""
    return " ".join(text.split())


def words(paragraphs: list[str]) -> str:
    return " ".join(" ".join(paragraphs).split())


def parse_file(path: Path):
    return parse_ninjs(path.read_bytes())


# IPTC's examples and test suite -------------------------------------------------------


def test_the_examples_are_all_there(shared_samples):
    """Every ninjs generation IPTC gives examples for is covered."""
    assert {path.parent.name for path in EXAMPLES} == {"1.4", "2.1", "3.0"}


@pytest.mark.parametrize("path", EXAMPLES, ids=names(EXAMPLES))
def test_every_example_document_parses(shared_samples, path):
    """Each IPTC example gives its headline, its body text and its uri."""
    doc = json.loads(path.read_text())
    story = parse_file(path)
    assert story.format == "ninjs"
    assert story.source_ref == doc["uri"]
    assert story.headline == expected_headline(doc)
    assert words(story.paragraphs) == expected_body(doc)
    assert story.text == path.read_text()
    assert story.published_at is None or story.published_at.tzinfo is not None


@pytest.mark.parametrize("path", SHOULD_PASS, ids=names(SHOULD_PASS))
def test_test_suite_documents_parse_or_are_refused_for_want_of_a_headline(
    shared_samples, path
):
    """A valid ninjs item with a headline is a story (a headline-only flash is one
    too); one without a headline, such as a bare identifier, is refused clearly."""
    doc = json.loads(path.read_text())
    headline = expected_headline(doc)
    if headline is None:
        with pytest.raises(ParseError, match="no headline"):
            parse_file(path)
    else:
        story = parse_file(path)
        assert story.source_ref == doc["uri"]
        assert " ".join(headline.split()) == story.headline


def test_a_wire_story_in_html_keeps_its_paragraphs(shared_samples):
    """dpa sends only HTML: every <p> becomes a paragraph; the byline's role and the
    agency named in it ("Von Christian Hollmann, dpa") are told apart."""
    path = NINJS / "examples" / "2.1" / "dpa_text.json"
    story = parse_file(path)
    body = json.loads(path.read_text())["bodies"][0]["value"]
    assert len(story.paragraphs) == body.count("<p>") == 9
    assert story.paragraphs[0].startswith("Für Lucien Favre war es «der größte")
    assert story.bylines == [ParsedByline("Christian Hollmann", "Von")]
    assert story.agency == "dpa"
    assert story.language == "de"
    assert story.published_at == datetime(2019, 5, 10, 14, 2, 28, tzinfo=UTC)


def test_a_story_with_summary_and_subjects(shared_samples):
    """NTB: the description is the standfirst, subjects are tags, the copyright
    holder is the agency (also the whole byline), the editorial note is kept aside."""
    story = parse_file(NINJS / "examples" / "2.1" / "ntb_text.json")
    assert story.headline == "Google har kjøpt giganttomt i Skien"
    assert story.standfirst.startswith("IT-giganten Google har kjøpt en tomt")
    assert story.tags == [
        *("Innenriks", "Teknologi", "Industri", "Olje og energi"),
        "Telemark",  # a place the story is about
    ]
    assert story.agency == "NTB"
    assert story.bylines == []
    assert story.language == "nb-no"
    assert story.published_at == datetime(2019, 8, 9, 9, 30, 4, tzinfo=UTC)
    assert story.leftovers == ["Editorial note: Noe utvidet."]


def test_plain_text_without_breaks_gives_way_to_the_html_paragraphs(shared_samples):
    """The 2.x and 3.x simple examples carry the body twice; the plain copy lost
    its paragraph breaks, so the four paragraphs come from the markup."""
    for path in (
        NINJS / "examples" / "2.1" / "ninjsExSimpleText_2.json",
        NINJS / "examples" / "3.0" / "ninjsExSimpleText_3.json",
        NINJS / "examples" / "1.4" / "ninjsExSimpleText1.json",
    ):
        story = parse_file(path)
        assert len(story.paragraphs) == 4, path
        assert story.bylines == [
            ParsedByline("Paulo Santalucia"),
            ParsedByline("Frances d'Emilio"),
        ]
        assert story.published_at == datetime(2013, 7, 9, 10, 37, tzinfo=UTC)


def test_a_1x_picture_association_gives_caption_credit_and_largest_picture(
    shared_samples,
):
    story = parse_file(NINJS / "examples" / "1.4" / "ninjsExComplex1.json")
    [photo] = story.photos
    assert photo.caption.startswith("The Costa Concordia cruise ship lies on its side")
    assert photo.credit == "Paulo Santalucia"
    assert photo.href.endswith("-big.jpg")
    assert photo.source_ref == "http://ninjs.example.com/newsitems/20130709simpPh123"
    assert story.dateline == "Grossetto, Italy"


def test_graphics_and_pictures_both_come_with_their_highest_resolution(
    shared_samples,
):
    story = parse_file(
        NINJS / "examples" / "1.4" / "businesswire-newsml-20130515006361.json"
    )
    assert [photo.href.split("/")[-2] for photo in story.photos] == ["5", "5", "5"]
    assert story.tags[:2] == ["United States", "Technology"]


def test_a_picture_item_is_a_story_carrying_itself_as_its_photo(shared_samples):
    """AP's picture: headline, then the photo with AP's caption and credit line and
    the full-resolution rendition (not the NITF caption rendition)."""
    story = parse_file(NINJS / "examples" / "2.1" / "ap_image.json")
    assert story.headline == "Turkey Islamic State"
    assert story.paragraphs == [] and story.standfirst == ""
    [photo] = story.photos
    assert photo.caption.startswith("FILE - In this Monday, Nov. 11, 2019 file photo")
    assert photo.credit == "ASSOCIATED PRESS"
    assert "role=main" in photo.href
    assert story.agency == "DHA"  # the info source that originated the picture
    assert "Editorial note: TURKEY OUT  NOV. 11, 2019 FILE PHOTO" in story.leftovers


# Bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty file"),
        (b"   \n", "empty file"),
        (b"Just some text", "not JSON"),
        (b'{"uri": "urn:x", "headline": "Cut', "not JSON"),
        (b"[1, 2]", "is a list, not an object"),
        pytest.param(
            b"[" * 100_000 + b"]" * 100_000, "nested too deeply", id="deep-nesting"
        ),
        (b'"a string"', "is a str, not an object"),
        (b"\xff\xfe\x00\xd8", "byte 2 is not utf-16"),
        (b'{"uri": "urn:x", "headline": "Caf\xe9"}', "byte 33 is not utf-8"),
        (b'{"headline": "No identity"}', 'no "uri"'),
        (b'{"uri": 42, "headline": "x"}', 'no "uri"'),
        (b'{"uri": "urn:x"}', "no headline"),
        (b'{"uri": "urn:x", "headlines": [{"value": "  "}]}', "no headline"),
        (
            b'{"standard": {"name": "other"}, "uri": "urn:x", "headline": "x"}',
            "the standard is 'other'",
        ),
        (b'{"uri": "urn:x", "type": "planning", "headline": "x"}', "planning item"),
        (b'{"uri": "urn:x", "pubstatus": "canceled", "headline": "x"}', "canceled"),
        (
            b'{"uri": "urn:x", "headline": "x", "versioncreated": "yesterday"}',
            "versioncreated is not an ISO 8601 date-time",
        ),
    ],
)
def test_bad_input_is_refused_with_a_reason(data, reason):
    with pytest.raises(ParseError, match=reason):
        parse_ninjs(data)


# HTML to paragraphs -------------------------------------------------------------------


def test_html_becomes_paragraphs_without_losing_text():
    markup = (
        "Lead-in text <b>bold</b><p>First &amp; <i>foremost</i></p>"
        "<h2>A heading</h2>line one<br>line two<br/>"
        "<ul><li>one</li><li>two</li></ul><p>a < b, unclosed"
        "<script>tracking()</script><!-- note -->"
        "<table><tr><td>cell</td><td>cell 2</td></tr></table>trailing words"
    )
    assert html_paragraphs(markup) == [
        "Lead-in text bold",
        "First & foremost",
        "A heading",
        "line one",
        "line two",
        "one",
        "two",
        "a < b, unclosed",
        "cell cell 2",
        "trailing words",
    ]


def test_1x_documents_name_their_body_format_in_the_property():
    data = json.dumps(
        {
            "uri": "urn:x",
            "headline": "H",
            "description_text": "Summary.",
            "body_html": "<p>One.</p><p>Two.</p>",
            "byline": "By Ann Smith, Bob Jones and Cy Young",
            "subject": [{"name": "Politics"}, {"name": "politics"}],
            "keywords": ["Elections", "Politics"],
        }
    ).encode()
    story = parse_ninjs(data)
    assert story.standfirst == "Summary."
    assert story.paragraphs == ["One.", "Two."]
    assert [b.name for b in story.bylines] == ["Ann Smith", "Bob Jones", "Cy Young"]
    assert story.tags == ["Politics", "Elections"]


def test_a_byline_statement_with_several_roles():
    data = json.dumps(
        {
            "uri": "urn:x",
            "headlines": [{"value": "H"}],
            "by": "By Ann Smith and Bob Jones; Additional reporting by Cy Young, AFP",
        }
    ).encode()
    story = parse_ninjs(data)
    assert story.bylines == [
        ParsedByline("Ann Smith", "By"),
        ParsedByline("Bob Jones", "By"),
        ParsedByline("Cy Young", "Additional reporting by"),
    ]
    assert story.agency == "AFP"


def test_without_a_language_the_text_decides():
    data = json.dumps(
        {
            "uri": "urn:x",
            "headlines": [{"value": "عنوان الخبر"}],
            "bodies": [
                {"contenttype": "text/plain", "value": "فقرة أولى.\n\nفقرة ثانية."}
            ],
        }
    ).encode()
    story = parse_ninjs(data)
    assert story.language == "ar"
    assert story.paragraphs == ["فقرة أولى.", "فقرة ثانية."]


# Export -------------------------------------------------------------------------------


@pytest.fixture
def validator(shared_samples):
    return schema_validator(shared_samples)


def test_the_validator_refuses_iptcs_failing_documents(shared_samples, validator):
    """The schema check is live: IPTC's 2.1 should_fail cases fail, should_pass pass."""
    suite = shared_samples / "iptc" / "ninjs" / "test_suite" / "2.1"
    for path in sorted((suite / "should_fail").glob("*.json")):
        assert not validator.is_valid(json.loads(path.read_text())), path.name
    for path in sorted((suite / "should_pass").glob("*.json")):
        assert_valid(validator, json.loads(path.read_text()))


def full_story() -> Article:
    """A story with two bylines in two roles, an agency, tags, a photo with its
    picture and one with only a caption."""
    ann = make_author(name="Ann Smith", slug="ann-smith")
    bob = make_author(name="Bob Jones", slug="bob-jones")
    pictured = make_photo(
        caption="Firefighters at work.",
        credit="John Smith/AFP",
        alt_text="Two firefighters on a ladder",
        copyright="© 2026 AFP",
    )
    pictured.image.save("fire.jpg", ContentFile(images.jpeg((1600, 900))))
    caption_only = make_photo(caption="The scene at dawn.", credit="Reuters")
    article = make_article(
        headline="Fire in the old town",
        kicker="Breaking",
        dateline="PARIS",
        standfirst="A blaze destroyed three houses overnight.",
        body="First paragraph.\n\nSecond paragraph, with “quotes”.\n\nThird.",
        agency="AFP",
        tags=["Fire", "Paris", "Émergences"],
        authors=[ann],
        photos=[pictured, caption_only],
    )
    Byline.objects.create(
        article=article, author=bob, role="Additional reporting by", position=1
    )
    return Article.objects.with_relations().get(pk=article.pk)


@pytest.mark.django_db
def test_an_export_is_valid_ninjs_2_1(validator):
    document = to_ninjs(full_story(), base_url=BASE)
    assert_valid(validator, document)
    assert document["standard"]["version"] == "2.1"
    assert document["type"] == "text"
    assert document["by"] == "By Ann Smith; Additional reporting by Bob Jones"
    assert document["bodies"][0]["contenttype"] == "text/plain"
    picture, caption_only = document["associations"]
    assert picture["descriptions"][0] == {
        "role": "caption",
        "value": "Firefighters at work.",
    }
    assert all(r["href"].startswith(f"{BASE}/img/") for r in picture["renditions"])
    assert "renditions" not in caption_only


@pytest.mark.django_db
def test_an_export_reads_back_into_the_same_story():
    article = full_story()
    document = to_ninjs(article, base_url=BASE)
    story = parse_ninjs(json.dumps(document).encode())
    assert story.source_ref == document["uri"]
    assert story.headline == article.headline
    assert story.kicker == "Breaking"
    assert story.dateline == "PARIS"
    assert story.standfirst == article.standfirst
    assert story.paragraphs == article.paragraphs
    assert story.bylines == [
        ParsedByline("Ann Smith", "By"),
        ParsedByline("Bob Jones", "Additional reporting by"),
    ]
    assert story.agency == "AFP"
    assert sorted(story.tags) == sorted(["Fire", "Paris", "Émergences"])
    assert story.language == "en"
    assert story.published_at == article.published_at
    assert story.leftovers == []
    assert [(p.caption, p.credit) for p in story.photos] == [
        ("Firefighters at work.", "John Smith/AFP"),
        ("The scene at dawn.", "Reuters"),
    ]
    pictured = story.photos[0]
    assert pictured.alt_text == "Two firefighters on a ladder"
    assert pictured.copyright == "© 2026 AFP"
    assert (
        pictured.href
        == max(document["associations"][0]["renditions"], key=lambda r: r["width"])[
            "href"
        ]
    )


@pytest.mark.django_db
def test_the_renditions_named_in_an_export_are_served(client):
    document = to_ninjs(full_story(), base_url="http://testserver")
    rendition = document["associations"][0]["renditions"][0]
    response = client.get(urlsplit(rendition["href"]).path)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


@pytest.mark.django_db
def test_byline_roles_in_any_wording_read_back():
    article = make_article()
    for position, role in enumerate(["Words:", "Pictures by", "Words:"]):
        Byline.objects.create(
            article=article, author=make_author(), role=role, position=position
        )
    article = Article.objects.with_relations().get(pk=article.pk)
    story = parse_ninjs(json.dumps(to_ninjs(article, base_url=BASE)).encode())
    assert [(b.name, b.role) for b in story.bylines] == [
        (b.author.name, b.role) for b in article.bylines.all()
    ]


@pytest.mark.django_db
def test_an_arabic_story_exports_and_reads_back(validator):
    author = make_author(name="سارة أحمد", slug="sara-ahmed")
    article = make_article(
        headline="افتتاح معرض الكتاب في القاهرة",
        standfirst="يفتتح المعرض أبوابه اليوم.",
        body="الفقرة الأولى.\n\nالفقرة الثانية.",
        language="ar",
        tags=["ثقافة"],
        authors=[author],
    )
    article = Article.objects.with_relations().get(pk=article.pk)
    document = to_ninjs(article, base_url=BASE)
    assert_valid(validator, document)
    story = parse_ninjs(json.dumps(document, ensure_ascii=False).encode())
    assert story.language == "ar"
    assert story.headline == article.headline
    assert story.paragraphs == ["الفقرة الأولى.", "الفقرة الثانية."]
    assert story.bylines == [ParsedByline("سارة أحمد", "By")]
    assert story.tags == ["ثقافة"]


@pytest.mark.django_db
def test_an_agency_story_without_bylines_credits_the_agency(validator):
    article = make_article(agency="Reuters")
    document = to_ninjs(
        Article.objects.with_relations().get(pk=article.pk), base_url=BASE
    )
    assert_valid(validator, document)
    assert document["by"] == "Reuters"
    story = parse_ninjs(json.dumps(document).encode())
    assert story.agency == "Reuters"
    assert story.bylines == []


@pytest.mark.django_db
def test_the_uri_survives_edits_of_headline_slug_and_date():
    """The uri is the identity a re-import keys on: editing the story keeps it."""
    article = make_article()
    before = to_ninjs(article, base_url=BASE)["uri"]
    article.headline, article.slug = "A new headline", "a-new-headline"
    article.published_at -= timedelta(days=3)
    article.save()
    article = Article.objects.with_relations().get(pk=article.pk)
    assert to_ninjs(article, base_url=BASE)["uri"] == before
    assert (
        before == f"tag:news.example.org,{article.created_at.year}:article:{article.pk}"
    )
