"""Read and write IPTC ninjs (News in JSON): bytes in, plain data out, and back.

``parse_ninjs`` reads the three generations of the standard: 1.x (``headline``,
``body_text``/``body_xhtml``, ``byline``, ``subject``, associations as an object),
2.x (``headlines``/``bodies``/``descriptions`` lists, ``by``, ``subjects``,
associations as a list) and 3.x (2.x in camelCase: ``versionCreated``,
``contentType``). ``to_ninjs`` writes ninjs 2.1, the version of IPTC's current
example documents, valid against ``ninjs-schema_2.1.json``.

As in the plain-text parser, nothing a reporter wrote may be lost: HTML bodies keep
all their text, and text that fits no slot (editorial notes, extra headlines) goes
to ``leftovers`` for an editor.
"""

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils.encoding import iri_to_uri

from articles.models import Article, ArticlePhoto
from photos.renditions import (
    output_size,
    rendition_url,
    source_size,
    spec_name,
    srcset_widths,
)

from .data import ParsedByline, ParsedPhoto, ParsedStory, ParseError
from .plaintext import CANONICAL_AGENCY, detect_language, find_date

NINJS_VERSION = "2.1"
SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"
PICTURE_TYPES = {"picture", "graphic"}
NOT_STORIES = {"event", "planning"}  # ninjs 3 types that describe no content
WITHDRAWN = {"canceled", "withheld"}
CAPTION_ROLES = {"caption"}
CREDIT_ROLES = {"creditline", "credit"}
ALT_TEXT_ROLES = {"alttext", "alt", "alt_text", "alt-text"}
PHOTO_ROLES = CAPTION_ROLES | CREDIT_ROLES | ALT_TEXT_ROLES
KICKER_ROLES = {"kicker", "overline"}
AUTHOR_RELS = {"author", "creator", "by", "byline"}
HTML_TYPES = {"text/html", "application/xhtml+xml"}
# The parts of a 1.x property name such as ``body_xhtml`` that name a format.
HTML_FORMATS = {"html", "xhtml"}
TEXT_FORMATS = {"text", "plain"}
LOOKS_LIKE_HTML = re.compile(r"<(p|br|div|h[1-6]|body|section|span|a|b|i|em)\b", re.I)
# "By", "Von", "Par"… open a byline; in English a longer role ends with "by".
LEADING_BY_WORDS = {"by", "von", "par", "por", "av", "door", "بقلم"}
NAME_SEPARATORS = re.compile(r"\s*[,;&]\s*|\s+(?:and|und|et|og|och)\s+")
# A picture's renditions for other sites: the whole picture, uncropped, as JPEG.
RENDITION_RATIO, RENDITION_FORMAT = "free", "jpg"


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
    headlines = _texts(doc, "headlines", "headline")
    main = _pick(headlines, lambda role: role in ("", "main")) or _pick(
        headlines, lambda role: role not in KICKER_ROLES
    )
    if main is None or not _plain(main):
        raise ParseError("no headline: the document has no headline text")
    kicker = _pick(headlines, lambda role: role in KICKER_ROLES)
    for item in headlines:
        if item not in (main, kicker):
            leftovers.append(f"Headline ({item.role or 'other'}): {_plain(item)}")

    is_picture = kind in PICTURE_TYPES
    descriptions = _texts(doc, "descriptions", "description")
    summary = _pick(descriptions, lambda role: role not in PHOTO_ROLES)
    for item in descriptions:
        used_by_photo = is_picture and item.role in PHOTO_ROLES
        if item is not summary and not used_by_photo:
            leftovers.append(f"Description ({item.role or 'other'}): {_plain(item)}")
    for name, label in (("ednote", "Editorial note"), ("usageterms", "Usage terms")):
        if _string(doc, name):
            leftovers.append(f"{label}: {_string(doc, name)}")

    paragraphs = _body(_texts(doc, "bodies", "body"))
    standfirst = _plain(summary) if summary else ""
    headline = _plain(main)
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
        bylines=bylines,
        tags=_tags(doc),
        published_at=_datetime(doc, "firstcreated") or _datetime(doc, "versioncreated"),
        dateline=_string(doc, "located"),
        kicker=_plain(kicker) if kicker else "",
        format="ninjs",
    )


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


@dataclass(frozen=True)
class _Text:
    """One headline, description or body: its role, its value, and whether HTML."""

    role: str
    value: str
    html: bool


def _texts(doc: dict, plural: str, singular: str) -> list[_Text]:
    """Collect the 2.x/3.x list (``headlines``) or the 1.x properties (``headline``,
    ``headline_*``), in document order."""
    texts = []
    for item in _objects(doc.get(plural)):
        value = item.get("value")
        if not isinstance(value, str):
            continue
        role = str(item.get("role") or "").lower()
        content_type = str(item.get("contenttype") or "").split(";")[0].strip().lower()
        if content_type:
            html = content_type in HTML_TYPES
        else:
            html = role in HTML_FORMATS or bool(LOOKS_LIKE_HTML.search(value))
        texts.append(_Text(role, value, html))
    for key, value in doc.items():
        if not isinstance(value, str):
            continue
        if key == singular:
            texts.append(_Text("", value, False))
        elif key.startswith(f"{singular}_"):
            parts = key[len(singular) + 1 :].split("_")
            role = "_".join(p for p in parts if p not in HTML_FORMATS | TEXT_FORMATS)
            html = any(part in HTML_FORMATS for part in parts)
            texts.append(_Text(role, value, html))
    return texts


def _pick(texts: list[_Text], wanted) -> _Text | None:
    return next((text for text in texts if wanted(text.role) and text.value), None)


def _plain(text: _Text) -> str:
    """Return the text on one line, tags dropped."""
    paragraphs = html_paragraphs(text.value) if text.html else [text.value]
    return " ".join(" ".join(paragraphs).split())


def _body(bodies: list[_Text]) -> list[str]:
    """Return the body's paragraphs: plain text, unless only HTML keeps them apart.

    Providers often send one body twice, as plain text and as HTML; the plain text
    may have lost its paragraph breaks (IPTC's own examples do), the markup not.
    """
    plain = next((body for body in bodies if not body.html and body.value), None)
    markup = next((body for body in bodies if body.html and body.value), None)
    if plain is not None:
        paragraphs = plain_paragraphs(plain.value)
        if len(paragraphs) > 1 or markup is None:
            return paragraphs
    return html_paragraphs(markup.value) if markup else []


def plain_paragraphs(text: str) -> list[str]:
    """Split plain text at blank lines; text without any has one paragraph a line."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    blocks = [block for block in blocks if block]
    if len(blocks) == 1:
        return blocks[0]
    return ["\n".join(block) for block in blocks]


class _TextExtractor(HTMLParser):
    """Collect the text of HTML as paragraphs: blocks and ``<br>`` end one."""

    BLOCKS = {
        "address", "article", "aside", "blockquote", "body", "br", "dd", "div", "dl",
        "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
        "tr", "ul",
    }  # fmt: skip
    CELLS = {"td", "th"}
    INVISIBLE = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.INVISIBLE:
            self._hidden += 1
        elif tag in self.BLOCKS:
            self._flush()
        elif tag in self.CELLS:
            self._parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.INVISIBLE:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._parts.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = " ".join("".join(self._parts).split())
        self._parts = []
        if text:
            self.paragraphs.append(text)


def html_paragraphs(markup: str) -> list[str]:
    """Return the text of ``markup`` as paragraphs, whitespace collapsed as browsers do.

    Every character of text survives; only tags, comments and scripts go.
    """
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    return extractor.paragraphs


def _objects(value) -> list[dict]:
    """Return the objects of a JSON array; anything else holds none."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


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
        for person in _objects(doc.get("people"))
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
    for source in _objects(doc.get("infosources")) + _objects(doc.get("infosource")):
        name = source.get("name")
        if isinstance(name, str) and name.strip() and not source.get("role"):
            return name.strip()
    return _string(doc, "copyrightholder")


def _tags(doc: dict) -> list[str]:
    """Return subject names and keywords, once each (first spelling kept), in order."""
    names = [
        subject.get("name")
        for subject in _objects(doc.get("subjects")) + _objects(doc.get("subject"))
    ]
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
    return _objects(associations)


def _renditions(item: dict) -> list[dict]:
    renditions = item.get("renditions")
    if isinstance(renditions, dict):
        return [value for value in renditions.values() if isinstance(value, dict)]
    return _objects(renditions)


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
    descriptions = _texts(item, "descriptions", "description")
    caption = _pick(descriptions, lambda role: role in CAPTION_ROLES) or _pick(
        descriptions, lambda role: role not in PHOTO_ROLES
    )
    headline = _pick(_texts(item, "headlines", "headline"), lambda role: True)
    credit = _pick(descriptions, lambda role: role in CREDIT_ROLES)
    alt_text = _pick(descriptions, lambda role: role in ALT_TEXT_ROLES)
    makers = [_string(item, "by") or _string(item, "byline")]
    makers.append(_string(item, "copyrightholder"))
    return ParsedPhoto(
        caption=_plain(caption) if caption else (_plain(headline) if headline else ""),
        credit=_plain(credit)
        if credit
        else "/".join(dict.fromkeys(filter(None, makers))),
        alt_text=_plain(alt_text) if alt_text else "",
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


# Export ------------------------------------------------------------------------------


def to_ninjs(article: Article, *, base_url: str) -> dict:
    """Return ``article`` as a ninjs 2.1 document; links are absolute on ``base_url``.

    Reads only prefetched relations (``Article.objects.with_relations()``), so a list
    of stories costs no query per story.
    """
    base = base_url.rstrip("/")
    document = {
        "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": SCHEMA_URI},
        "uri": article_uri(article, base_url=base),
        "type": "text",
        "representationtype": "full",
        "version": str(article.version),
        "firstcreated": _iso(article.published_at),
        "versioncreated": _iso(max(article.published_at, article.updated_at)),
        "pubstatus": "usable",
        "language": article.language,
        "slugline": article.slug,
        "headlines": [{"role": "main", "value": article.headline}],
    }
    if article.kicker:
        document["headlines"].append({"role": "kicker", "value": article.kicker})
    if article.dateline:
        document["located"] = article.dateline
    if article.standfirst:
        document["descriptions"] = [
            {
                "role": "summary",
                "contenttype": "text/plain",
                "value": article.standfirst,
            }
        ]
    body = "\n\n".join(article.paragraphs)
    if body:
        document["bodies"] = [
            {
                "contenttype": "text/plain",
                "charcount": len(body),
                "wordcount": len(body.split()),
                "value": body,
            }
        ]
    groups = article.byline_groups
    if groups or article.agency:
        document["by"] = (
            "; ".join(
                f"{role} {_join_names([author.name for author in authors])}"
                for role, authors in groups
            )
            or article.agency
        )
    authors = {byline.author.pk: byline.author for byline in article.bylines.all()}
    if authors:
        document["people"] = [
            {
                "name": author.name,
                "rel": "author",
                "uri": _absolute(base, author.get_absolute_url()),
            }
            for author in authors.values()
        ]
    if article.agency:
        # An info source without a role is the party that originated the content.
        document["infosources"] = [{"name": article.agency}]
    tags = sorted(article.tags.all(), key=lambda tag: (tag.name.casefold(), tag.pk))
    if tags:
        document["subjects"] = [
            {
                "name": tag.name,
                "rel": "about",
                "uri": _absolute(base, reverse("articles:tag", args=[tag.slug])),
            }
            for tag in tags
        ]
    uses = sorted(article.article_photos.all(), key=lambda use: not use.is_lead)
    if uses:
        document["associations"] = [
            _picture(use, n, base) for n, use in enumerate(uses, start=1)
        ]
    document["renditions"] = [
        {
            "name": "web",
            "title": "The story on the website",
            "contenttype": "text/html",
            "href": _absolute(base, article.get_absolute_url()),
        }
    ]
    return document


def article_uri(article: Article, *, base_url: str) -> str:
    """Return the story's permanent identifier, a tag URI (RFC 4151).

    Built from the site's host, the year the story was created and its id, so it
    survives edits of the headline, slug or publication date that change the page
    address; it identifies, it is not a link (the "web" rendition is).
    """
    return _tag_uri(base_url, article.created_at, f"article:{article.pk}")


def _tag_uri(base_url: str, created: datetime, specific: str) -> str:
    host = urlsplit(base_url).hostname or "localhost"
    return f"tag:{host},{created.astimezone(UTC).year}:{specific}"


def _picture(use: ArticlePhoto, n: int, base: str) -> dict:
    """Return a photo as an associated picture item: caption, credit, renditions."""
    photo = use.photo
    descriptions = [
        {"role": role, "value": value}
        for role, value in (
            ("caption", use.caption),
            ("creditline", photo.credit),
            ("alttext", photo.alt_text),
        )
        if value
    ]
    picture = {
        "name": f"picture-{n}",
        "uri": _tag_uri(base, photo.created_at, f"photo:{photo.pk}"),
        "type": "picture",
    }
    if descriptions:
        picture["descriptions"] = descriptions
    if photo.copyright:
        picture["copyrightnotice"] = photo.copyright
    size = source_size(photo) if photo.image else None
    if size is not None:
        picture["renditions"] = [
            _rendition(photo, base, size, spec_width, real_width)
            for spec_width, real_width in srcset_widths(photo, RENDITION_RATIO)
        ]
    return picture


def _rendition(photo, base: str, size, spec_width: int, real_width: int) -> dict:
    width, height = output_size(*size, RENDITION_RATIO, spec_width)
    return {
        "name": spec_name(RENDITION_RATIO, spec_width, RENDITION_FORMAT),
        "href": _absolute(
            base,
            rendition_url(photo, RENDITION_RATIO, spec_width, RENDITION_FORMAT),
        ),
        "contenttype": "image/jpeg",
        "width": width,
        "height": height,
    }


def _join_names(names: list[str]) -> str:
    """Join names as a byline reads: "A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _absolute(base: str, path: str) -> str:
    return iri_to_uri(f"{base}{path}")


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")
