"""IPTC NewsML-G2: a news item (text or picture) in, a ParsedStory out.

Expected texts are read from the IPTC listings with ElementTree here, so no sample
text is copied into the project.
"""

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest

from articles.interchange.data import ParsedByline, ParsedPhoto, ParseError
from articles.interchange.newsml import NAR_NAMESPACE, parse_newsml
from articles.interchange.nitf import NITF_NAMESPACE

G2 = "{" + NAR_NAMESPACE + "}"
NITF = "{" + NITF_NAMESPACE + "}"


def words(text: str | None) -> str:
    """Collapse XML whitespace, as the parser does."""
    return re.sub(r"[ \t\r\n]+", " ", text or "").strip()


def all_text(element: ET.Element) -> str:
    return words("".join(element.itertext()))


def g2(path: str) -> str:
    """Spell an ElementTree path in the NewsML-G2 namespace: "a/b" → "{ns}a/{ns}b"."""
    return "/".join(G2 + step for step in path.split("/"))


@pytest.fixture
def listings(shared_samples: Path) -> Path:
    return shared_samples / "iptc" / "newsml-g2" / "examples"


@pytest.fixture
def text_item(listings: Path) -> Path:
    return listings / "LISTING_2_NewsML-G2_Text_Document.xml"


@pytest.fixture
def picture_item(listings: Path) -> Path:
    return listings / "LISTING_3_Photo_in_NewsML-G2.xml"


def test_text_item_gives_headline_body_byline_and_identity(text_item):
    """Listing 2: metadata from NewsML-G2, the body from the NITF inside."""
    item = ET.parse(text_item).getroot()
    meta = item.find(g2("contentMeta"))
    nitf_body = item.find(f"{g2('contentSet/inlineXML')}/{NITF}nitf/{NITF}body")

    story = parse_newsml(text_item.read_bytes())

    assert story.headline == words(meta.findtext(g2("headline")))
    assert story.paragraphs == [all_text(p) for p in nitf_body.iter(f"{NITF}p")]
    assert len(story.paragraphs) == 2
    assert story.bylines == [ParsedByline(words(meta.findtext(g2("creator/name"))))]
    assert story.source_ref == item.get("guid")
    assert story.language == meta.find(g2("language")).get("tag")
    assert story.dateline == words(meta.findtext(g2("located/name")))
    assert story.agency == words(meta.findtext(g2("infoSource/name")))
    assert story.format == "newsml"
    assert story.text == text_item.read_text(encoding="utf-8")


def test_text_item_subjects_become_tags_and_content_creation_the_time(text_item):
    """Without firstCreated, contentCreated is the publication time."""
    item = ET.parse(text_item).getroot()
    meta = item.find(g2("contentMeta"))

    story = parse_newsml(text_item.read_bytes())

    assert story.tags == [
        words(subject.findtext(g2("name"))) for subject in meta.iter(g2("subject"))
    ]
    created = meta.findtext(g2("contentCreated"))
    assert story.published_at == datetime.fromisoformat(created)


def test_byline_title_of_the_nitf_inside_is_kept_for_the_editor(text_item):
    item = ET.parse(text_item).getroot()
    title = all_text(next(item.iter(f"{NITF}byttl")))

    story = parse_newsml(text_item.read_bytes())

    assert story.leftovers == [f"Byline title: {title}"]


def test_embargo_is_the_publication_time_and_notes_reach_the_editor(listings):
    """Listing 1: embargoed until a time; the edNote and usage terms are kept."""
    path = listings / "LISTING_1_A_NewsML-G2_News_Item.xml"
    item = ET.parse(path).getroot()

    story = parse_newsml(path.read_bytes())

    assert story.headline == words(item.findtext(g2("contentMeta/headline")))
    assert story.published_at == datetime.fromisoformat(
        item.findtext(g2("itemMeta/embargoed"))
    )
    assert story.leftovers == [
        f"Editor's note: {words(item.findtext(g2('itemMeta/edNote')))}",
        f"Usage terms: {words(item.findtext(g2('rightsInfo/usageTerms')))}",
    ]
    assert story.paragraphs == []  # the listing's inlineXML holds only comments
    assert story.agency == "Reuters"  # from the provider's code, nprov:REUTERS
    assert story.language == "en-GB"


def test_picture_item_is_a_story_whose_one_photo_is_the_picture(picture_item):
    """Listing 3: caption, credit line, copyright and largest rendition."""
    item = ET.parse(picture_item).getroot()
    meta = item.find(g2("contentMeta"))
    renditions = item.findall(g2("contentSet/remoteContent"))
    largest = max(renditions, key=lambda r: int(r.get("width")) * int(r.get("height")))

    story = parse_newsml(picture_item.read_bytes())

    assert story.headline == words(meta.findtext(g2("headline")))
    assert story.standfirst == ""
    assert story.paragraphs == []
    assert story.bylines == []
    assert story.photos == [
        ParsedPhoto(
            caption=words(meta.findtext(g2("description"))),
            credit=words(meta.findtext(g2("creditline"))),
            copyright=words(item.findtext(g2("rightsInfo/copyrightNotice"))),
            href=largest.get("href"),
            source_ref=item.get("guid"),
        )
    ]
    assert story.agency == words(meta.findtext(g2("creditline")))
    assert story.source_ref == item.get("guid")
    assert story.published_at == datetime.fromisoformat(
        item.findtext(g2("itemMeta/firstCreated"))
    )


def test_picture_tags_name_subjects_in_the_item_language_and_keywords(picture_item):
    item = ET.parse(picture_item).getroot()
    meta = item.find(g2("contentMeta"))

    story = parse_newsml(picture_item.read_bytes())

    keywords = [words(k.text) for k in meta.iter(g2("keyword"))]
    assert story.tags[-len(keywords) :] == keywords
    assert "labour market" in story.tags
    assert "Arbeitsmarkt" not in story.tags  # the German name of the same subject


def test_a_package_is_refused_naming_the_items_it_refers_to(listings):
    """Listing 6 only points at items by guid: there is no story in it."""
    path = listings / "LISTING_6_Simple_NewsML-G2_Package.xml"
    first = next(ET.parse(path).getroot().iter(g2("itemRef"))).get("residref")

    with pytest.raises(ParseError, match="package is not a story") as refused:
        parse_newsml(path.read_bytes())

    assert first in str(refused.value)


def test_a_content_set_fragment_is_not_a_news_item(listings):
    path = listings / "LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml"

    with pytest.raises(ParseError, match="not a NewsML-G2 news item"):
        parse_newsml(path.read_bytes())


def test_nitf_in_inline_xml_supplies_headline_abstract_and_credit(listings):
    """Listing 25's contentSet in a bare item: the NITF fills the missing slots."""
    path = listings / "LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml"
    fragment = path.read_text(encoding="utf-8")
    nitf = ET.fromstring(fragment).find(f"inlineXML/{NITF}nitf")
    # The fragment's elements are unprefixed, so they join the item's namespace.
    wrapped = (
        f'<newsItem xmlns="{NAR_NAMESPACE}" guid="urn:example:1" version="1">'
        f"<itemMeta><itemClass qcode='ninat:text'/></itemMeta>{fragment}</newsItem>"
    )

    story = parse_newsml(wrapped.encode())

    head = nitf.find(f"{NITF}body/{NITF}body.head")
    assert story.headline == all_text(head.find(f"{NITF}hedline/{NITF}hl1"))
    assert story.standfirst == all_text(head.find(f"{NITF}abstract"))
    assert story.paragraphs == [
        all_text(p) for p in nitf.find(f"{NITF}body/{NITF}body.content")
    ]
    assert story.agency == all_text(head.find(f"{NITF}byline"))


def item(content_set: str, meta: str = "<headline>H</headline>", **attributes) -> bytes:
    attributes = {"guid": "urn:example:story", "version": "1", **attributes}
    spelled = " ".join(f'{name}="{value}"' for name, value in attributes.items())
    return (
        f'<newsItem xmlns="{NAR_NAMESPACE}" {spelled}>'
        "<itemMeta><itemClass qcode='ninat:text'/></itemMeta>"
        f"<contentMeta>{meta}</contentMeta><contentSet>{content_set}</contentSet>"
        "</newsItem>"
    ).encode()


XHTML = """<inlineXML contenttype="application/xhtml+xml">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Ignored</title></head><body>
  <h2>Subhead</h2>
  <p>One <b>bold</b> word.</p>
  <div>Loose <i>text</i> in a div</div>
  <figure><img src="pic.jpg" alt="A pier"/>
    <figcaption>The pier. Photo: Ann Lee/AFP</figcaption></figure>
  <blockquote><p>Quoted.</p></blockquote>
  <ul><li>First</li><li>Second</li></ul>
</body></html></inlineXML>
<inlineData contenttype="text/plain">An alternative rendition, no more</inlineData>
"""


def test_xhtml_body_gives_paragraphs_in_order_and_figures_as_photos():
    """Only the first rendition is read: contentSet holds alternatives."""
    story = parse_newsml(item(XHTML))

    assert story.paragraphs == [
        "Subhead",
        "One bold word.",
        "Loose text in a div",
        "Quoted.",
        "First",
        "Second",
    ]
    assert story.photos == [
        ParsedPhoto(
            caption="The pier.", credit="Ann Lee/AFP", alt_text="A pier", href="pic.jpg"
        )
    ]


def test_plain_inline_data_gives_one_paragraph_per_line():
    data = item(
        '<inlineData contenttype="text/plain">One.\n  Two.\n\nThree.</inlineData>'
    )

    assert parse_newsml(data).paragraphs == ["One.", "Two.", "Three."]


def test_metadata_fills_summary_byline_credit_dateline_and_language():
    meta = (
        "<headline>H</headline><description role='drol:summary'>Summary.</description>"
        "<by>By Ann Lee and Bo Chan</by><creditline>AFP</creditline>"
        "<dateline>PARIS</dateline><language tag='fr'/><keyword>port</keyword>"
    )

    story = parse_newsml(item("", meta=meta))

    assert story.standfirst == "Summary."
    assert story.bylines == [ParsedByline("Ann Lee"), ParsedByline("Bo Chan")]
    assert story.agency == "AFP"
    assert story.dateline == "PARIS"
    assert story.language == "fr"
    assert story.tags == ["port"]


def test_a_newer_version_keeps_the_identity_so_it_updates_the_same_story():
    first = parse_newsml(item("", version="1"))
    second = parse_newsml(item("", version="2"))

    assert first.source_ref == second.source_ref == "urn:example:story"


def test_a_news_message_with_one_item_is_read_as_that_item():
    inner = item("").decode()
    message = f'<newsMessage xmlns="{NAR_NAMESPACE}"><itemSet>{inner}</itemSet>'
    message += "</newsMessage>"

    assert parse_newsml(message.encode()).source_ref == "urn:example:story"


def test_a_news_message_with_several_items_is_refused():
    inner = item("").decode()
    message = f'<newsMessage xmlns="{NAR_NAMESPACE}"><itemSet>{inner}{inner}'
    message += "</itemSet></newsMessage>"

    with pytest.raises(ParseError, match="holds 2 items"):
        parse_newsml(message.encode())


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (item("", guid=""), "no guid"),
        (item("", meta=""), "no headline"),
        (item("").replace(b"ninat:text", b"ninat:video"), "video item is neither"),
        (b"<newsItem guid='g'/>", "without the NewsML-G2 namespace"),
        (b"<nitf/>", "not a NewsML-G2 news item: the root is <nitf>"),
    ],
)
def test_items_without_identity_headline_or_text_are_refused(data, reason):
    with pytest.raises(ParseError, match=reason):
        parse_newsml(data)


BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE newsItem [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<newsItem xmlns="{NAR_NAMESPACE}" guid="g"><contentMeta>
<headline>&lol2;</headline></contentMeta></newsItem>
""".encode()
XXE = f"""<?xml version="1.0"?>
<!DOCTYPE newsItem [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<newsItem xmlns="{NAR_NAMESPACE}" guid="g"><contentMeta>
<headline>&xxe;</headline></contentMeta></newsItem>
""".encode()
PLAIN_DTD = f"""<!DOCTYPE newsItem [<!ELEMENT newsItem ANY>]>
<newsItem xmlns="{NAR_NAMESPACE}" guid="g"/>
""".encode()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (BILLION_LAUGHS, r"declares the entity 'lol'.*billion laughs"),
        (XXE, r"external entity 'xxe' \(file:///etc/passwd\).*XXE"),
        (PLAIN_DTD, r"accept no DTD"),
    ],
    ids=["billion-laughs", "xxe", "dtd"],
)
def test_xml_with_a_dtd_is_refused_with_the_reason(data, reason):
    with pytest.raises(ParseError, match=reason):
        parse_newsml(data)


def test_broken_xml_is_refused():
    with pytest.raises(ParseError, match="not well-formed XML"):
        parse_newsml(f'<newsItem xmlns="{NAR_NAMESPACE}"><itemMeta>'.encode())
