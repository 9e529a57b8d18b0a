"""Build test image files with Pillow: good ones, hostile ones, and broken ones.

Every builder returns the file's bytes. Metadata is written the way agencies and
cameras write it: EXIF through Pillow, IPTC-IIM by hand in a Photoshop APP13
segment (Pillow reads IPTC but cannot write it), XMP through Pillow's ``xmp=``.
"""

import io
import struct
import zlib
from collections.abc import Sequence

from PIL import Image, ImageCms

# EXIF tags used below.
ORIENTATION = 0x0112
MAKE = 0x010F
MODEL = 0x0110
IMAGE_DESCRIPTION = 0x010E
ARTIST = 0x013B
COPYRIGHT = 0x8298
EXIF_IFD = 0x8769
GPS_IFD = 0x8825
BODY_SERIAL_NUMBER = 0xA431

# Paris, as a phone would record it.
GPS_PARIS = {
    1: "N",
    2: (48.0, 51.0, 24.0),
    3: "E",
    4: (2.0, 21.0, 3.0),
}


def jpeg_with_gps_and_iptc(
    *,
    caption: str = "Firefighters tackle a blaze in central Paris on 24 November.",
    byline: str | Sequence[str] = "John Smith",
    credit: str = "AFP",
    copyright: str = "© 2026 AFP",
    size: tuple[int, int] = (800, 600),
    orientation: int | None = None,
) -> bytes:
    """Return a JPEG as an agency sends it: camera EXIF with GPS, and IPTC text."""
    exif = Image.Exif()
    exif[MAKE] = "Canon"
    exif[MODEL] = "Canon EOS R5"
    if orientation is not None:
        exif[ORIENTATION] = orientation
    exif[GPS_IFD] = GPS_PARIS
    exif[EXIF_IFD] = {BODY_SERIAL_NUMBER: "012345678901"}
    jpeg = _save(_picture(size), "JPEG", exif=exif, quality=85)
    bylines = [byline] if isinstance(byline, str) else list(byline)
    datasets = [(2, 80, name) for name in bylines] + [
        (2, 120, caption),
        (2, 110, credit),
        (2, 116, copyright),
    ]
    return insert_iptc(jpeg, [(r, d, v) for r, d, v in datasets if v])


def jpeg_with_exif_metadata(
    *,
    description: str | bytes = "Flooded street in Valencia.",
    artist: str | bytes = "Ana García",
    copyright: str | bytes = "Ana García",
    size: tuple[int, int] = (640, 480),
) -> bytes:
    """Return a JPEG whose only text is EXIF, written as UTF-8 like most tools do."""
    exif = Image.Exif()
    for tag, value in (
        (IMAGE_DESCRIPTION, description),
        (ARTIST, artist),
        (COPYRIGHT, copyright),
    ):
        if value:
            # Pillow would write str as ASCII with "?" for accents: give it bytes.
            exif[tag] = value.encode() if isinstance(value, str) else value
    return _save(_picture(size), "JPEG", exif=exif)


def jpeg_with_xmp(
    *,
    description: str = "Protesters gather outside parliament.",
    creator: str = "Maria Rossi",
    credit: str = "Reuters",
    rights: str = "© 2026 Reuters",
    size: tuple[int, int] = (640, 480),
) -> bytes:
    """Return a JPEG whose only text is an XMP packet, including an XMP GPS position."""
    xmp = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    photoshop:Credit="{credit}"
    exif:GPSLatitude="48,51.4N"
    exif:GPSLongitude="2,21.05E">
   <dc:description><rdf:Alt>
    <rdf:li xml:lang="fr">Des manifestants devant le parlement.</rdf:li>
    <rdf:li xml:lang="x-default">{description}</rdf:li>
   </rdf:Alt></dc:description>
   <dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>
   <dc:rights><rdf:Alt>
    <rdf:li xml:lang="x-default">{rights}</rdf:li>
   </rdf:Alt></dc:rights>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return _save(_picture(size), "JPEG", xmp=xmp.encode())


def insert_iptc(
    jpeg: bytes,
    datasets: Sequence[tuple[int, int, str]],
    *,
    encoding: str = "utf-8",
) -> bytes:
    """Insert IPTC-IIM datasets, in a Photoshop 3.0 APP13 segment, after SOI.

    With UTF-8, dataset 1:90 says so (ESC % G), as current agency software
    writes; any other encoding is written unannounced, as old software did.
    """
    assert jpeg[:2] == b"\xff\xd8", "not a JPEG"
    iim = _iptc_dataset(1, 90, b"\x1b%G") if encoding == "utf-8" else b""
    iim += _iptc_dataset(2, 0, b"\x00\x04")  # record version 4
    for record, dataset, value in datasets:
        iim += _iptc_dataset(record, dataset, value.encode(encoding))
    resource = (
        b"8BIM"
        + struct.pack(">H", 0x0404)  # IPTC-NAA record
        + b"\x00\x00"  # empty Pascal name, padded to an even length
        + struct.pack(">I", len(iim))
        + iim
        + (b"\x00" if len(iim) % 2 else b"")
    )
    payload = b"Photoshop 3.0\x00" + resource
    segment = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def jpeg(size: tuple[int, int] = (320, 240)) -> bytes:
    """Return a plain JPEG with no metadata."""
    return _save(_picture(size), "JPEG")


def jpeg_with_icc_profile(size: tuple[int, int] = (320, 240)) -> bytes:
    """Return a JPEG tagged with an embedded sRGB ICC profile."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return _save(_picture(size), "JPEG", icc_profile=profile)


def png_with_transparency(
    size: tuple[int, int] = (200, 100), *, mode: str = "RGBA"
) -> bytes:
    """Return a PNG with a transparent left half: RGBA, or palette ("P") with tRNS."""
    image = Image.new("RGBA", size, (0, 120, 200, 255))
    image.paste((0, 0, 0, 0), (0, 0, size[0] // 2, size[1]))
    if mode == "P":
        image = image.quantize(colors=4)  # keeps a transparent palette entry
    return _save(image, "PNG")


def cmyk_jpeg(size: tuple[int, int] = (300, 200)) -> bytes:
    """Return a print-ready CMYK JPEG filled with pure cyan."""
    return _save(Image.new("CMYK", size, (255, 0, 0, 0)), "JPEG", quality=95)


def gif(size: tuple[int, int] = (120, 80), *, frames: int = 2) -> bytes:
    """Return an animated palette GIF."""
    images = [Image.new("P", size, index * 40) for index in range(1, frames + 1)]
    return _save(images[0], "GIF", save_all=True, append_images=images[1:])


def webp(size: tuple[int, int] = (160, 90)) -> bytes:
    return _save(_picture(size), "WEBP", quality=80)


def tiff(size: tuple[int, int] = (64, 48)) -> bytes:
    return _save(_picture(size), "TIFF")


def bomb_png(size: tuple[int, int] = (40000, 40000)) -> bytes:
    """Return a PNG of a few hundred bytes whose header claims a huge size.

    Hand-made chunks with valid CRCs: a 1-bit IHDR and an IDAT holding only a few
    rows, so nothing large is ever allocated unless something tries to decode it.
    """
    width, height = size
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + bytes((width + 7) // 8)
    idat = zlib.compress(row * 4, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def truncated_jpeg(size: tuple[int, int] = (400, 300)) -> bytes:
    """Return the first 60 % of a JPEG: the header is whole, the scan is cut."""
    data = _save(_picture(size, noise=True), "JPEG", quality=90)
    return data[: len(data) * 6 // 10]


def truncated_png(size: tuple[int, int] = (400, 300)) -> bytes:
    data = _save(_picture(size, noise=True), "PNG")
    return data[: len(data) * 6 // 10]


def text_named_jpg() -> bytes:
    """Return what a mis-named text file holds (the test calls it beach.jpg)."""
    return b"Notes for the picture desk:\nbeach photos arrive tomorrow.\n"


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" '
        b'onload="alert(1)">\n'
        b"  <script>fetch('/admin/').then(r => r.text())</script>\n"
        b'  <rect width="100" height="100" fill="red"/>\n'
        b"</svg>\n"
    )


def _picture(size: tuple[int, int], *, noise: bool = False) -> Image.Image:
    """Return an RGB picture whose halves differ, so a rotation is visible."""
    if noise:
        return Image.effect_noise(size, 64).convert("RGB")
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))
    return image


def _save(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def _iptc_dataset(record: int, dataset: int, value: bytes) -> bytes:
    assert len(value) < 0x8000, "extended-length datasets are not needed here"
    return bytes((0x1C, record, dataset)) + struct.pack(">H", len(value)) + value


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
