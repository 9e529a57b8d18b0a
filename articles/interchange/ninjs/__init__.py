"""IPTC ninjs (News in JSON): read any generation of it, write 2.1.

``parse_ninjs`` (in ``parse``) turns a document into a ``ParsedStory``; ``to_ninjs``
(in ``export``) turns a story into a document for the read API and
``export_articles --format ninjs``; ``text`` reads the headlines, descriptions and
bodies both share, plain or HTML.
"""

from .export import NINJS_VERSION, SCHEMA_URI, article_uri, to_ninjs
from .parse import parse_ninjs
from .text import html_paragraphs, plain_paragraphs

__all__ = [
    "NINJS_VERSION",
    "SCHEMA_URI",
    "article_uri",
    "html_paragraphs",
    "parse_ninjs",
    "plain_paragraphs",
    "to_ninjs",
]
