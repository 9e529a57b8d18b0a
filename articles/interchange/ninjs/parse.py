"""Read IPTC ninjs (News in JSON) into a ``ParsedStory``: bytes in, plain data out.

``parse_ninjs`` reads the three generations of the standard: 1.x (``headline``,
``body_text``/``body_xhtml``, ``byline``, ``subject``, associations as an object),
2.x (``headlines``/``bodies``/``descriptions`` lists, ``by``, ``subjects``,
associations as a list) and 3.x (2.x in camelCase: ``versionCreated``,
``contentType``).

As in the plain-text parser, nothing a reporter wrote may be lost: HTML bodies keep
all their text, and text that fits no slot (editorial notes, extra headlines) goes
to ``leftovers`` for an editor.
"""

import json
import re
from datetime import UTC, datetime

from ..data import ParsedByline, ParsedPhoto, ParsedStory, ParseError
from ..plaintext import CANONICAL_AGENCY, detect_language, find_date
from ..versions import normalise_version
from .text import (
    body_paragraphs,
    collect,
    objects,
    pick,
    plain,
)

PICTURE_TYPES = {"picture", "graphic"}
NOT_STORIES = {"event", "planning"}  # ninjs 3 types that describe no content
WITHDRAWN = {"canceled", "withheld"}
CAPTION_ROLES = {"caption"}
CREDIT_ROLES = {"creditline", "credit"}
ALT_TEXT_ROLES = {"alttext", "alt", "alt_text", "alt-text"}
PHOTO_ROLES = CAPTION_ROLES | CREDIT_ROLES | ALT_TEXT_ROLES
KICKER_ROLES = {"kicker", "overline"}
AUTHOR_RELS = {"author", "creator", "by", "byline"}
# What a story is about, as 2.x/3.x lists and 1.x properties; subjects first.
ENTITY_PROPERTIES = (
    ("subjects", "subject"),
    ("people", "person"),
    ("organisations", "organisation"),
    ("places", "place"),
    ("objects", "object"),
)
# "By", "Von", "Par"… open a byline; in English a longer role ends with "by".
LEADING_BY_WORDS = {"by", "von", "par", "por", "av", "door", "بقلم"}
NAME_SEPARATORS = re.compile(r"\s*[,;&]\s*|\s+(?:and|und|et|og|och)\s+")


def parse_ninjs(data: bytes) -> ParsedStory:
    """Read a ninjs 1.x, 2.x or 3.x document into a story; its ``uri`` is its identity.

    Raise ``ParseError`` for what is not JSON, not ninjs, or not a publishable story
    (no headline, a planning item, an item its provider withdrew).
    """
    text = _decode(data)
    try:
        document = json.loads(text)
        doc = _lower_keys(document)
    except json.JSONDecodeError as error:
        raise ParseError(f"not JSON: {error}") from None
    except RecursionError:
        raise ParseError("not a story: the JSON is nested too deeply") from None
    if not isinstance(doc, dict):
        kind = type(document).__name__
        raise ParseError(f"not a ninjs document: the JSON is a {kind}, not an object")
    uri = doc.get("uri")
    if not isinstance(uri, str) or not uri.strip():
        raise ParseError('not a ninjs document: no "uri", which every ninjs item has')
    standard = doc.get("standard") or doc.get("$standard")
    if isinstance(standard, dict) and standard.get("name") not in (None, "ninjs"):
        raise ParseError(f"not a ninjs document: the standard is {standard['name']!r}")
    kind = doc.get("type")
    if kind in NOT_STORIES:
        raise ParseError(f"a ninjs {kind} item describes no story")
    if doc.get("pubstatus") in WITHDRAWN:
        raise ParseError(f"the provider marked this item {doc['pubstatus']!r}")

    leftovers: list[str] = []
    headlines = collect(doc, "headlines", "headline")
    main = pick(headlines, lambda role: role in ("", "main")) or pick(
        headlines, lambda role: role not in KICKER_ROLES
    )
    if main is None or not plain(main):
        raise ParseError("no headline: the document has no headline text")
    kicker = pick(headlines, lambda role: role in KICKER_ROLES)
    for item in headlines:
        if item not in (main, kicker):
            leftovers.append(f"Headline ({item.role or 'other'}): {plain(item)}")

    is_picture = kind in PICTURE_TYPES
    descriptions = collect(doc, "descriptions", "description")
    summary = pick(descriptions, lambda role: role not in PHOTO_ROLES)
    for item in descriptions:
        used_by_photo = is_picture and item.role in PHOTO_ROLES
        if item is not summary and not used_by_photo:
            leftovers.append(f"Description ({item.role or 'other'}): {plain(item)}")
    for name, label in (("ednote", "Editorial note"), ("usageterms", "Usage terms")):
        if _string(doc, name):
            leftovers.append(f"{label}: {_string(doc, name)}")

    paragraphs = body_paragraphs(collect(doc, "bodies", "body"))
    standfirst = plain(summary) if summary else ""
    headline = plain(main)
    bylines, by_agencies = _bylines(doc)
    agency = _agency(doc) or (by_agencies[0] if by_agencies else "")
    photos = ([_photo(doc)] if is_picture else []) + [
        _photo(item) for item in _associations(doc) if _is_picture(item)
    ]
    content = "\n\n".join([headline, standfirst, *paragraphs])
    language = _string(doc, "language").lower() or detect_language(content)
    return ParsedStory(
        headline=headline,
        standfirst=standfirst,
        paragraphs=paragraphs,
        photos=photos,
        agency=agency,
        leftovers=leftovers,
        date_in_text=find_date("\n\n".join([standfirst, *paragraphs])),
        language=language,
        text=text,
        source_ref=uri.strip(),
        source_version=_version(doc),
        bylines=bylines,
        tags=_tags(doc),
        published_at=_datetime(doc, "firstcreated") or _datetime(doc, "versioncreated"),
        dateline=_string(doc, "located"),
        kicker=plain(kicker) if kicker else "",
        format="ninjs",
    )


def _version(doc: dict) -> str:
    """Return the item's ``version``, else the time of this version."""
    version = normalise_version(doc.get("version"))
    if version:
        return version
    created = doc.get("versioncreated")
    return normalise_version(created) if isinstance(created, str) else ""


def _decode(data: bytes) -> str:
    """Return the JSON text: UTF-8 (with or without BOM), or UTF-16/32 as RFC 8259."""
    if not data.strip():
        raise ParseError("empty file")
    encoding = json.detect_encoding(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ParseError(
            f"not JSON text: byte {error.start} is not {encoding} (JSON is UTF-8)"
        ) from None


def _lower_keys(value):
    """Lower-case every property name, so 3.x camelCase reads like 2.x."""
    if isinstance(value, dict):
        return {str(key).lower(): _lower_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_lower_keys(item) for item in value]
    return value


def _string(doc: dict, name: str) -> str:
    value = doc.get(name)
    return value.strip() if isinstance(value, str) else ""


def _datetime(doc: dict, name: str) -> datetime | None:
    """Read an ISO 8601 date-time as an aware datetime (UTC when no offset is given)."""
    value = doc.get(name)
    if value is None or value == "":
        return None
    try:
        when = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        when = None
    if when is None:
        raise ParseError(f"{name} is not an ISO 8601 date-time: {value!r}")
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _bylines(doc: dict) -> tuple[list[ParsedByline], list[str]]:
    """Return the bylines, and agencies the byline statement names ("…, dpa").

    Authors listed in ``people`` (with a relationship such as "author") are the
    names, the ``by``/``byline`` statement gives their roles; without them, the
    statement gives both ("By Ann Smith; Additional reporting by Cy Young").
    """
    statement = _string(doc, "by") or _string(doc, "byline")
    groups = [group for group in re.split(r"\s*[;\n]\s*", statement) if group]
    known = {name.casefold() for name in (_agency(doc), *CANONICAL_AGENCY) if name}
    named: list[ParsedByline] = []
    agencies: list[str] = []
    for group in groups:
        role, names = _split_role(group)
        for name in NAME_SEPARATORS.split(names):
            name = " ".join(name.split())
            if name.casefold() in known:
                agencies.append(CANONICAL_AGENCY.get(name.casefold(), name))
            elif name:
                named.append(ParsedByline(name=name, role=role))
    people = [
        " ".join(person["name"].split())
        for person in objects(doc.get("people"))
        if str(person.get("rel", "")).lower() in AUTHOR_RELS
        and isinstance(person.get("name"), str)
        and person["name"].strip()
    ]
    if people:
        named = [ParsedByline(name, _role_of(name, groups, people)) for name in people]
    return list(dict.fromkeys(named)), agencies


def _role_of(name: str, groups: list[str], people: list[str]) -> str:
    """Return the words before the first author named in ``name``'s byline group."""
    for group in groups:
        if name in group:
            start = min(group.find(other) for other in people if other in group)
            return group[:start].strip() or "By"
    return "By"


def _split_role(group: str) -> tuple[str, str]:
    """Split "Additional reporting by Cy Young" into its role and its names."""
    words = group.split()
    if len(words) > 1 and words[0].casefold() in LEADING_BY_WORDS:
        return words[0][0].upper() + words[0][1:], " ".join(words[1:])
    for n, word in enumerate(words[1:-1], start=1):
        if word.casefold() == "by":
            return " ".join(words[: n + 1]), " ".join(words[n + 1 :])
        if not word[0].islower():
            break
    return "By", group


def _agency(doc: dict) -> str:
    """Name the agency: the info source that originated the item, else the copyright
    holder. (In NewsML-G2, an info source without a role originated the content.)"""
    for source in objects(doc.get("infosources")) + objects(doc.get("infosource")):
        name = source.get("name")
        if isinstance(name, str) and name.strip() and not source.get("role"):
            return name.strip()
    return _string(doc, "copyrightholder")


def _tags(doc: dict) -> list[str]:
    """Return subject names, keywords, and the people, organisations, places and
    things the story is about, once each (first spelling kept), in order.

    People the document names as its authors are bylines, not tags.
    """
    names = []
    for plural, singular in ENTITY_PROPERTIES:
        for entity in objects(doc.get(plural)) + objects(doc.get(singular)):
            if str(entity.get("rel") or "").lower() not in AUTHOR_RELS:
                names.append(entity.get("name"))
        if plural == "subjects":
            keywords = doc.get("keywords")
            names += keywords if isinstance(keywords, list) else []
    tags: dict[str, str] = {}
    for name in names:
        if isinstance(name, str) and name.strip():
            tags.setdefault(" ".join(name.split()).casefold(), " ".join(name.split()))
    return list(tags.values())


def _associations(doc: dict) -> list[dict]:
    """Return the associated items: a list in 2.x/3.x, an object by name in 1.x."""
    associations = doc.get("associations")
    if isinstance(associations, dict):
        return [item for item in associations.values() if isinstance(item, dict)]
    return objects(associations)


def _renditions(item: dict) -> list[dict]:
    renditions = item.get("renditions")
    if isinstance(renditions, dict):
        return [value for value in renditions.values() if isinstance(value, dict)]
    return objects(renditions)


def _is_picture(item: dict) -> bool:
    """Tell a picture (or graphic) from associated text, audio or video."""
    if "type" in item:
        return item["type"] in PICTURE_TYPES
    return any(
        _content_type(rendition).startswith("image/") for rendition in _renditions(item)
    )


def _content_type(rendition: dict) -> str:
    return str(rendition.get("contenttype") or rendition.get("mimetype") or "").lower()


def _is_image_type(content_type: str) -> bool:
    """Tell whether a rendition is an image; one without a content type may be."""
    return not content_type or content_type.startswith("image/")


def _photo(item: dict) -> ParsedPhoto:
    """Read a picture: caption and credit from its descriptions (AP's "caption" and
    "creditline" roles), else its headline and its by-line/copyright holder."""
    descriptions = collect(item, "descriptions", "description")
    caption = pick(descriptions, lambda role: role in CAPTION_ROLES) or pick(
        descriptions, lambda role: role not in PHOTO_ROLES
    )
    headline = pick(collect(item, "headlines", "headline"), lambda role: True)
    credit = pick(descriptions, lambda role: role in CREDIT_ROLES)
    alt_text = pick(descriptions, lambda role: role in ALT_TEXT_ROLES)
    makers = [_string(item, "by") or _string(item, "byline")]
    makers.append(_string(item, "copyrightholder"))
    return ParsedPhoto(
        caption=plain(caption) if caption else (plain(headline) if headline else ""),
        credit=plain(credit)
        if credit
        else "/".join(dict.fromkeys(filter(None, makers))),
        alt_text=plain(alt_text) if alt_text else "",
        copyright=_string(item, "copyrightnotice"),
        href=_largest_href(_renditions(item)),
        source_ref=_string(item, "uri"),
    )


def _largest_href(renditions: list[dict]) -> str:
    """Return the address of the biggest image rendition (by pixels, then bytes).

    Renditions of another kind (AP sends its caption as NITF among them) are skipped.
    """

    def size(rendition: dict) -> tuple[float, float]:
        width, height, size = (
            value if isinstance(value, int | float) else 0
            for value in map(rendition.get, ("width", "height", "sizeinbytes"))
        )
        return width * height, size

    images = [
        rendition
        for rendition in renditions
        if isinstance(rendition.get("href"), str)
        and rendition["href"].strip()
        and _is_image_type(_content_type(rendition))
    ]
    return max(images, key=size)["href"].strip() if images else ""
