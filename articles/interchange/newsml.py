"""Parse an IPTC NewsML-G2 news item (a text or a picture) into a ``ParsedStory``.

What is a story, and where each slot comes from:

- The root is a ``newsItem``, or a ``newsMessage`` holding exactly one. A
  ``packageItem`` only refers to other items by guid, so it is refused; so is any
  item class but text and picture (video, audio…).
- source_ref: the item's ``guid``, required by the standard (none is a ParseError).
  The ``version`` is left out of it, so a newer version updates the same story;
  it is the ``source_version`` (else ``versionCreated``), so an older one does not.
- headline: ``contentMeta/headline``, else the NITF ``hl1`` inside, else
  ``itemMeta/title``. standfirst: the summary ``description``, else the NITF
  abstract. bylines: ``by``, else the NITF byline, else the ``creator`` names.
- agency: ``creditline``, else a byline credit, else the ``infoSource``, the
  ``provider`` and the copyright holder, by name.
- body: the first usable rendition of ``contentSet`` (they are alternatives, not
  parts): NITF in ``inlineXML`` (read as ``parse_nitf`` reads it), XHTML in
  ``inlineXML``, or plain text in ``inlineData`` (one paragraph per line).
- published_at: ``embargoed`` (the earliest it may go out), else ``firstCreated``,
  ``contentCreated``, ``versionCreated``.
- A picture item becomes a story with its own headline, no standfirst, no body and
  no bylines: the picture is its one photo, with the caption ``description``, the
  ``creditline`` (else the photographer) as credit, the copyright notice and the
  ``href`` of the largest rendition. The photographer is credited on the photo.
- Editor's notes and usage terms, and texts that fit no slot, go to leftovers.
"""

import base64
import binascii
import re
from dataclasses import replace
from datetime import datetime
from xml.etree.ElementTree import Element

from .data import ParsedByline, ParsedPhoto, ParsedStory, ParseError
from .nitf import (
    SILENT_TAGS,
    Blocks,
    byline_parts,
    looks_like_agency,
    read_blocks,
    read_nitf,
    split_caption_credit,
    unique_bylines,
)
from .plaintext import CANONICAL_AGENCY, detect_language, find_date
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

NAR_NAMESPACE = "http://iptc.org/std/nar/2006-10-01/"
PICTURE_CLASSES = frozenset({"picture", "graphic"})
XHTML_PARAGRAPHS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "pre", "address"}
)
XHTML_CONTAINERS = frozenset(
    {"html", "body", "div", "section", "article", "main", "header", "footer"}
    | {"aside", "blockquote", "ul", "ol", "dl", "nav", "inlineXML"}
)
XHTML_SILENT = SILENT_TAGS | {"head", "script", "style", "noscript", "template"}
SHOWN_REFERENCES = 3


def parse_newsml(data: bytes) -> ParsedStory:
    """Read a NewsML-G2 news item: a text story, or a picture as a one-photo story."""
    item = _news_item(parse_xml(data))
    guid = clean(item.get("guid"))
    if not guid:
        raise ParseError("the NewsML-G2 news item has no guid, so no identity")
    kind = _item_class(item)
    if kind in PICTURE_CLASSES:
        story = _picture_story(item)
    elif kind == "text":
        story = _text_story(item)
    else:
        raise ParseError(
            f"a NewsML-G2 {kind} item is neither text nor a picture: nothing to import"
        )
    version = normalise_version(
        first_text(item.get("version"), item.findtext("itemMeta/versionCreated"))
    )
    return replace(
        story,
        text=decode_xml(data),
        source_ref=guid,
        source_version=version,
        format="newsml",
    )


def _news_item(root: Element) -> Element:
    """Return the one ``newsItem`` of the document, its namespaces stripped."""
    namespace, name = split_tag(root.tag)
    if namespace != NAR_NAMESPACE:
        where = f" in {namespace}" if namespace else " without the NewsML-G2 namespace"
        raise ParseError(f"not a NewsML-G2 news item: the root is <{name}>{where}")
    strip_namespaces(root)
    if name == "packageItem":
        references = unique(clean(ref.get("residref")) for ref in root.iter("itemRef"))
        shown = ", ".join(references[:SHOWN_REFERENCES])
        more = "…" if len(references) > SHOWN_REFERENCES else ""
        raise ParseError(
            "a NewsML-G2 package is not a story: it only refers to "
            f"{len(references)} items ({shown}{more}); import the news items "
            "themselves"
        )
    if name == "newsMessage":
        items = root.findall("itemSet/*")
        if len(items) != 1 or items[0].tag != "newsItem":
            raise ParseError(
                f"the NewsML-G2 news message holds {len(items)} items, not one news "
                "item: import its items one by one"
            )
        return items[0]
    if name != "newsItem":
        raise ParseError(f"not a NewsML-G2 news item: the root is <{name}>")
    return root


def _item_class(item: Element) -> str:
    """Name the item's nature ("text", "picture"…) from its qcode or URI."""
    item_class = find_or_empty(item, "itemMeta/itemClass")
    code = item_class.get("qcode") or item_class.get("uri") or "text"
    return re.split(r"[:/]", code.strip().rstrip("/"))[-1].lower()


def _text_story(item: Element) -> ParsedStory:
    """Read a text item: metadata from NewsML-G2, body (and fallbacks) from content."""
    meta = find_or_empty(item, "contentMeta")
    item_meta = find_or_empty(item, "itemMeta")
    inner = _body(item)
    headline, other_headlines = _headlines(meta)
    descriptions = _descriptions(meta)
    summaries = descriptions.pop("summary", []) + descriptions.pop("", [])
    headline = first_text(headline, inner.headline, item_meta.findtext("title"))
    if not headline:
        raise ParseError("no headline: the news item has none and no title")
    standfirst = first_text(*summaries, inner.standfirst)
    bylines, credit = _bylines(meta, inner)
    language = _language(item) or inner.language
    return ParsedStory(
        headline=headline,
        standfirst=standfirst,
        paragraphs=inner.paragraphs,
        photos=inner.photos,
        agency=first_text(clean(meta.findtext("creditline")), credit)
        or _organisation(item),
        leftovers=[
            text
            for text in (
                *_notes(item),
                *other_headlines,
                *(text for texts in descriptions.values() for text in texts),
                *_differing(inner.headline, headline),
                *_differing(inner.standfirst, standfirst),
                *inner.leftovers,
            )
            if text
        ],
        date_in_text=find_date("\n".join([headline, standfirst, *inner.paragraphs])),
        language=language or detect_language(" ".join([headline, *inner.paragraphs])),
        text="",
        bylines=bylines,
        tags=unique([*_tags(meta, language), *inner.tags]),
        published_at=_published_at(item) or inner.published_at,
        dateline=first_text(
            flat_text(meta.find("dateline")),
            inner.dateline,
            meta.findtext("located/name"),
        ),
    )


def _picture_story(item: Element) -> ParsedStory:
    """Read a picture item as a story whose one photo is the picture."""
    meta = find_or_empty(item, "contentMeta")
    item_meta = find_or_empty(item, "itemMeta")
    headline, other_headlines = _headlines(meta)
    headline = first_text(headline, item_meta.findtext("title"))
    if not headline:
        raise ParseError("no headline: the picture item has none and no title")
    descriptions = _descriptions(meta)
    captions = descriptions.pop("caption", []) + descriptions.pop("", [])
    alt_texts = descriptions.pop("alternativetext", [])
    caption = next(iter(captions), "")
    photographers = [
        first_text(creator.findtext("name"))
        for creator in meta.iterfind("creator")
        if "photographer" in creator.get("role", "").lower()
    ]
    credit = first_text(
        meta.findtext("creditline"), ", ".join(filter(None, photographers))
    )
    if not credit:
        caption, credit = split_caption_credit(caption)
    renditions = item.findall("contentSet/remoteContent")
    rendition = max(renditions, key=_rendition_size, default=Element("remoteContent"))
    photo = ParsedPhoto(
        caption=caption,
        credit=credit or _organisation(item),
        alt_text=next(iter(alt_texts), ""),
        copyright=first_text(
            *map(flat_text, item.iterfind("rightsInfo/copyrightNotice"))
        ),
        href=clean(rendition.get("href")),
        source_ref=clean(item.get("guid")),
    )
    language = _language(item)
    return ParsedStory(
        headline=headline,
        standfirst="",
        paragraphs=[],
        photos=[photo],
        agency=first_text(meta.findtext("creditline")) or _organisation(item),
        leftovers=[
            *_notes(item),
            *other_headlines,
            *captions[1:],
            *(text for texts in descriptions.values() for text in texts),
        ],
        date_in_text=None,
        language=language or detect_language(" ".join([headline, caption])),
        text="",
        tags=_tags(meta, language),
        published_at=_published_at(item),
        dateline=first_text(
            flat_text(meta.find("dateline")), meta.findtext("located/name")
        ),
    )


def _body(item: Element) -> ParsedStory:
    """Read the first rendition in ``contentSet`` that holds text, as a story part."""
    leftovers = []
    for content in find_or_empty(item, "contentSet"):
        if content.tag == "inlineXML":
            nitf = content.find("nitf")
            if nitf is not None:
                return read_nitf(nitf)
            blocks = read_blocks(
                content,
                paragraph_tags=XHTML_PARAGRAPHS,
                container_tags=XHTML_CONTAINERS,
                silent_tags=XHTML_SILENT,
                media=_xhtml_picture,
            )
        elif content.tag == "inlineData":
            blocks = _inline_data(content)
        else:
            if content.tag == "remoteContent" and content.get("href"):
                leftovers.append(
                    f"The text is not in the file: see {content.get('href')}"
                )
            continue
        if any(blocks):
            return _part(blocks)
    return _part(([], [], leftovers))


def _part(blocks: Blocks) -> ParsedStory:
    """Wrap a body read from XHTML or plain text in the shape ``read_nitf`` returns."""
    paragraphs, photos, leftovers = blocks
    return ParsedStory(
        headline="",
        standfirst="",
        paragraphs=paragraphs,
        photos=photos,
        agency="",
        leftovers=leftovers,
        date_in_text=None,
        language="",
        text="",
    )


def _inline_data(content: Element) -> Blocks:
    """Read plain text (one paragraph per line); other data goes to leftovers."""
    text = content.text or ""
    if content.get("encoding", "").lower() == "base64":
        try:
            text = base64.b64decode(text).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise ParseError(
                f"the inlineData is not base64 UTF-8 text: {error}"
            ) from None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    content_type = content.get("contenttype", "text/plain").split(";")[0].strip()
    if content_type.lower() == "text/plain":
        return lines, [], []
    return [], [], ["\n".join(lines)] if lines else []


def _xhtml_picture(element: Element) -> ParsedPhoto | None:
    """Read an XHTML ``figure`` (image and caption) or a bare ``img`` as a photo."""
    image = element if element.tag == "img" else element.find(".//img")
    if element.tag not in {"figure", "img"} or image is None:
        return None
    caption, credit = split_caption_credit(flat_text(element.find(".//figcaption")))
    return ParsedPhoto(
        caption=caption,
        credit=credit,
        alt_text=clean(image.get("alt")),
        href=clean(image.get("src")),
    )


def _headlines(meta: Element) -> tuple[str, list[str]]:
    """Return the main headline and the other headlines."""
    headlines = meta.findall("headline")
    main = next((h for h in headlines if _role(h) in {"", "main"}), None)
    main = headlines[0] if main is None and headlines else main
    others = [flat_text(h) for h in headlines if h is not main]
    return flat_text(main), [text for text in others if text]


def _descriptions(meta: Element) -> dict[str, list[str]]:
    """Group the descriptions by role ("summary", "caption"; "" for none)."""
    grouped: dict[str, list[str]] = {}
    for description in meta.iterfind("description"):
        if text := flat_text(description):
            grouped.setdefault(_role(description), []).append(text)
    return grouped


def _role(element: Element) -> str:
    """Give the code of a role ("drol:caption" → "caption"), lowercased."""
    return re.split(r"[:/]", element.get("role", "").strip())[-1].lower()


def _bylines(meta: Element, inner: ParsedStory) -> tuple[list[ParsedByline], str]:
    """Return the bylines and a credit from ``by``, the NITF byline or creators."""
    written = [text for text in map(flat_text, meta.iterfind("by")) if text]
    if not written and (inner.bylines or inner.agency):
        return inner.bylines, inner.agency
    creators = [clean(creator.findtext("name")) for creator in meta.iterfind("creator")]
    parts = [byline_parts(text) for text in written or creators if text]
    bylines = [byline for people, _, _ in parts for byline in people]
    credit = next((credit for _, credit, _ in parts if credit), "")
    return unique_bylines(bylines), credit


def _organisation(item: Element) -> str:
    """Name the source: info source, provider, else copyright holder."""
    provider = find_or_empty(item, "itemMeta/provider")
    code = re.split(r"[:/]", provider.get("qcode", ""))[-1]
    known = code if looks_like_agency(code) else ""
    return first_text(
        item.findtext("contentMeta/infoSource/name"),
        provider.findtext("name"),
        CANONICAL_AGENCY.get(known.lower(), ""),
        item.findtext("rightsInfo/copyrightHolder/name"),
    )


def _language(item: Element) -> str:
    """Give the content's language tag, else the item's ``xml:lang``; "" if none."""
    return first_text(
        find_or_empty(item, "contentMeta/language").get("tag"), item.get(XML_LANG)
    )


def _tags(meta: Element, language: str) -> list[str]:
    """Name each subject (in the story's language when it has several) and keyword."""
    primary = language.split("-")[0].lower()
    subjects = []
    for subject in meta.iterfind("subject"):
        names = subject.findall("name")
        same = [
            n for n in names if n.get(XML_LANG, "").split("-")[0].lower() == primary
        ]
        untagged = [n for n in names if not n.get(XML_LANG)]
        subjects += [flat_text(next(iter(same + untagged + names), None))]
    keywords = [flat_text(keyword) for keyword in meta.iterfind("keyword")]
    return unique([*subjects, *keywords])


def _published_at(item: Element) -> datetime | None:
    """Return the embargo, else the first creation, content or version time."""
    values = (
        item.findtext("itemMeta/embargoed"),
        item.findtext("itemMeta/firstCreated"),
        item.findtext("contentMeta/contentCreated"),
        item.findtext("itemMeta/versionCreated"),
    )
    return next(filter(None, map(parse_timestamp, values)), None)


def _notes(item: Element) -> list[str]:
    """Give the notes to editors and the usage terms, which an editor must read."""
    notes = map(flat_text, item.iterfind("itemMeta/edNote"))
    terms = map(flat_text, item.iterfind("rightsInfo/usageTerms"))
    return [f"Editor's note: {note}" for note in notes if note] + [
        f"Usage terms: {term}" for term in terms if term
    ]


def _differing(found: str, kept: str) -> list[str]:
    """Keep a second version of a slot (the NITF's own headline) if it differs."""
    differs = clean(found).casefold() != clean(kept).casefold()
    return [found] if found and differs else []


def _rendition_size(rendition: Element) -> tuple[int, int]:
    """Rank renditions by pixel area, then by bytes, so the largest is kept."""
    try:
        width, height = int(rendition.get("width", 0)), int(rendition.get("height", 0))
        return width * height, int(rendition.get("size", 0))
    except ValueError:
        return 0, 0
