"""Read a newsroom document into plain records, checking all of it before use.

Pure: bytes in, a ``NativeDocument`` out, ``ParseError`` naming the first fault
(``articles[3].bylines[0].author: expected text, found 12``). Nothing here touches
the database.
"""

import base64
import hashlib
import io
import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.utils import validate_file_name
from django.utils import timezone

from articles.models import Article
from photos.validation import RejectedImage, check_image

from ..data import ParseError
from .records import (
    ARTICLE_FIELDS,
    FORMAT,
    PARTS,
    PHOTO_FIELDS,
    VERSION,
    NativeDocument,
    Record,
    story_key,
)

_HEAD = re.compile(rb'\A(?:\xef\xbb\xbf)?\s*\{\s*"format"\s*:\s*"newsroom"')


def is_native(data: bytes) -> bool:
    """Tell whether ``data`` is a document written by ``export_native``."""
    if _HEAD.match(data[:256]):
        return True
    if b'"newsroom"' not in data:
        return False
    try:
        value = json.loads(data.removeprefix(b"\xef\xbb\xbf"))
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and value.get("format") == FORMAT


def parse_native(data: bytes) -> NativeDocument:
    """Read and check a whole document; raise ParseError naming the first fault.

    Every photo file is decoded from base64, checked against its SHA-256 and
    refused, as an upload would be, unless it is a complete JPEG, PNG, WebP or GIF.
    """
    try:
        raw = json.loads(data.removeprefix(b"\xef\xbb\xbf"))
    except (ValueError, RecursionError) as error:
        raise ParseError(f"not JSON: {error}") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ParseError('not a newsroom export (no "format": "newsroom")')
    if raw.get("version") != VERSION:
        raise ParseError(
            f"version {raw.get('version')!r} of the newsroom format cannot be read "
            f"here: this newsroom reads version {VERSION}"
        )
    unknown = sorted(set(raw) - {"format", "version", *PARTS})
    if unknown:
        raise ParseError(f"unknown part(s): {', '.join(unknown)}")
    parts = {part: _records(SPECS[part])(raw.get(part, []), part) for part in PARTS}
    document = NativeDocument(**parts)
    _refuse_duplicates(document)
    return document


REQUIRED = object()
Kind = Callable[[Any, str], Any]


def _fault(where: str, expected: str, value: Any) -> ParseError:
    shown = json.dumps(value, ensure_ascii=False, default=str)
    shown = shown if len(shown) <= 60 else shown[:57] + "…"
    return ParseError(f"{where}: expected {expected}, found {shown}")


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _fault(where, "text", value)
    return value


def _integer(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fault(where, "a whole number", value)
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fault(where, "a number", value)
    return float(value)


def _boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _fault(where, "true or false", value)
    return value


def _time(value: Any, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(_text(value, where))
    except ValueError:
        moment = None
    if moment is None or timezone.is_naive(moment):
        raise _fault(where, "an ISO 8601 time with its UTC offset", value)
    return moment.astimezone(UTC)


def _uid(value: Any, where: str) -> str:
    try:
        return str(uuid.UUID(_text(value, where)))
    except ValueError:
        raise _fault(where, "a UUID", value) from None


def _object(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise _fault(where, "an object", value)
    return value


def _json(value: Any, where: str) -> Any:
    return value


def _texts(value: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        raise _fault(where, "a list of texts", value)
    return [_text(item, f"{where}[{n}]") for n, item in enumerate(value)]


def _nullable(kind: Kind) -> Kind:
    return lambda value, where: None if value is None else kind(value, where)


def _records(spec: dict[str, tuple[Kind, Any]]) -> Kind:
    def read(value: Any, where: str) -> list[Record]:
        if not isinstance(value, list):
            raise _fault(where, "a list", value)
        return [_record(item, spec, f"{where}[{n}]") for n, item in enumerate(value)]

    return read


def _record(raw: Any, spec: dict[str, tuple[Kind, Any]], where: str) -> Record:
    raw = _object(raw, where)
    unknown = sorted(set(raw) - set(spec))
    if unknown:
        raise ParseError(f"{where}: unknown field(s) {', '.join(unknown)}")
    record = {}
    for field, (kind, default) in spec.items():
        if field in raw:
            record[field] = kind(raw[field], f"{where}.{field}")
        elif default is REQUIRED:
            raise ParseError(f"{where}: {field} is missing")
        else:
            record[field] = default() if callable(default) else default
    return record


def _file(value: Any, where: str) -> Record:
    """Decode a photo's file and check that it is the very file that was exported."""
    record = _record(
        value,
        {
            "name": (_text, REQUIRED),
            "sha256": (_text, REQUIRED),
            "data": (_text, REQUIRED),
        },
        where,
    )
    name = record["name"]
    try:
        validate_file_name(name, allow_relative_path=True)
    except SuspiciousFileOperation:
        raise _fault(f"{where}.name", "a relative file name", name) from None
    try:
        data = base64.b64decode(record["data"], validate=True)
    except ValueError:
        raise _fault(f"{where}.data", "base64", record["data"]) from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != record["sha256"].lower():
        raise ParseError(
            f"{where}: the file {name} is damaged: its SHA-256 is {digest}, the "
            f"document says {record['sha256']}"
        )
    limit = max(len(data), settings.PHOTO_MAX_UPLOAD_BYTES)
    try:
        check_image(io.BytesIO(data), name=name, max_bytes=limit)
    except RejectedImage as error:
        raise ParseError(f"{where}: {error}") from error
    return {"name": name, "sha256": digest, "data": data}


BYLINE = {
    "author": (_text, REQUIRED),
    "role": (_text, "By"),
    "position": (_integer, 0),
}
PHOTO_USE = {
    "photo": (_uid, REQUIRED),
    "position": (_integer, 0),
    "caption_override": (_text, ""),
    "is_lead": (_boolean, False),
}
CORRECTION = {"text": (_text, REQUIRED), "created_at": (_time, REQUIRED)}


SPECS: dict[str, dict[str, tuple[Kind, Any]]] = {
    "sections": {
        "slug": (_text, REQUIRED),
        "name": (_text, REQUIRED),
        "position": (_integer, 0),
    },
    "authors": {
        "slug": (_text, REQUIRED),
        "name": (_text, REQUIRED),
        "job_title": (_text, ""),
        "bio": (_text, ""),
    },
    "tags": {"name": (_text, REQUIRED), "slug": (_text, "")},
    "photos": {
        "uid": (_uid, REQUIRED),
        **dict.fromkeys(PHOTO_FIELDS, (_text, "")),
        "focal_x": (_number, 0.5),
        "focal_y": (_number, 0.5),
        "embedded_metadata": (_object, dict),
        "width": (_nullable(_integer), None),
        "height": (_nullable(_integer), None),
        "created_at": (_nullable(_time), None),
        "file": (_nullable(_file), None),
    },
    "articles": {
        "headline": (_text, REQUIRED),
        **{field: (_text, "") for field in ARTICLE_FIELDS if field != "headline"},
        "status": (_text, Article.Status.DRAFT.value),
        "language": (_text, "en"),
        "suggested_tags": (_json, list),
        "published_at": (_time, REQUIRED),
        "embargo_until": (_nullable(_time), None),
        "updated_significantly_at": (_nullable(_time), None),
        "created_at": (_nullable(_time), None),
        "updated_at": (_nullable(_time), None),
        "section": (_nullable(_text), None),
        "tags": (_texts, list),
        "bylines": (_records(BYLINE), list),
        "photos": (_records(PHOTO_USE), list),
        "corrections": (_records(CORRECTION), list),
        "edited_since_import": (_nullable(_boolean), None),
    },
}


def _refuse_duplicates(document: NativeDocument) -> None:
    """Refuse a document naming one thing twice: the second would overwrite it."""
    keys: dict[str, Callable[[Record], str]] = {
        "sections": lambda record: record["slug"],
        "authors": lambda record: record["slug"],
        "tags": lambda record: record["name"],
        "photos": lambda record: record["uid"],
        "articles": story_key,
    }
    for part, key in keys.items():
        seen: set[str] = set()
        for n, record in enumerate(getattr(document, part)):
            if part == "articles" and not (record["source_id"] or record["slug"]):
                raise ParseError(f"articles[{n}]: a story needs a slug or a source_id")
            if key(record) in seen:
                raise ParseError(f"{part}[{n}]: {key(record)} appears twice")
            seen.add(key(record))
    for n, record in enumerate(document.articles):
        uses = [use["photo"] for use in record["photos"]]
        if len(set(uses)) != len(uses):
            raise ParseError(f"articles[{n}].photos: a photo appears twice")
