"""Check uploaded photo files by decoding them, and make metadata-free public copies.

``check_image`` refuses anything that is not a complete JPEG, PNG, WebP or GIF of a
sane size, with a message that names the file and the reason. ``public_copy`` gives
the pixels readers may see: upright, in RGB or RGBA, with no EXIF, XMP, IPTC, ICC
profile or comment left attached.
"""

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from .metadata import EmbeddedMetadata, read_metadata

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
ACCEPTED_NAMES = "JPEG, PNG, WebP or GIF"
ACCEPTED_LIST = "JPEG, PNG, WebP and GIF files are accepted"

# Enough of the start of a file to recognise SVG text and other formats' signatures.
_SNIFF_BYTES = 8192
# EXIF orientations that turn the picture a quarter: width and height swap.
_QUARTER_TURNS = {5, 6, 7, 8}
_MB = 1024 * 1024


class RejectedImage(ValueError):
    """A file refused as a photo; ``str()`` is a sentence naming the file and why.

    ``code`` is a short machine name for the reason ("too_large", "svg", "empty",
    "not_image", "format", "bomb", "truncated", "damaged"), for form errors.
    """

    def __init__(self, name: str, reason: str, *, code: str) -> None:
        self.name = name
        self.reason = reason
        self.code = code
        super().__init__(f"{name or 'The file'} was refused: {reason}.")


@dataclass(frozen=True)
class CheckedImage:
    """A file that decoded completely as one of the accepted formats."""

    format: str  # "JPEG", "PNG", "WEBP" or "GIF"
    width: int  # as readers see it, after the EXIF orientation
    height: int
    metadata: EmbeddedMetadata


def check_image(
    file: IO[bytes], *, name: str, max_bytes: int | None = None
) -> CheckedImage:
    """Decode an uploaded file fully and return what it is, or raise RejectedImage.

    ``file`` is a seekable binary file (a Django ``UploadedFile`` will do); it is
    rewound when this returns or raises. ``max_bytes`` defaults to the
    ``PHOTO_MAX_UPLOAD_BYTES`` setting. The size is checked before any byte is read.
    """
    limit = _max_bytes(max_bytes)
    size = _file_size(file)
    if size == 0:
        raise RejectedImage(name, "the file is empty", code="empty")
    if size > limit:
        raise RejectedImage(name, _too_large(size, limit), code="too_large")
    try:
        file.seek(0)
        head = file.read(_SNIFF_BYTES)
        if _looks_like_svg(head, name):
            raise RejectedImage(
                name,
                "SVG files are not accepted (they can carry scripts)",
                code="svg",
            )
        with _strict_decoding():
            return _decode(file, name=name, head=head)
    finally:
        file.seek(0)


def public_copy(image: Image.Image) -> Image.Image:
    """Return the pixels readers may see: upright, RGB or RGBA, metadata-free.

    The EXIF orientation is applied; CMYK and wide-gamut pictures are converted to
    sRGB through their embedded ICC profile when they have one; palette, grey and
    16-bit pictures become RGB, or RGBA when they carry transparency. The result
    has an empty ``info`` and no EXIF, so saving it with Pillow (JPEG, WebP, PNG)
    writes no EXIF, GPS, XMP, IPTC, ICC profile or comment: pass none explicitly.
    Animated files give their first frame.
    """
    oriented = ImageOps.exif_transpose(image)  # always a new image
    icc_profile = oriented.info.get("icc_profile")
    converted = _to_srgb(oriented, icc_profile) if icc_profile else None
    if converted is None:
        converted = _to_rgb_or_rgba(oriented)
    del oriented
    # Both conversions made a new Image, whose EXIF cache is empty; what remains of
    # the source's metadata lives in info, which savers read (comment, ICC, …).
    converted.info = {}
    return converted


def _decode(file: IO[bytes], *, name: str, head: bytes) -> CheckedImage:
    try:
        file.seek(0)
        with Image.open(file, formats=ACCEPTED_FORMATS) as image:
            image_format = _accepted_format(image, name)
            _refuse_too_many_pixels(image.size, name)
            image.verify()  # checksums and structure, without decoding pixels
        # verify() leaves the image unusable: open again and decode every pixel.
        file.seek(0)
        with Image.open(file, formats=ACCEPTED_FORMATS) as image:
            image.load()
            width, height = image.size
            if image.getexif().get(0x0112) in _QUARTER_TURNS:
                width, height = height, width
            metadata = read_metadata(image)
    except RejectedImage:
        raise
    except UnidentifiedImageError:
        other = _other_format(head)
        if other:
            reason = f"it is a {other} file; only {ACCEPTED_LIST}"
            raise RejectedImage(name, reason, code="format") from None
        reason = f"it is not an image (the file could not be read as {ACCEPTED_NAMES})"
        raise RejectedImage(name, reason, code="not_image") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise RejectedImage(
            name, _bomb_reason(_header_size(file)), code="bomb"
        ) from None
    except Exception as error:
        # Pillow's decoders raise OSError, SyntaxError, EOFError, ValueError,
        # struct.error, zlib.error… for bad data: all of them mean the same here.
        raise _damaged(name, error) from None
    return CheckedImage(
        format=image_format, width=width, height=height, metadata=metadata
    )


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Refuse truncated data and treat Pillow's bomb warning as an error."""
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _accepted_format(image: Image.Image, name: str) -> str:
    # A phone's JPEG with a depth map or preview opens as MPO: it is a JPEG.
    image_format = "JPEG" if image.format == "MPO" else (image.format or "")
    if image_format not in ACCEPTED_FORMATS:
        reason = f"it is a {image_format or 'unknown'} image; only {ACCEPTED_LIST}"
        raise RejectedImage(name, reason, code="format")
    return image_format


def _refuse_too_many_pixels(size: tuple[int, int], name: str) -> None:
    # Image.open already raised for these unless warnings were filtered elsewhere
    # (catch_warnings is not thread-safe): check again, independently of warnings.
    limit = Image.MAX_IMAGE_PIXELS
    if limit is not None and size[0] * size[1] > limit:
        raise RejectedImage(name, _bomb_reason(size), code="bomb")


def _header_size(file: IO[bytes]) -> tuple[int, int] | None:
    """Read the dimensions a file claims, without the bomb check or any decoding."""
    Image.init()
    file.seek(0)
    prefix = file.read(16)
    for image_format in ACCEPTED_FORMATS:
        factory, accept = Image.OPEN.get(image_format, (None, None))
        if factory is None or (accept is not None and not accept(prefix)):
            continue
        file.seek(0)
        try:
            return factory(file, None).size
        except Exception:
            continue
    return None


def _bomb_reason(size: tuple[int, int] | None) -> str:
    what = f"{size[0]} × {size[1]} pixels is" if size else "the picture has"
    more = (
        "more than this site accepts" if size else "more pixels than this site accepts"
    )
    return f"{what} {more} (a decompression bomb)"


def _damaged(name: str, error: BaseException) -> RejectedImage:
    message = str(error).lower()
    if isinstance(error, EOFError) or "truncated" in message or "eof" in message:
        return RejectedImage(
            name, "the file is incomplete (truncated)", code="truncated"
        )
    return RejectedImage(
        name, "the image data is damaged and could not be decoded", code="damaged"
    )


def _max_bytes(max_bytes: int | None) -> int:
    if max_bytes is not None:
        return max_bytes
    from django.conf import settings

    return getattr(settings, "PHOTO_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES)


def _file_size(file: IO[bytes]) -> int:
    """Measure by seeking to the end: nothing is read."""
    try:
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(0)
        return size
    except (AttributeError, OSError, ValueError):
        return int(getattr(file, "size", 0) or 0)


def _too_large(size: int, limit: int) -> str:
    size_text, limit_text = _human_size(size), _human_size(limit)
    if size_text == limit_text:
        size_text, limit_text = f"{size:,} bytes", f"{limit:,} bytes"
    return f"it is {size_text}, over the {limit_text} limit"


def _human_size(n: int) -> str:
    if n >= _MB // 10:
        return f"{n / _MB:.1f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{n} bytes"


def _looks_like_svg(head: bytes, name: str) -> bool:
    if name.lower().endswith((".svg", ".svgz")):
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore").encode("utf-8", "ignore")
    else:
        text = head.removeprefix(b"\xef\xbb\xbf")
    text = text.lstrip(b" \t\r\n").lower()
    return text.startswith(b"<") and (
        b"<svg" in text or b"http://www.w3.org/2000/svg" in text
    )


def _other_format(head: bytes) -> str:
    """Name a common image format we refuse, so the editor knows what to export."""
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if head.startswith(b"%PDF"):
        return "PDF"
    if head.startswith(b"8BPS"):
        return "Photoshop (PSD)"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"):
            return "HEIC"
        if brand in (b"avif", b"avis"):
            return "AVIF"
    if head.startswith(b"BM") and len(head) >= 18:
        if int.from_bytes(head[14:18], "little") in (12, 40, 52, 56, 64, 108, 124):
            return "BMP"
    return ""


def _to_srgb(image: Image.Image, icc_profile: bytes) -> Image.Image | None:
    """Convert through the embedded ICC profile to sRGB; None when it cannot."""
    output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
    if image.mode not in ("RGB", "RGBA", "CMYK"):
        return None
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=output_mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None  # a broken or mismatched profile: convert without it


def _to_rgb_or_rgba(image: Image.Image) -> Image.Image:
    """Convert to RGB, or RGBA when the picture has transparency: a new image."""
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit grey: scale to 8 bits rather than clip everything to white.
        image = image.convert("I").point(lambda value: value / 257).convert("L")
    has_alpha = image.mode in ("RGBA", "LA", "La", "RGBa", "PA") or (
        "transparency" in image.info
    )
    return image.convert("RGBA" if has_alpha else "RGB")
