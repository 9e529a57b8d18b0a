"""The plain data every parser returns and the writer stores: one shape for all formats.

Parsers (plaintext, ninjs, NITF, NewsML-G2, the project's JSON) turn bytes into a
``ParsedStory``; only ``writer.write_story`` turns a ``ParsedStory`` into rows.
"""

from dataclasses import dataclass, field
from datetime import date, datetime


class ParseError(ValueError):
    """The file cannot be read as a story; the message says why, for a person."""


@dataclass(frozen=True)
class ParsedPhoto:
    caption: str
    credit: str
    alt_text: str = ""
    copyright: str = ""
    href: str = ""  # where the picture itself lives, when the document says so
    source_ref: str = ""  # the document's own identifier of the picture, if any


@dataclass(frozen=True)
class ParsedByline:
    name: str
    role: str = "By"


@dataclass(frozen=True)
class ParsedStory:
    headline: str
    standfirst: str
    paragraphs: list[str]
    photos: list[ParsedPhoto]
    agency: str
    leftovers: list[str]
    date_in_text: date | None
    language: str
    text: str
    headline_derived: bool = False
    source_ref: str = ""  # a stable identity from the document (ninjs uri, NITF doc-id)
    # The document's own version ("3", an ISO time, "sha256:…"): see ``versions``.
    source_version: str = ""
    bylines: list[ParsedByline] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    dateline: str = ""
    kicker: str = ""
    format: str = "plain"
