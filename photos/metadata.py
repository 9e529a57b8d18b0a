"""Read the caption, credit and copyright that agencies embed in photo files.

Pure functions over an open Pillow image: no database, no settings. Sources, in order
of trust: IPTC-IIM (the APP13 block agencies still write), EXIF, then XMP.
"""

import re
import warnings
from dataclasses import dataclass, field

from PIL import Image, IptcImagePlugin

# IPTC-IIM record 2 datasets.
IPTC_CAPTION = (2, 120)
IPTC_BYLINE = (2, 80)
IPTC_CREDIT = (2, 110)
IPTC_COPYRIGHT = (2, 116)

# EXIF IFD0 tags.
EXIF_DESCRIPTION = 0x010E
EXIF_ARTIST = 0x013B
EXIF_COPYRIGHT = 0x8298

_DC = "{http://purl.org/dc/elements/1.1/}"
_PHOTOSHOP = "{http://ns.adobe.com/photoshop/1.0/}"
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# What cameras write in ImageDescription when nobody typed a caption.
_CAMERA_DEFAULT_CAPTIONS = {
    "default",
    "dcim",
    "digital camera",
    "olympus digital camera",
    "sony dsc",
    "samsung",
    "exif_jpeg_picture",
    "minolta digital camera",
    "kodak digital still camera",
    "image",
    "picture",
}

# IPTC allows 2,000 bytes for a caption; anything far longer is junk, not a caption.
_MAX_VALUE_LENGTH = 4000
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class EmbeddedMetadata:
    """What a photo file says about itself, ready to prefill the editor's form."""

    caption: str = ""
    credit: str = ""
    copyright: str = ""
    # Every label → value that was read, to show the editor (JSON-serialisable).
    fields: dict[str, str] = field(default_factory=dict)


def read_metadata(image: Image.Image) -> EmbeddedMetadata:
    """Read caption, credit and copyright from IPTC, EXIF and XMP.

    Never raise for damaged metadata: a field that cannot be read is left out. Call
    it after ``image.load()`` so that PNG text chunks after the pixels are seen.
    """
    iptc = _read_iptc(image)
    exif = _read_exif(image)
    xmp = _read_xmp(image)
    fields = {
        label: value
        for label, value in (
            ("IPTC Caption-Abstract", iptc.get(IPTC_CAPTION, "")),
            ("IPTC By-line", iptc.get(IPTC_BYLINE, "")),
            ("IPTC Credit", iptc.get(IPTC_CREDIT, "")),
            ("IPTC Copyright Notice", iptc.get(IPTC_COPYRIGHT, "")),
            ("EXIF ImageDescription", exif.get(EXIF_DESCRIPTION, "")),
            ("EXIF Artist", exif.get(EXIF_ARTIST, "")),
            ("EXIF Copyright", exif.get(EXIF_COPYRIGHT, "")),
            ("XMP dc:description", xmp.get("description", "")),
            ("XMP dc:creator", xmp.get("creator", "")),
            ("XMP photoshop:Credit", xmp.get("Credit", "")),
            ("XMP dc:rights", xmp.get("rights", "")),
        )
        if value
    }

    exif_caption = exif.get(EXIF_DESCRIPTION, "")
    if exif_caption.strip(" .").lower() in _CAMERA_DEFAULT_CAPTIONS:
        exif_caption = ""
    caption = _first(iptc.get(IPTC_CAPTION), exif_caption, xmp.get("description"))
    # The photographer and the agency can come from different blocks: a camera
    # writes EXIF Artist, the agency adds IPTC Credit. Each part keeps the order
    # IPTC → EXIF → XMP.
    byline = _first(iptc.get(IPTC_BYLINE), exif.get(EXIF_ARTIST), xmp.get("creator"))
    agency = _first(iptc.get(IPTC_CREDIT), xmp.get("Credit"))
    copyright_ = _first(
        iptc.get(IPTC_COPYRIGHT), exif.get(EXIF_COPYRIGHT), xmp.get("rights")
    )
    return EmbeddedMetadata(
        caption=caption,
        credit=combine_credit(byline, agency),
        copyright=copyright_,
        fields=fields,
    )


def combine_credit(byline: str, agency: str) -> str:
    """Join a photographer and an agency as newsrooms print them: "John Smith/AFP".

    When one already contains the other ("John Smith/AFP" and "AFP"), keep the
    longer; when they are the same, keep one.
    """
    byline, agency = byline.strip(), agency.strip()
    if not byline or not agency:
        return byline or agency
    if _contains_words(byline, agency):
        return byline
    if _contains_words(agency, byline):
        return agency
    return f"{byline}/{agency}"


def clean_text(value: str) -> str:
    """Strip NULs, control characters and surrounding whitespace; keep line breaks."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL_CHARS.sub("", value).strip()
    return value[:_MAX_VALUE_LENGTH]


def decode_text(data: bytes) -> str:
    """Decode embedded text as UTF-8, falling back to Latin-1 (which never fails)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _contains_words(text: str, part: str) -> bool:
    """Tell whether ``part`` appears in ``text`` as whole words ("AP" ≠ "Japan")."""
    pattern = rf"(?<!\w){re.escape(part)}(?!\w)"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def _first(*values: str | None) -> str:
    return next((value for value in values if value), "")


def _read_iptc(image: Image.Image) -> dict[tuple[int, int], str]:
    wanted = (IPTC_CAPTION, IPTC_BYLINE, IPTC_CREDIT, IPTC_COPYRIGHT)
    try:
        # Only JPEG and TIFF carry IPTC for Pillow; others give None. A damaged
        # block raises SyntaxError or OSError, which must not refuse the photo.
        info = IptcImagePlugin.getiptcinfo(image)  # type: ignore[arg-type]
    except Exception:
        return {}
    if not info:
        return {}
    found = {}
    for key in wanted:
        raw = info.get(key)
        values = raw if isinstance(raw, list) else [raw]
        parts = [clean_text(decode_text(v)) for v in values if isinstance(v, bytes)]
        # Repeated datasets (several By-lines) are joined; duplicates dropped.
        text = ", ".join(dict.fromkeys(part for part in parts if part))
        if text:
            found[key] = text
    return found


def _read_exif(image: Image.Image) -> dict[int, str]:
    try:
        exif = image.getexif()
    except Exception:
        return {}
    found = {}
    for tag in (EXIF_DESCRIPTION, EXIF_ARTIST, EXIF_COPYRIGHT):
        value = exif.get(tag)
        if isinstance(value, bytes):
            text = decode_text(value)
        elif isinstance(value, str):
            # Pillow decodes EXIF ASCII as Latin-1; most tools really write UTF-8.
            try:
                text = value.encode("latin-1").decode("utf-8")
            except UnicodeError:
                text = value
        else:
            continue
        # EXIF Copyright may hold "photographer\0editor": keep both parts.
        parts = [clean_text(part) for part in text.split("\x00")]
        text = "; ".join(part for part in parts if part)
        if text:
            found[tag] = text
    return found


def _read_xmp(image: Image.Image) -> dict[str, str]:
    if "xmp" not in image.info:
        return {}
    try:
        with warnings.catch_warnings():
            # Without defusedxml Pillow warns and returns {}: nothing to read then.
            warnings.simplefilter("ignore")
            tree = image.getxmp(strip_namespaces=False)
    except Exception:  # malformed XML, or entities defusedxml forbids
        return {}
    wanted = {
        _DC + "description": "description",
        _DC + "creator": "creator",
        _PHOTOSHOP + "Credit": "Credit",
        _DC + "rights": "rights",
    }
    found: dict[str, str] = {}
    for key, value in _walk(tree):
        label = wanted.get(key)
        if label and label not in found:
            text = clean_text(_xmp_text(value))
            if text:
                found[label] = text
    return found


def _walk(node: object):
    """Yield every (key, value) pair of a nested getxmp() tree, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _xmp_text(value: object) -> str:
    """Flatten an XMP property: a plain value, an rdf:Alt, or an rdf:Seq/rdf:Bag."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(text for text in map(_xmp_text, value) if text)
    if not isinstance(value, dict):
        return ""
    if _RDF + "Alt" in value:
        items = _items(value[_RDF + "Alt"])
        default = [i for i in items if isinstance(i, dict) and _is_default_lang(i)]
        return _xmp_text((default or items or [""])[0])
    for container in ("Seq", "Bag"):
        if _RDF + container in value:
            return _xmp_text(_items(value[_RDF + container]))
    text = value.get("text")
    return text if isinstance(text, str) else ""


def _items(container: object) -> list:
    if not isinstance(container, dict):
        return []
    items = container.get(_RDF + "li", [])
    return items if isinstance(items, list) else [items]


def _is_default_lang(item: dict) -> bool:
    return item.get(_XML_LANG) == "x-default"
