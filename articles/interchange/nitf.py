"""Parse IPTC NITF (News Industry Text Format) XML into a ``ParsedStory``.

Works with NITF in the 3.6 namespace and without one (as most real files are). The
rule of the plain-text parser holds here too: text that fits no slot goes to
``leftovers`` for an editor instead of being dropped. Where each slot comes from:

- headline: ``body.head/hedline/hl1``, else ``head/title``; neither is a ParseError.
- standfirst: the ``abstract``, else the first ``hedline/hl2`` (a subheadline sits
  under the headline, as a standfirst does; a kicker sits above, so none is set).
- bylines: each ``byline/person``; without one, the byline's words ("By Ann Lee").
  A byline of agencies only ("NTB-AFP-DPA", "Reuters") is a credit, not a person.
  ``byttl`` is a job title: it has no slot, so it goes to leftovers, unless the
  byline has no name, where it names the organisation (IPTC listing 25).
- agency: that byline credit, else ``distributor``, else ``doc.copyright/@holder``.
- paragraphs: every ``p``, ``hl2`` subhead, list item and quote credit of
  ``body.content``, inside ``block``s too, inline markup flattened, in order.
- photos: ``media`` of type image; credit from ``media-producer``, else the
  reference's ``source-credit``, else a trailing "Foto: …"/"(Photo by …)" that is
  moved out of the caption.
- published_at: ``date.release`` (the earliest it may go out), else ``date.issue``,
  else ``pubdata/@date.publication``, else the dateline's ``story.date``.
- source_ref: ``doc-id/@id-string``. A NITF without one gets "", and the import
  falls back to its own reference (the file's path), as for plain text.
- source_version: ``du-key/@version`` (the revision number), else ``date.issue``.
"""

import re
from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import datetime
from xml.etree.ElementTree import Element

from .data import ParsedByline, ParsedPhoto, ParsedStory, ParseError
from .plaintext import AGENCY, detect_language, find_date
from .versions import normalise_version
from .xmlsafe import (
    XML_LANG,
    clean,
    decode_xml,
    find_or_empty,
    first_text,
    flat_text,
    parse_timestamp,
    parse_xml,
    split_tag,
    strip_namespaces,
    unique,
)

NITF_NAMESPACE = "http://iptc.org/std/NITF/2006-10-18/"
PARAGRAPH_TAGS = frozenset({"p", "hl2", "pre", "li", "dt", "dd", "credit"})
CONTAINER_TAGS = frozenset({"block", "bq", "fn", "body.content", "ol", "ul", "dl"})
SILENT_TAGS = frozenset({"hr", "br"})
PICTURE_TYPES = frozenset({"image", "photo", "graphic"})
CREDIT_MAX = 200  # Photo.credit
_CREDIT_WORD = r"(?:photo|foto|picture|pic|bilde|image|photograph)"
CAPTION_CREDITS = (
    # "… in 2010. (Photo by Spencer Platt/Getty Images)"
    re.compile(
        rf"\s*\(\s*{_CREDIT_WORD}(?:\s+by)?\s*:?\s*(?P<credit>[^()]+?)\s*\)$", re.I
    ),
    # "… i New Delhi. Foto: Amit Sharma / AP / NTB"
    re.compile(
        rf"(?<=[.!?…\"”»])\s+{_CREDIT_WORD}(?:\s+by)?\s*:\s*(?P<credit>[^.!?]+?)$", re.I
    ),
)
# "By", and its usual forms in French, German, Norwegian/Danish, Spanish, Dutch.
BY = re.compile(r"^(?:by|par|von|av|af|por|door)\b\s*:?\s*(?=[^\W\d_])", re.I)
NAME_SEPARATORS = re.compile(r"\s*(?:;|&|\band\b)\s*")
AGENCY_TOKEN_SEPARATORS = re.compile(r"[\s/,&+-]+")

Blocks = tuple[list[str], list[ParsedPhoto], list[str]]


def parse_nitf(data: bytes) -> ParsedStory:
    """Read a NITF document: headline, bylines, body, photos, tags and dates."""
    root = parse_xml(data)
    namespace, name = split_tag(root.tag)
    if name != "nitf":
        raise ParseError(f"not NITF: the root element is <{name}>, not <nitf>")
    if namespace not in ("", NITF_NAMESPACE):
        raise ParseError(f"not NITF: <nitf> is in {namespace}, not {NITF_NAMESPACE}")
    story = read_nitf(strip_namespaces(root))
    if not story.headline:
        raise ParseError("no headline: the NITF has no hedline/hl1 and no head/title")
    return replace(story, text=decode_xml(data))


def read_nitf(nitf: Element) -> ParsedStory:
    """Read a ``<nitf>`` element whose namespaces are stripped; the text stays "".

    The headline may be empty: NewsML-G2 carries NITF bodies whose headline is in
    its own metadata.
    """
    head, body_head = find_or_empty(nitf, "head"), find_or_empty(nitf, "body/body.head")
    docdata, hedline = (
        find_or_empty(head, "docdata"),
        find_or_empty(body_head, "hedline"),
    )
    paragraphs, photos, leftovers = read_blocks(nitf.find("body/body.content"))
    bylines, credit, titles = [], "", []
    for byline in body_head.iter("byline"):
        people, byline_credit, byline_titles = read_byline(byline)
        bylines += people
        credit = credit or byline_credit
        titles += byline_titles
    subheadlines = [flat_text(hl2) for hl2 in hedline.iter("hl2")]
    abstract = "\n\n".join(read_blocks(body_head.find("abstract"))[0])
    standfirst = abstract or next(iter(subheadlines), "")
    headline = first_text(flat_text(hedline.find("hl1")), head.findtext("title"))
    return ParsedStory(
        headline=headline,
        standfirst=standfirst,
        paragraphs=paragraphs,
        photos=photos,
        agency=first_text(
            credit,
            flat_text(body_head.find("distributor")),
            find_or_empty(docdata, "doc.copyright").get("holder"),
        ),
        leftovers=[
            text
            for text in (
                *(text for text in subheadlines if text != standfirst),
                *(f"Byline title: {title}" for title in titles),
                *(flat_text(body_head.find(tag)) for tag in ("note", "rights")),
                *_editor_notes(docdata),
                *leftovers,
                *(flat_text(end) for end in find_or_empty(nitf, "body/body.end")),
            )
            if text
        ],
        date_in_text=find_date("\n".join([headline, standfirst, *paragraphs])),
        language=first_text(nitf.get(XML_LANG), nitf.get("baselang"))
        or detect_language(" ".join([headline, *paragraphs])),
        text="",
        source_ref=clean(find_or_empty(docdata, "doc-id").get("id-string")),
        source_version=normalise_version(
            first_text(
                find_or_empty(docdata, "du-key").get("version"),
                find_or_empty(docdata, "date.issue").get("norm"),
            )
        ),
        bylines=unique_bylines(bylines),
        tags=_tags(head),
        published_at=_published_at(head, body_head),
        dateline=_dateline(body_head.find("dateline")),
        format="nitf",
    )


def read_blocks(
    container: Element | None,
    *,
    paragraph_tags: Collection[str] = PARAGRAPH_TAGS,
    container_tags: Collection[str] = CONTAINER_TAGS,
    silent_tags: Collection[str] = SILENT_TAGS,
    media: Callable[[Element], ParsedPhoto | None] | None = None,
) -> Blocks:
    """Return the paragraphs, photos and leftover texts of a body, in order.

    A container holding blocks is walked into, and text loose in it is a paragraph;
    each paragraph element (or container of inline text only) gives one paragraph; a
    picture gives a photo; any other element with text (a table, a note) is a
    leftover. The walk keeps its own stack: deep nesting cannot exhaust recursion.
    """
    media = media or read_media
    blocks = {*paragraph_tags, *container_tags, "table", "nitf-table"}
    paragraphs: list[str] = []
    photos: list[ParsedPhoto] = []
    leftovers: list[str] = []
    if container is None:
        return paragraphs, photos, leftovers
    paragraphs.append(clean(container.text))
    stack = [(iter(container), "")]
    while stack:
        children, tail = stack[-1]
        element = next(children, None)
        if element is None:
            stack.pop()
            paragraphs.append(clean(tail))
            continue
        if element.tag in container_tags and any(
            child.tag in blocks or media(child) for child in element
        ):
            paragraphs.append(clean(element.text))
            stack.append((iter(element), element.tail or ""))
            continue
        if element.tag in paragraph_tags or element.tag in container_tags:
            paragraphs.append(flat_text(element))
        elif (photo := media(element)) is not None:
            photos.append(photo)
        elif element.tag in {"table", "nitf-table"}:
            leftovers.append(table_text(element))
        elif element.tag not in silent_tags:
            leftovers.append(flat_text(element))
        paragraphs.append(clean(element.tail))
    return [p for p in paragraphs if p], photos, [text for text in leftovers if text]


def read_media(media: Element) -> ParsedPhoto | None:
    """Read a NITF ``<media>`` picture; None for anything else (video, text)."""
    kind = media.get("media-type", "").strip().lower()
    if media.tag != "media" or kind not in PICTURE_TYPES:
        return None
    references = media.findall("media-reference")
    reference = max(references, key=_area, default=Element("media-reference"))
    caption = "\n\n".join(
        text for text in map(flat_text, media.findall("media-caption")) if text
    )
    credit = first_text(
        ", ".join(filter(None, map(flat_text, media.findall("media-producer")))),
        reference.get("source-credit"),
    )
    if not credit:
        caption, credit = split_caption_credit(caption)
    return ParsedPhoto(
        caption=caption,
        credit=credit,
        alt_text=clean(reference.get("alternate-text")),
        copyright=clean(reference.get("copyright")),
        href=clean(reference.get("source")),
        source_ref=clean(media.get("id")),
    )


def _area(reference: Element) -> int:
    """Rank renditions by pixel area, so the largest picture is the one kept."""
    try:
        return int(reference.get("width", 0)) * int(reference.get("height", 0))
    except ValueError:
        return 0


def split_caption_credit(caption: str) -> tuple[str, str]:
    """Move a trailing "Foto: Ann Lee / AP" or "(Photo by Ann Lee/AFP)" to a credit."""
    for pattern in CAPTION_CREDITS:
        match = pattern.search(caption)
        if match and len(match["credit"]) <= CREDIT_MAX:
            return caption[: match.start()].rstrip(), match["credit"].strip()
    return caption, ""


def table_text(table: Element) -> str:
    """Give a table as lines of cells separated by " | ", so no cell runs on."""
    rows = [
        " | ".join(flat_text(cell) for cell in row if cell.tag in {"td", "th"})
        for row in table.iter("tr")
    ]
    return "\n".join(row for row in rows if row.strip(" |")) or flat_text(table)


def read_byline(byline: Element) -> tuple[list[ParsedByline], str, list[str]]:
    """Return the people in a ``<byline>``, its agency credit and its job titles."""
    titles = [title for title in map(flat_text, byline.iter("byttl")) if title]
    people = [name for name in map(flat_text, byline.iter("person")) if name]
    if people:
        return [ParsedByline(name=name) for name in people], "", titles
    bylines, credit, more_titles = byline_parts(_text_without(byline, {"byttl"}))
    if not bylines and not credit and titles:
        return [], ", ".join(titles), []  # "<byttl>Sports Network</byttl>" alone
    return bylines, credit, titles + more_titles


def byline_parts(text: str) -> tuple[list[ParsedByline], str, list[str]]:
    """Split a written byline into people, an agency credit and job titles.

    "By Ann Lee and Bo Chan, Staff Reporters" gives two people and one title;
    "NTB-AFP-DPA" or "Reuters" (no "By", agencies only) gives a credit.
    """
    text = clean(text)
    said_by = bool((by := BY.match(text)) and text[by.end()].isupper())
    text = text[by.end() :] if said_by else text
    text = text.strip(" ,;:")
    if not text:
        return [], "", []
    if not said_by and looks_like_agency(text):
        return [], text, []
    bylines, titles = [], []
    for part in NAME_SEPARATORS.split(text):
        name, _, title = (piece.strip(" ,") for piece in part.partition(","))
        if name:
            bylines.append(ParsedByline(name=name))
        if title:
            titles.append(title)
    return bylines, "", titles


def looks_like_agency(text: str) -> bool:
    """Tell an agency credit ("AFP", "NTB-AFP-DPA", "AP/Reuters") from a name."""
    if AGENCY.fullmatch(text):
        return True
    tokens = [token for token in AGENCY_TOKEN_SEPARATORS.split(text) if token]
    return all(AGENCY.fullmatch(token) or token.isupper() for token in tokens)


def unique_bylines(bylines: list[ParsedByline]) -> list[ParsedByline]:
    """Keep the first byline of each name (case ignored), in order."""
    names = unique(byline.name for byline in bylines)
    first = {byline.name.casefold(): byline for byline in reversed(bylines)}
    return [first[name.casefold()] for name in names]


def _text_without(element: Element, skipped: Collection[str]) -> str:
    """Return the text of ``element`` leaving out the children named ``skipped``."""
    parts = [element.text or ""]
    for child in element:
        parts += ["" if child.tag in skipped else flat_text(child), child.tail or ""]
    return clean(" ".join(parts))


def _dateline(dateline: Element | None) -> str:
    """Return the place of filing: its ``location``, else the words before the date."""
    if dateline is None:
        return ""
    location = flat_text(dateline.find("location"))
    return location or _text_without(dateline, {"story.date"}).strip(" ,:-–—")


def _tags(head: Element) -> list[str]:
    """Collect keywords, identified people/places/things and subject names."""
    keywords = [clean(key.get("key")) for key in head.iterfind("docdata/key-list/*")]
    identified = [
        flat_text(item) or clean(item.get("value"))
        for item in head.iterfind("docdata/identified-content/*")
        if item.tag not in {"function", "virtloc"}
    ]
    subjects = [
        first_text(
            *(
                subject.get(f"tobject.subject.{level}")
                for level in ("detail", "matter")
            ),
            subject.get("tobject.subject.type"),
        )
        for subject in head.iterfind("tobject/tobject.subject")
    ]
    return unique([*keywords, *identified, *subjects])


def _published_at(head: Element, body_head: Element) -> datetime | None:
    """Return the release time, else the issue, publication or dateline time."""
    values = (
        find_or_empty(head, "docdata/date.release").get("norm"),
        find_or_empty(head, "docdata/date.issue").get("norm"),
        find_or_empty(head, "pubdata").get("date.publication"),
        find_or_empty(body_head, "dateline/story.date").get("norm"),
    )
    return next(filter(None, map(parse_timestamp, values)), None)


def _editor_notes(docdata: Element) -> list[str]:
    return [
        f"Editor's note: {clean(message.get('info'))}"
        for message in docdata.iter("ed-msg")
        if clean(message.get("info"))
    ]
