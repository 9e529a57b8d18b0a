"""IPTC's own example documents, imported end to end: what each carries reaches the
story as editors and readers get it (bylines or agency credit, tags, photo caption,
credit, alt text and copyright, publication time, language, version).

Expected values are read from the sample files here, so no sample text is copied
into the project.
"""

import json
import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from articles.interchange.batch import import_sources, iter_sources
from articles.models import Article

pytestmark = pytest.mark.django_db
NAR = "{http://iptc.org/std/nar/2006-10-01/}"


@pytest.fixture
def iptc(shared_samples: Path) -> Path:
    return shared_samples / "iptc"


def imported(path: Path, tmp_path: Path) -> Article:
    """Import one sample file through the batch, as the command does."""
    shutil.copy(path, tmp_path / path.name)
    (outcome,) = import_sources(iter_sources([tmp_path / path.name]))
    assert outcome.outcome == "created", outcome.reason
    return Article.objects.get(pk=outcome.article_id)


def bylines(article: Article) -> list[tuple[str, str]]:
    return [(b.role, b.author.name) for b in article.bylines.order_by("position")]


def words(text: str | None) -> str:
    return " ".join((text or "").split())


def test_dpa_credits_the_reporter_and_the_agency(iptc, tmp_path):
    path = iptc / "ninjs" / "examples" / "2.1" / "dpa_text.json"
    document = json.loads(path.read_text(encoding="utf-8"))

    article = imported(path, tmp_path)

    assert document["by"] == "Von Christian Hollmann, dpa"
    assert bylines(article) == [("Von", "Christian Hollmann")]
    assert article.agency == document["copyrightholder"] == "dpa"
    assert article.language == document["language"]
    assert article.published_at == datetime.fromisoformat(document["versioncreated"])
    assert article.imported_source_version == document["version"]


def test_ntb_is_an_agency_story_tagged_with_its_subjects_and_place(iptc, tmp_path):
    path = iptc / "ninjs" / "examples" / "2.1" / "ntb_text.json"
    document = json.loads(path.read_text(encoding="utf-8"))

    article = imported(path, tmp_path)

    assert bylines(article) == []
    assert article.agency == document["by"] == "NTB"
    expected = {s["name"] for s in document["subjects"] + document["places"]}
    assert set(article.tags.names()) == expected
    assert article.published_at == datetime.fromisoformat(document["firstcreated"])
    assert article.language.lower() == document["language"].lower()


def test_an_ap_picture_brings_caption_credit_and_what_it_shows(iptc, tmp_path):
    path = iptc / "ninjs" / "examples" / "2.1" / "ap_image.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    roles = {d["role"]: d["value"] for d in document["descriptions"]}

    article = imported(path, tmp_path)

    use = article.article_photos.select_related("photo").get()
    assert use.photo.caption == roles["caption"]
    assert use.photo.credit == roles["creditline"] == "ASSOCIATED PRESS"
    names = {
        item["name"]
        for part in ("subjects", "organisations", "places")
        for item in document[part]
    }
    assert set(article.tags.names()) == names
    assert article.published_at == datetime.fromisoformat(document["firstcreated"])


def test_a_ninjs_1_story_credits_two_reporters_and_its_photographer(iptc, tmp_path):
    path = iptc / "ninjs" / "examples" / "1.4" / "ninjsExComplex1.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    picture = document["associations"]["mainpic"]

    article = imported(path, tmp_path)

    assert bylines(article) == [
        ("By", "Paulo Santalucia"),
        ("By", "Frances d'Emilio"),
    ]
    assert article.dateline == document["located"]
    photo = article.article_photos.get().photo
    assert photo.credit == picture["byline"]
    assert photo.caption == words(picture["description_text"])
    about = {item["name"] for part in ("person", "place", "organisation") for item in
             document[part]}  # fmt: skip
    assert about <= set(article.tags.names())


def test_a_newsml_picture_keeps_credit_line_copyright_and_keywords(iptc, tmp_path):
    path = iptc / "newsml-g2" / "examples" / "LISTING_3_Photo_in_NewsML-G2.xml"
    item = ET.parse(path).getroot()
    meta = item.find(f"{NAR}contentMeta")

    article = imported(path, tmp_path)

    photo = article.article_photos.get().photo
    assert photo.credit == meta.findtext(f"{NAR}creditline") == "Getty Images"
    notice = item.find(f"{NAR}rightsInfo/{NAR}copyrightNotice")
    assert photo.copyright == words("".join(notice.itertext()))
    caption = meta.find(f"{NAR}description")
    assert photo.caption == words("".join(caption.itertext()))
    keywords = {k.text for k in meta.iter(f"{NAR}keyword")}
    assert keywords <= set(article.tags.names())
    assert article.imported_source_version == item.get("version")


def test_a_newsml_text_names_its_reporter_and_language(iptc, tmp_path):
    path = iptc / "newsml-g2" / "examples" / "LISTING_2_NewsML-G2_Text_Document.xml"
    item = ET.parse(path).getroot()
    meta = item.find(f"{NAR}contentMeta")

    article = imported(path, tmp_path)

    assert bylines(article) == [("By", "Meredith Jameson")]
    assert article.language == meta.find(f"{NAR}language").get("tag") == "en-US"
    subjects = {words(s.findtext(f"{NAR}name")) for s in meta.iter(f"{NAR}subject")}
    assert subjects - {""} <= set(article.tags.names())


def test_the_ntb_nitf_keeps_dates_language_version_and_keywords(iptc, tmp_path):
    path = iptc / "nitf" / "examples" / "NTB_nitf_sample.xml"
    nitf = ET.parse(path).getroot()

    article = imported(path, tmp_path)

    assert article.language == nitf.get("baselang")
    issued = nitf.find("head/docdata/date.issue").get("norm")
    naive = datetime.fromisoformat(issued)
    assert article.published_at.astimezone(UTC).replace(tzinfo=None) == naive
    assert article.imported_source_version == (
        nitf.find("head/docdata/du-key").get("version")
    )
    keys = {k.get("key") for k in nitf.iter("keyword")}
    subjects = {
        s.get("tobject.subject.matter") or s.get("tobject.subject.type")
        for s in nitf.iter("tobject.subject")
    }
    assert keys and subjects
    assert keys | subjects <= set(article.tags.names())
