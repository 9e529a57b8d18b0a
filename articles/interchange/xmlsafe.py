"""Read untrusted XML safely, and the small helpers the XML parsers share.

Every XML document goes through ``parse_xml``, built on defusedxml. Agencies often
name the NITF or NewsML DTD in a document type declaration
(``<!DOCTYPE nitf SYSTEM "nitf-3-4.dtd">``): that is harmless, because the DTD is
never fetched or read, so it is accepted. What a DTD could do is refused, with the
reason: an internal subset (``<!DOCTYPE nitf [ … ]>``), where entities are declared
("billion laughs" expansion bombs, external entities that read files or URLs, XXE),
and any entity declaration or external reference at all.
"""

import codecs
import re
from collections.abc import Iterable
from datetime import datetime
from xml.etree.ElementTree import Element, TreeBuilder

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, fromstring
from defusedxml.ElementTree import ParseError as XMLSyntaxError

from .data import ParseError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ENCODING_DECLARATION = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([\w.:-]+)[\"']")
XML_SPACE = re.compile(r"[ \t\r\n]+")  # XML whitespace only: a no-break space stays
# Elements that start on a new line when rendered, so their words never run together.
BLOCK_SEPARATED = frozenset(
    {"br", "p", "li", "dt", "dd", "tr", "td", "th", "caption", "hl2"}
    | {"name.given", "name.family", "div", "h1", "h2", "h3", "h4", "h5", "h6"}
)


ENTITY_REFUSAL = "refused: the XML declares entities, and IPTC imports accept none"


class _NamedDTDParser(DefusedXMLParser):
    """Accept a document type declaration that only names an external DTD.

    expat reads no external DTD unless asked to (ElementTree never asks), so
    naming one fetches nothing; an internal subset is refused before any of it is
    read.
    """

    def defused_start_doctype_decl(self, name, sysid, pubid, has_internal_subset):
        if has_internal_subset:
            raise DTDForbidden(name, sysid, pubid)


def parse_xml(data: bytes) -> Element:
    """Parse ``data``: no internal DTD subset, no entities, no external references."""
    if not data.strip():
        raise ParseError("empty file")
    parser = _NamedDTDParser(
        target=TreeBuilder(),
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )
    try:
        parser.feed(data)
        return parser.close()
    except DTDForbidden as error:
        raise ParseError(_dtd_refusal(data, error)) from None
    except EntitiesForbidden as error:  # declared only in a subset: defence in depth
        raise ParseError(_entity_refusal(ENTITY_REFUSAL, error)) from None
    except ExternalReferenceForbidden as error:
        reason = f"{ENTITY_REFUSAL}: it refers to an external resource ({error.sysid})"
        raise ParseError(reason) from None
    except XMLSyntaxError as error:
        raise ParseError(f"not well-formed XML: {error}") from None


def _dtd_refusal(data: bytes, error: DTDForbidden) -> str:
    """Say what the refused internal subset holds, so the reason is concrete.

    Parsing again with entity declarations forbidden stops at the first one, before
    any could be expanded or fetched, so this look is as safe as the first.
    """
    external = f' SYSTEM "{error.sysid}"' if error.sysid else ""
    refusal = f"refused: the XML has a DTD (<!DOCTYPE {error.name}{external} [...]>)"
    refusal += " with an internal subset, and IPTC imports accept no DTD declarations"
    try:
        fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except EntitiesForbidden as entity:
        return _entity_refusal(refusal, entity)
    except ExternalReferenceForbidden as reference:
        return f"{refusal}: it refers to an external resource ({reference.sysid})"
    except (XMLSyntaxError, ValueError):
        pass
    return f"{refusal}: DTDs can declare entity bombs and external entities"


def _entity_refusal(refusal: str, entity: EntitiesForbidden) -> str:
    if entity.sysid or entity.pubid:
        return (
            f"{refusal}: it declares an external entity {entity.name!r} "
            f"({entity.sysid or entity.pubid}), which would read a file or URL (XXE)"
        )
    return (
        f"{refusal}: it declares the entity {entity.name!r}, and entities can "
        'expand into gigabytes ("billion laughs")'
    )


def decode_xml(data: bytes) -> str:
    """Return the text of an XML document, decoded as its declaration says."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif match := ENCODING_DECLARATION.match(data.removeprefix(codecs.BOM_UTF8)):
        encoding = match[1].decode("ascii")
    else:
        encoding = "utf-8"
    try:
        if codecs.lookup(encoding).name == "utf-8":
            encoding = "utf-8-sig"
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError) as error:
        raise ParseError(f"the XML is not valid {encoding}: {error}") from None


def split_tag(tag: str) -> tuple[str, str]:
    """Split "{namespace}name" into its namespace ("" if none) and local name."""
    namespace, brace, name = tag[1:].partition("}") if tag[:1] == "{" else ("", "", "")
    return (namespace, name) if brace else ("", tag)


def strip_namespaces(root: Element) -> Element:
    """Rename every element to its local name, so namespaced and plain XML read alike.

    Attributes keep their names: ``xml:lang`` stays ``XML_LANG``.
    """
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = split_tag(element.tag)[1]
    return root


def clean(text: str | None) -> str:
    """Collapse runs of XML whitespace into single spaces and trim the ends."""
    return XML_SPACE.sub(" ", text or "").strip()


def flat_text(element: Element | None) -> str:
    """Return all the text inside ``element``, inline markup flattened, in order.

    Walks with an explicit stack, so absurdly deep nesting cannot exhaust recursion.
    """
    if element is None:
        return ""
    parts = [element.text or ""]
    stack = [(iter(element), "")]
    while stack:
        children, tail = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            parts.append(tail)
            continue
        if child.tag in BLOCK_SEPARATED:
            parts.append(" ")
        parts.append(child.text or "")
        stack.append((iter(child), child.tail or ""))
    return clean("".join(parts))


def find_or_empty(parent: Element, path: str) -> Element:
    """Return the element at ``path``, or an empty one, so lookups can chain."""
    found = parent.find(path)
    return Element("missing") if found is None else found


def first_text(*candidates: str | None) -> str:
    """Return the first candidate with words in it, cleaned; "" if none has any."""
    return next((clean(text) for text in candidates if clean(text)), "")


def unique(items: Iterable[str]) -> list[str]:
    """Drop empty and repeated items (ignoring case), keeping the first spelling."""
    seen: set[str] = set()
    kept = []
    for item in items:
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            kept.append(item)
    return kept


def parse_timestamp(value: str | None) -> datetime | None:
    """Read an ISO 8601 time, basic ("20050517T145000+0200") or extended.

    A time without an offset stays naive: the document does not say its zone, so
    the writer decides (the site's time zone). An unreadable value gives None.
    """
    try:
        return datetime.fromisoformat(clean(value)) if clean(value) else None
    except ValueError:
        return None
