"""Tell a file's format by its content and hand it to that format's parser.

The content decides: JSON is the newsroom's own export or ninjs, XML is NITF or
NewsML-G2 by its root element, anything else is plain text. A file name only breaks
a tie: a ``.txt`` file that starts with "{" but is no ninjs or export is plain text.

Parsers are imported when first needed, so a format whose module is missing fails
its files with a clear reason instead of breaking every import.
"""

import json
import re
from dataclasses import replace
from importlib import import_module

from .data import ParsedStory, ParseError

# Format name -> (module, parser function), in detection order.
PARSERS = {
    "native": ("articles.interchange.native", "parse_native"),
    "ninjs": ("articles.interchange.ninjs", "parse_ninjs"),
    "nitf": ("articles.interchange.nitf", "parse_nitf"),
    "newsml": ("articles.interchange.newsml", "parse_newsml"),
    "plain": ("articles.interchange.plaintext", "parse_plain_text"),
}
FORMATS = tuple(PARSERS)
NEWSML_ROOTS = {"newsitem", "newsmessage", "packageitem", "knowledgeitem"}
NEWSML_NAMESPACE = "iptc.org/std/nar/"
SNIFF_BYTES = 8192
# What may come before the root element: a declaration, comments, a doctype,
# processing instructions, whitespace.
XML_PROLOG = re.compile(
    r"(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^<>\[]|\[.*?\])*>)*", re.S | re.I
)
XML_ROOT = re.compile(r"<([\w.:-]+)([^>]*)")
BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


class FormatUnavailable(ParseError):
    """The file's format is known, but its parser is not installed."""


def detect_format(data: bytes, name: str = "") -> str:
    """Return the format of ``data``: one of ``FORMATS``; ParseError if none fits."""
    head = _head_text(data)
    start = head.lstrip()
    if start.startswith("<"):
        return _xml_format(start)
    if start.startswith(("{", "[")):
        try:
            return _json_format(data)
        except ParseError:
            # Wire copy may open with a brace; in a .txt file, that is what it is.
            if name.lower().endswith(".txt"):
                return "plain"
            raise
    return "plain"


def parse_document(data: bytes, *, name: str = "") -> ParsedStory:
    """Detect the format of ``data`` and parse it; ParseError says why it cannot."""
    return parse_as(detect_format(data, name), data)


def parse_as(format_name: str, data: bytes) -> ParsedStory:
    """Parse ``data`` with the parser of ``format_name``; the story says its format.

    The newsroom's own format is the exception: one document holds many stories
    and their sections, authors and photos, so its parser returns a
    ``NativeDocument`` for its own writer (``native.write_native``).
    """
    story = parser(format_name)(data)
    if isinstance(story, ParsedStory) and story.format != format_name:
        story = replace(story, format=format_name)
    return story


def parser(format_name: str):
    """Return the parse function of a format; FormatUnavailable if not installed."""
    module_name, function_name = PARSERS[format_name]
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        raise FormatUnavailable(
            f"{format_name} files cannot be imported yet: no {module_name} module"
        ) from None
    function = getattr(module, function_name, None)
    if function is None:
        raise FormatUnavailable(
            f"{format_name} files cannot be imported yet: {module_name} has no "
            f"{function_name}()"
        )
    return function


def source_id(story: ParsedStory, format_name: str, relative: str) -> str:
    """Return the import reference of a story: the identity it keeps across files.

    The document's own identifier when it has one (ninjs ``uri``, NITF ``doc-id``,
    NewsML-G2 ``guid``), prefixed with its format: "ninjs:urn:…". Otherwise, and
    always for plain text, the file's path relative to what was imported:
    "plain:bbc/sport/378.txt". The newsroom's own export carries the reference of
    the story it came from ("plain:…", "ninjs:…"), which is kept as it is.

    A plain-text file whose path is new but whose normalised text was imported
    before is found by that text's hash instead (see ``writer``).
    """
    reference = story.source_ref.strip()
    if not reference or format_name == "plain":
        return f"{format_name}:{relative}"
    if format_name == "native" and reference.partition(":")[0] in FORMATS:
        return reference
    return f"{format_name}:{reference}"


def _head_text(data: bytes) -> str:
    """Decode the start of ``data`` well enough to see what kind of file it is."""
    head = data[:SNIFF_BYTES]
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="replace")
    return head.decode("utf-8", errors="replace")


def _xml_format(start: str) -> str:
    """Tell NITF from NewsML-G2 by the root element (and its namespace)."""
    prolog = XML_PROLOG.match(start)
    root = XML_ROOT.match(start, prolog.end() if prolog else 0)
    if root is None:
        raise ParseError("XML, but no root element in its first 8 KB")
    local = root.group(1).rpartition(":")[2].lower()
    if local == "nitf":
        return "nitf"
    if local in NEWSML_ROOTS or NEWSML_NAMESPACE in root.group(2):
        return "newsml"
    if local == "html":
        raise ParseError("an HTML page, not a story")
    raise ParseError(
        f"XML, but neither NITF nor NewsML-G2: the root element is <{root.group(1)}>"
    )


def _json_format(data: bytes) -> str:
    """Tell the newsroom's own JSON from ninjs."""
    try:
        is_native = import_module("articles.interchange.native").is_native
    except (ModuleNotFoundError, AttributeError):
        is_native = None
    if is_native is not None and is_native(data):
        return "native"
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise ParseError(f"not valid JSON: {error}") from None
    if isinstance(document, dict) and "uri" in {str(key).lower() for key in document}:
        return "ninjs"
    raise ParseError(
        'JSON, but neither ninjs (no "uri") nor the newsroom\'s own export'
    )
