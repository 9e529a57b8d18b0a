"""The texts of a ninjs document: headlines, descriptions and bodies, plain or HTML.

ninjs 1.x spreads them over properties (``body_xhtml``, ``headline_extended``), 2.x
and 3.x over lists of objects with a role and a content type. Both read into
``Text`` items here; HTML keeps every character of text, only tags go.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

HTML_TYPES = {"text/html", "application/xhtml+xml"}
# The parts of a 1.x property name such as ``body_xhtml`` that name a format.
HTML_FORMATS = {"html", "xhtml"}
TEXT_FORMATS = {"text", "plain"}
LOOKS_LIKE_HTML = re.compile(r"<(p|br|div|h[1-6]|body|section|span|a|b|i|em)\b", re.I)


@dataclass(frozen=True)
class Text:
    """One headline, description or body: its role, its value, and whether HTML."""

    role: str
    value: str
    html: bool


def collect(doc: dict, plural: str, singular: str) -> list[Text]:
    """Collect the 2.x/3.x list (``headlines``) or the 1.x properties (``headline``,
    ``headline_*``), in document order."""
    texts = []
    for item in objects(doc.get(plural)):
        value = item.get("value")
        if not isinstance(value, str):
            continue
        role = str(item.get("role") or "").lower()
        content_type = str(item.get("contenttype") or "").split(";")[0].strip().lower()
        if content_type:
            html = content_type in HTML_TYPES
        else:
            html = role in HTML_FORMATS or bool(LOOKS_LIKE_HTML.search(value))
        texts.append(Text(role, value, html))
    for key, value in doc.items():
        if not isinstance(value, str):
            continue
        if key == singular:
            texts.append(Text("", value, False))
        elif key.startswith(f"{singular}_"):
            parts = key[len(singular) + 1 :].split("_")
            role = "_".join(p for p in parts if p not in HTML_FORMATS | TEXT_FORMATS)
            html = any(part in HTML_FORMATS for part in parts)
            texts.append(Text(role, value, html))
    return texts


def pick(candidates: list[Text], wanted) -> Text | None:
    return next((text for text in candidates if wanted(text.role) and text.value), None)


def plain(text: Text) -> str:
    """Return the text on one line, tags dropped."""
    paragraphs = html_paragraphs(text.value) if text.html else [text.value]
    return " ".join(" ".join(paragraphs).split())


def body_paragraphs(bodies: list[Text]) -> list[str]:
    """Return the body's paragraphs: plain text, unless only HTML keeps them apart.

    Providers often send one body twice, as plain text and as HTML; the plain text
    may have lost its paragraph breaks (IPTC's own examples do), the markup not.
    """
    text = next((body for body in bodies if not body.html and body.value), None)
    markup = next((body for body in bodies if body.html and body.value), None)
    if text is not None:
        paragraphs = plain_paragraphs(text.value)
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


def objects(value) -> list[dict]:
    """Return the objects of a JSON array; anything else holds none."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]
