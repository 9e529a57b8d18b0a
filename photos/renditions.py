"""Public copies of photos: crops around the focal point, a few widths, WebP and JPEG.

Readers never get the original (it may carry GPS positions). A rendition is made on
first request (or ahead, by ``pregenerate``), stored through Django's default storage
and reused: its address changes only when the original or the focal point does, so
browsers and CDNs may cache it forever.

``crop_box``, ``output_size`` and ``render`` are pure; ``ensure_rendition`` owns the
database row, the lock and the file.
"""

import io
import logging
import math
from collections.abc import Iterable
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.crypto import salted_hmac
from PIL import Image

from articles.models import Photo

from .models import Rendition
from .validation import public_copy

logger = logging.getLogger(__name__)

RATIOS: dict[str, tuple[int, int] | None] = {
    "16x9": (16, 9),
    "1x1": (1, 1),
    "free": None,
}
WIDTHS = (320, 480, 640, 768, 960, 1280, 1920)
FORMATS = ("webp", "jpg")
CONTENT_TYPES = {"webp": "image/webp", "jpg": "image/jpeg"}
QUALITY = 80
# Part of every source key: bump it when the output changes (quality, resampling…)
# so that cached copies under the old addresses are not reused.
RENDER_VERSION = 1
# The <img src> fallback for browsers without srcset.
FALLBACK_WIDTH = 640
EXIF_ORIENTATION = 0x0112
TRANSPOSED_ORIENTATIONS = {5, 6, 7, 8}

Box = tuple[int, int, int, int]


def is_valid_spec(ratio: str, width: int, fmt: str) -> bool:
    return ratio in RATIOS and width in WIDTHS and fmt in FORMATS


def spec_name(ratio: str, width: int, fmt: str) -> str:
    """Name a rendition, e.g. "16x9-640.webp"; raise ValueError outside the spec."""
    if not is_valid_spec(ratio, width, fmt):
        raise ValueError(f"No rendition {ratio}-{width}.{fmt}: not in the spec.")
    return f"{ratio}-{width}.{fmt}"


# Geometry (pure) ---------------------------------------------------------------------


def crop_box(
    width: int,
    height: int,
    ratio: tuple[int, int] | None,
    focal_x: float = 0.5,
    focal_y: float = 0.5,
) -> Box:
    """Return the largest (left, top, right, bottom) box of ``ratio`` in the image.

    The box is centred on the focal point as far as the edges allow, so the focal
    point always stays inside it. ``ratio`` None keeps the whole image.
    """
    if ratio is None:
        return (0, 0, width, height)
    rw, rh = ratio
    if width * rh > height * rw:  # wider than the ratio: cut the sides
        box_w, box_h = max(1, min(width, round(height * rw / rh))), height
    else:  # taller: cut top and bottom
        box_w, box_h = width, max(1, min(height, round(width * rh / rw)))
    left = _place(focal_x * width, box_w, width)
    top = _place(focal_y * height, box_h, height)
    return (left, top, left + box_w, top + box_h)


def _place(centre: float, size: int, total: int) -> int:
    return min(max(round(centre - size / 2), 0), total - size)


def output_size(
    source_width: int, source_height: int, ratio: str, width: int
) -> tuple[int, int]:
    """Return the pixel size of a rendition: never wider than its crop of the source."""
    shape = RATIOS[ratio]
    left, top, right, bottom = crop_box(source_width, source_height, shape)
    box_w, box_h = right - left, bottom - top
    out_w = min(width, box_w)
    if shape is None:
        out_h = round(out_w * box_h / box_w)
    else:
        out_h = min(box_h, round(out_w * shape[1] / shape[0]))
    return out_w, max(1, out_h)


def oriented_size(image: Image.Image) -> tuple[int, int]:
    """Return the size the image has once its EXIF orientation is applied."""
    width, height = image.size
    if image.getexif().get(EXIF_ORIENTATION) in TRANSPOSED_ORIENTATIONS:
        return height, width
    return width, height


# Encoding (pure) ---------------------------------------------------------------------


def render(
    image: Image.Image,
    *,
    ratio: str,
    width: int,
    fmt: str,
    focal: tuple[float, float] = (0.5, 0.5),
) -> bytes:
    """Encode one rendition of ``image``: cropped, resized, without any metadata.

    Never upscales: a source narrower than ``width`` gives its own width. JPEG is
    progressive with transparency flattened on white; both formats at quality 80.
    """
    spec_name(ratio, width, fmt)
    picture = image if _is_public(image) else public_copy(image)
    box = crop_box(*picture.size, RATIOS[ratio], *focal)
    size = output_size(*picture.size, ratio, width)
    if size == (box[2] - box[0], box[3] - box[1]):
        picture = picture.crop(box)
    else:
        picture = picture.resize(
            size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0
        )
    if fmt == "jpg" and picture.mode not in ("RGB", "L"):
        flat = Image.new("RGB", picture.size, "white")
        flat.paste(picture, mask=picture.convert("RGBA").getchannel("A"))
        picture = flat
    picture.info = {}
    buffer = io.BytesIO()
    if fmt == "jpg":
        picture.save(buffer, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    else:
        picture.save(buffer, "WEBP", quality=QUALITY)
    return buffer.getvalue()


def _is_public(image: Image.Image) -> bool:
    """Tell whether ``image`` is already a public copy (saves copying 24 MP again)."""
    return image.mode in ("RGB", "RGBA") and not image.info and not image.getexif()


# Addresses ---------------------------------------------------------------------------


def source_key(photo: Photo) -> str:
    """Fingerprint the original's name and the focal point (keyed by SECRET_KEY).

    Keyed so that nobody can derive the address of a photo they were not shown.
    """
    value = (
        f"{RENDER_VERSION}|{photo.image.name}|{photo.focal_x:.4f}|{photo.focal_y:.4f}"
    )
    return salted_hmac("photos.renditions", value, algorithm="sha256").hexdigest()[:16]


def rendition_url(photo: Photo, ratio: str, width: int, fmt: str) -> str:
    """Return the stable public address of a rendition, ending in ``.webp``/``.jpg``."""
    spec_name(ratio, width, fmt)
    if not photo.image:
        raise ValueError(f"Photo {photo.pk} has no image.")
    return reverse(
        "photos:rendition",
        kwargs={
            "photo_id": photo.pk,
            "source_key": source_key(photo),
            "ratio": ratio,
            "width": width,
            "fmt": fmt,
        },
    )


def source_size(photo: Photo) -> tuple[int, int] | None:
    """Return the upright size of the original, or None if it cannot be read.

    Uses ``photo.width``/``height`` when set (they must be the upright size); else
    reads the file's header once per instance.
    """
    if not photo.image:
        return None
    if photo.width and photo.height:
        return photo.width, photo.height
    cached = getattr(photo, "_source_size", None)
    if cached and cached[0] == photo.image.name:
        return cached[1]
    try:
        with photo.image.storage.open(photo.image.name, "rb") as file:
            size = oriented_size(Image.open(file))
    except (OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        logger.warning("Cannot read the original of photo %s.", photo.pk)
        size = None
    photo._source_size = (photo.image.name, size)
    return size


def srcset_widths(photo: Photo, ratio: str) -> list[tuple[int, int]]:
    """Return (spec width, real width) pairs worth offering: no upscaled copies."""
    size = source_size(photo)
    if size is None:
        return []
    left, _, right, _ = crop_box(*size, RATIOS[ratio])
    widths = [(w, w) for w in WIDTHS if w <= right - left]
    return widths or [(WIDTHS[0], right - left)]


def srcset(photo: Photo, ratio: str, fmt: str) -> str:
    """Return a ``srcset`` value: every width up to the source's, at least one."""
    return ", ".join(
        f"{rendition_url(photo, ratio, spec_width, fmt)} {real_width}w"
        for spec_width, real_width in srcset_widths(photo, ratio)
    )


# Files -------------------------------------------------------------------------------


def storage_name(photo: Photo, key: str, spec: str) -> str:
    return f"renditions/{photo.pk}/{key}/{spec}"


def ensure_rendition(
    photo: Photo,
    ratio: str,
    width: int,
    fmt: str,
    *,
    source: Image.Image | None = None,
) -> Rendition:
    """Return the ready rendition, making it first if needed: once, however many ask.

    The row is inserted first inside a transaction: on PostgreSQL a concurrent
    insert of the same (photo, spec, source key) waits on the unique index until
    this transaction ends, then finds the finished row; an existing row is locked
    with SELECT … FOR UPDATE. On SQLite the single writer lock serialises. The row
    gets its file name only after the file is completely saved, and readers trust
    only rows with a file. ``source`` lets ``pregenerate`` decode the original once.
    """
    spec = spec_name(ratio, width, fmt)
    if not photo.image:
        raise ValueError(f"Photo {photo.pk} has no image.")
    key = source_key(photo)
    lookup = {"photo": photo, "spec": spec, "source_key": key}
    found = Rendition.objects.filter(**lookup).exclude(file="").first()
    if found and default_storage.exists(found.file):
        return found
    with transaction.atomic():
        try:
            with transaction.atomic():
                rendition = Rendition.objects.create(**lookup)
        except IntegrityError:
            rendition = Rendition.objects.select_for_update().get(**lookup)
            if rendition.file and default_storage.exists(rendition.file):
                return rendition
        # This transaction now holds the row: nobody else renders this spec.
        if source is None:
            with photo.image.storage.open(photo.image.name, "rb") as file:
                content = render(
                    open_for_rendition(file, ratio, width),
                    ratio=ratio,
                    width=width,
                    fmt=fmt,
                    focal=(photo.focal_x, photo.focal_y),
                )
        else:
            content = render(
                source,
                ratio=ratio,
                width=width,
                fmt=fmt,
                focal=(photo.focal_x, photo.focal_y),
            )
        name = storage_name(photo, key, spec)
        # A leftover from an attempt that died before its commit: nobody trusts it.
        if default_storage.exists(name):
            default_storage.delete(name)
        rendition.file = default_storage.save(name, ContentFile(content))
        with Image.open(io.BytesIO(content)) as written:
            rendition.width, rendition.height = written.size
        rendition.bytes = len(content)
        rendition.save(update_fields=["file", "width", "height", "bytes"])
    return rendition


def open_for_rendition(file: IO[bytes], ratio: str, width: int) -> Image.Image:
    """Open the original, letting JPEG decode at a reduced scale when that suffices."""
    image = Image.open(file)
    upright = oriented_size(image)
    left, top, right, bottom = crop_box(*upright, RATIOS[ratio])
    scale = output_size(*upright, ratio, width)[0] / (right - left)
    if scale < 0.5:
        # A little margin so that rounding never leaves the crop narrower than asked.
        wanted = tuple(math.ceil(side * scale * 1.02) + 2 for side in image.size)
        image.draft(image.mode, wanted)
    return image


def pregenerate(
    photo: Photo,
    *,
    ratios: Iterable[str] = ("16x9", "free"),
    formats: Iterable[str] = FORMATS,
) -> list[Rendition]:
    """Make the renditions that pages offer, decoding the original once.

    Call it after an upload or a focal point change has been committed (for
    example with ``transaction.on_commit``); it also drops stale renditions.
    """
    if not photo.image:
        return []
    prune_renditions(photo)
    with photo.image.storage.open(photo.image.name, "rb") as file:
        source = public_copy(Image.open(file))
    return [
        ensure_rendition(photo, ratio, spec_width, fmt, source=source)
        for ratio in ratios
        for spec_width, _ in srcset_widths(photo, ratio)
        for fmt in formats
    ]


def prune_renditions(photo: Photo) -> int:
    """Delete the renditions of an older file or focal point (rows, then files)."""
    stale = Rendition.objects.filter(photo=photo)
    if photo.image:
        stale = stale.exclude(source_key=source_key(photo))
    count = 0
    for rendition in stale:  # one by one, so that each file goes too
        rendition.delete()
        count += 1
    return count
