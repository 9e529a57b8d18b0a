"""Public renditions: crops, sizes, no metadata, stable addresses, made only once."""

import io
import re
import struct
import threading
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from PIL import Image, ImageCms

from articles.models import Article, Photo
from photos import renditions
from photos.models import Rendition
from photos.renditions import (
    FORMATS,
    RATIOS,
    crop_box,
    ensure_rendition,
    pregenerate,
    render,
    rendition_url,
    source_key,
    srcset,
)

from .factories import make_article, make_photo

GPS = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description exif:GPSLatitude="48,51.5N" '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/"/></rdf:RDF></x:xmpmeta>'
)


def noisy(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """Make a picture with gradients and grain, closer to a photo than a flat fill."""
    width, height = size
    red = Image.linear_gradient("L").resize(size)
    green = Image.effect_noise(size, 40)
    blue = Image.linear_gradient("L").rotate(90).resize(size)
    image = Image.merge("RGB", (red, green, blue))
    return image.convert(mode) if mode != "RGB" else image


def gps_jpeg(size=(1200, 800), orientation: int | None = None) -> bytes:
    """Make a JPEG with a GPS position in EXIF, XMP and an ICC profile."""
    exif = Image.Exif()
    exif[0x8825] = GPS
    exif[0x010F] = "Camera maker"
    if orientation:
        exif[0x0112] = orientation
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    noisy(size).save(buffer, "JPEG", exif=exif, xmp=XMP, icc_profile=icc, quality=90)
    return buffer.getvalue()


def wide_png(size=(2400, 600)) -> bytes:
    """Make a transparent panorama (RGBA PNG) with a GPS position in EXIF."""
    image = noisy(size, "RGBA")
    image.putalpha(0)
    exif = Image.Exif()
    exif[0x8825] = GPS
    buffer = io.BytesIO()
    image.save(buffer, "PNG", exif=exif)
    return buffer.getvalue()


def jpeg_markers(data: bytes) -> list[int]:
    """List the JPEG segment markers before the image data."""
    assert data[:2] == b"\xff\xd8"
    markers, position = [], 2
    while position < len(data):
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: metadata comes before it
            return markers
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length
    return markers


def webp_chunks(data: bytes) -> list[bytes]:
    """List the RIFF chunk names of a WebP file."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    chunks, position = [], 12
    while position + 8 <= len(data):
        name = data[position : position + 4]
        (length,) = struct.unpack("<I", data[position + 4 : position + 8])
        chunks.append(name)
        position += 8 + length + (length % 2)
    return chunks


def assert_no_metadata(data: bytes) -> None:
    """No EXIF (GPS), XMP, ICC or IPTC anywhere in a rendition."""
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
        assert not {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp"} & set(image.info)
        fmt = image.format
    if fmt == "JPEG":
        app_segments = [m for m in jpeg_markers(data) if 0xE1 <= m <= 0xEF]
        assert app_segments == [], [hex(m) for m in app_segments]
    else:
        assert fmt == "WEBP"
        assert not {b"EXIF", b"XMP ", b"ICCP"} & set(webp_chunks(data))
    assert b"Exif\x00\x00" not in data
    assert b"xmpmeta" not in data
    assert b"GPSLatitude" not in data


def photo_with_image(content: bytes, name: str = "picture.jpg", **fields) -> Photo:
    photo = make_photo(alt_text="Boats on a river", **fields)
    photo.image.save(name, ContentFile(content))
    return photo


def open_bytes(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


# Geometry ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(6000, 4000), (3000, 4000), (1000, 1000), (17, 911)])
@pytest.mark.parametrize("ratio", [(16, 9), (1, 1)])
@pytest.mark.parametrize(
    "focal", [(0.5, 0.5), (0, 0), (1, 1), (0.9, 0.1), (0.25, 0.8), (0.01, 0.99)]
)
def test_crop_box_keeps_the_focal_point_inside_and_the_ratio(size, ratio, focal):
    """The crop has the ratio, fits the image and contains the focal point."""
    width, height = size
    left, top, right, bottom = crop_box(width, height, ratio, *focal)
    assert 0 <= left < right <= width and 0 <= top < bottom <= height
    box_w, box_h = right - left, bottom - top
    assert box_w == width or box_h == height  # the largest crop
    assert abs(box_w / box_h - ratio[0] / ratio[1]) < 2 / min(box_w, box_h)
    assert left <= focal[0] * width <= right
    assert top <= focal[1] * height <= bottom


def test_crop_box_centres_on_the_focal_point_when_the_edges_allow():
    """A focal point away from the edges sits in the middle of the crop."""
    left, top, right, bottom = crop_box(6000, 4000, (1, 1), 0.4, 0.5)
    assert (left + right) / 2 == pytest.approx(2400, abs=0.5)
    assert (top, bottom) == (0, 4000)
    assert crop_box(6000, 4000, (16, 9), 0.5, 0.9) == (0, 625, 6000, 4000)


def test_crop_box_without_ratio_keeps_the_whole_picture():
    assert crop_box(640, 480, None, 0.1, 0.9) == (0, 0, 640, 480)


# Encoding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratio", "width", "expected"),
    [
        ("16x9", 640, (640, 360)),
        ("1x1", 320, (320, 320)),
        ("free", 480, (480, 320)),
        ("free", 1920, (1200, 800)),  # never upscaled
        ("16x9", 1920, (1200, 675)),
        ("1x1", 1280, (800, 800)),
    ],
)
def test_render_sizes_and_never_upscales(ratio, width, expected):
    source = open_bytes(gps_jpeg((1200, 800)))
    for fmt in FORMATS:
        with open_bytes(render(source, ratio=ratio, width=width, fmt=fmt)) as out:
            assert out.size == expected
            assert out.format == {"jpg": "JPEG", "webp": "WEBP"}[fmt]


@pytest.mark.parametrize("ratio", list(RATIOS))
@pytest.mark.parametrize("fmt", FORMATS)
def test_renditions_carry_no_gps_exif_xmp_or_icc(ratio, fmt):
    """Nothing of the camera's metadata reaches readers, for every shape and format."""
    for content in (gps_jpeg(), wide_png()):
        source = open_bytes(content)
        assert source.getexif().get_ifd(0x8825)  # the source does carry GPS
        assert_no_metadata(render(source, ratio=ratio, width=320, fmt=fmt))


def test_render_applies_the_exif_orientation():
    """A portrait shot stored sideways comes out upright."""
    source = open_bytes(gps_jpeg((600, 400), orientation=6))
    with open_bytes(render(source, ratio="free", width=320, fmt="jpg")) as out:
        assert out.size == (320, 480)


def test_jpeg_is_progressive_and_transparency_becomes_white():
    source = open_bytes(wide_png())
    with open_bytes(render(source, ratio="16x9", width=320, fmt="jpg")) as out:
        assert out.info.get("progressive") or out.info.get("progression")
        assert out.mode == "RGB"
        assert all(channel > 245 for channel in out.getpixel((5, 5)))
    with open_bytes(render(source, ratio="16x9", width=320, fmt="webp")) as out:
        assert out.mode == "RGBA"  # WebP keeps the transparency


def test_render_refuses_sizes_outside_the_spec():
    source = open_bytes(gps_jpeg((400, 300)))
    with pytest.raises(ValueError):
        render(source, ratio="4x3", width=320, fmt="jpg")
    with pytest.raises(ValueError):
        render(source, ratio="16x9", width=333, fmt="jpg")


# Addresses ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_addresses_are_stable_end_in_their_format_and_follow_the_focal_point():
    photo = photo_with_image(gps_jpeg())
    webp = rendition_url(photo, "16x9", 640, "webp")
    jpg = rendition_url(photo, "16x9", 640, "jpg")
    assert webp.endswith(".webp") and jpg.endswith(".jpg")
    assert webp == rendition_url(Photo.objects.get(pk=photo.pk), "16x9", 640, "webp")
    assert re.fullmatch(rf"/img/{photo.pk}/[0-9a-f]{{16}}/16x9-640\.webp", webp)
    photo.focal_x = 0.2
    photo.save()
    assert rendition_url(photo, "16x9", 640, "webp") != webp
    photo.image.save("another.jpg", ContentFile(gps_jpeg()))
    assert source_key(photo) not in webp


@pytest.mark.django_db
def test_srcset_offers_no_width_beyond_the_source():
    photo = photo_with_image(gps_jpeg((1000, 700)))
    assert re.findall(r" (\d+)w", srcset(photo, "free", "webp")) == [
        "320",
        "480",
        "640",
        "768",
        "960",
    ]
    tiny = photo_with_image(gps_jpeg((200, 100)), name="tiny.jpg")
    assert re.findall(r" (\d+)w", srcset(tiny, "16x9", "jpg")) == ["178"]


# The view ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_view_serves_the_rendition_with_type_and_cache_headers(client):
    photo = photo_with_image(gps_jpeg())
    for fmt, content_type in (("webp", "image/webp"), ("jpg", "image/jpeg")):
        response = client.get(rendition_url(photo, "16x9", 640, fmt))
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response["ETag"].startswith('"')
        data = b"".join(response.streaming_content)
        assert int(response["Content-Length"]) == len(data)
        assert open_bytes(data).size == (640, 360)
        assert_no_metadata(data)


@pytest.mark.django_db
def test_second_request_reuses_the_stored_file(client):
    """The file is made once: no new row, same name, same bytes, file untouched."""
    photo = photo_with_image(gps_jpeg())
    url = rendition_url(photo, "1x1", 320, "webp")
    first = b"".join(client.get(url).streaming_content)
    rendition = Rendition.objects.get()
    path = Path(default_storage.path(rendition.file))
    modified = path.stat().st_mtime_ns
    assert rendition.file == f"renditions/{photo.pk}/{source_key(photo)}/1x1-320.webp"
    assert (rendition.width, rendition.height, rendition.bytes) == (
        320,
        320,
        len(first),
    )

    second = b"".join(client.get(url).streaming_content)
    assert second == first
    assert Rendition.objects.get().file == rendition.file
    assert path.stat().st_mtime_ns == modified
    assert sorted(p.name for p in path.parent.iterdir()) == ["1x1-320.webp"]


@pytest.mark.django_db
def test_a_known_etag_gets_not_modified(client):
    photo = photo_with_image(gps_jpeg())
    url = rendition_url(photo, "16x9", 320, "jpg")
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304


@pytest.mark.django_db
def test_a_lost_file_is_made_again(client):
    photo = photo_with_image(gps_jpeg())
    rendition = ensure_rendition(photo, "16x9", 320, "jpg")
    default_storage.delete(rendition.file)
    again = ensure_rendition(photo, "16x9", 320, "jpg")
    assert again.pk == rendition.pk and default_storage.exists(again.file)
    assert client.get(rendition_url(photo, "16x9", 320, "jpg")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "spec", ["4x3-640.jpg", "16x9-500.jpg", "16x9-640.png", "16x9-0640.jpg", "16x9-640"]
)
def test_unknown_specs_are_not_found(client, spec):
    photo = photo_with_image(gps_jpeg())
    response = client.get(f"/img/{photo.pk}/{source_key(photo)}/{spec}")
    assert response.status_code == 404
    assert not Rendition.objects.exists()


@pytest.mark.django_db
def test_photo_without_image_or_unknown_photo_is_not_found(client):
    photo = make_photo()
    assert (
        client.get(f"/img/{photo.pk}/0123456789abcdef/16x9-640.jpg").status_code == 404
    )
    assert client.get("/img/999999/0123456789abcdef/16x9-640.jpg").status_code == 404


@pytest.mark.django_db
def test_a_stale_address_redirects_only_for_photos_in_published_stories(client):
    """Old cached pages keep their pictures; unpublished photos reveal nothing."""
    photo = photo_with_image(gps_jpeg())
    old = rendition_url(photo, "16x9", 640, "jpg")
    photo.focal_y = 0.1
    photo.save()
    assert client.get(old).status_code == 404
    article = make_article(photos=[photo], status=Article.Status.DRAFT)
    assert client.get(old).status_code == 404
    article.status = Article.Status.PUBLISHED
    article.save()
    response = client.get(old)
    assert response.status_code == 302
    assert response["Location"] == rendition_url(photo, "16x9", 640, "jpg")
    assert "immutable" not in response["Cache-Control"]


@pytest.mark.django_db
def test_pregenerate_makes_the_offered_sizes_and_drops_stale_ones(
    django_capture_on_commit_callbacks,
):
    """All stored renditions are clean; a focal point change replaces them."""
    photo = photo_with_image(gps_jpeg((1000, 700)))
    made = pregenerate(photo)
    # 16:9 and free at 320, 480, 640, 768 and 960, in WebP and JPEG.
    assert len(made) == Rendition.objects.count() == 20
    for rendition in made:
        with default_storage.open(rendition.file) as file:
            assert_no_metadata(file.read())
    old_files = [r.file for r in made]
    photo.focal_x = 0.9
    photo.save()
    with django_capture_on_commit_callbacks(execute=True):
        pregenerate(photo, ratios=["1x1"], formats=["jpg"])
    assert set(Rendition.objects.values_list("spec", flat=True)) == {
        "1x1-320.jpg",
        "1x1-480.jpg",
        "1x1-640.jpg",
    }
    assert not any(default_storage.exists(name) for name in old_files)


@pytest.mark.django_db
def test_deleting_a_photo_deletes_its_rendition_files(
    django_capture_on_commit_callbacks,
):
    photo = photo_with_image(gps_jpeg())
    name = ensure_rendition(photo, "free", 320, "webp").file
    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()
    assert not Rendition.objects.exists()
    assert not default_storage.exists(name)


# Pages -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_article_page_uses_responsive_pictures_and_a_lazy_gallery(client):
    lead = photo_with_image(
        gps_jpeg((2400, 1600)), caption="The lead picture", credit="Ann Lee/AFP"
    )
    second = photo_with_image(
        wide_png(), name="panorama.png", caption="Second", credit="Bo/Reuters"
    )
    third = photo_with_image(gps_jpeg((800, 1200)), caption="Third", credit="Cy/AP")
    captioned_only = make_photo(caption="No picture yet", credit="Dee/EPA")
    article = make_article(photos=[lead, second, captioned_only, third])
    html = client.get(article.get_absolute_url()).content.decode()

    figures = re.findall(r"<figure.*?</figure>", html, re.S)
    assert len(figures) == 4
    first = figures[0]
    assert "<picture>" in first and 'type="image/webp"' in first
    assert rendition_url(lead, "16x9", 640, "jpg") in first
    assert 'width="640" height="360"' in first
    assert 'loading="lazy"' not in first
    sizes = re.search(r'<img[^>]* sizes="([^"]+)"', first).group(1)
    assert sizes.endswith("calc(100vw - 2rem)")  # the whole screen on phones
    widths = [int(w) for w in re.findall(r" (\d+)w", first)]
    assert min(widths) <= 2 * 375 and max(widths) <= 2400
    assert "<figcaption>The lead picture" in first and "Ann Lee/AFP" in first

    # The gallery, in order: every non-lead photo, lazy, with caption and credit.
    assert [re.search(r"<figcaption>(\w+)", f).group(1) for f in figures[1:]] == [
        "Second",
        "No",
        "Third",
    ]
    for figure in (figures[1], figures[3]):
        assert 'loading="lazy"' in figure and 'decoding="async"' in figure
        assert re.search(r'<img[^>]* width="\d+" height="\d+"', figure)
    assert "<picture>" not in figures[2] and "Dee/EPA" in figures[2]
    assert 'width="640" height="960"' in figures[3]  # uncropped portrait

    # Never the private original.
    for photo in (lead, second, third):
        assert photo.image.name not in html


@pytest.mark.django_db
def test_picture_escapes_alt_text(client):
    photo = photo_with_image(gps_jpeg((800, 600)))
    photo.alt_text = 'A "quoted" <b>alt</b>'
    photo.save()
    article = make_article(photos=[photo])
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'alt="A &quot;quoted&quot; &lt;b&gt;alt&lt;/b&gt;"' in html


@pytest.mark.django_db
def test_home_page_lead_story_shows_its_picture(client):
    photo = photo_with_image(gps_jpeg((1600, 900)))
    make_article(photos=[photo])
    html = client.get("/").content.decode()
    assert rendition_url(photo, "16x9", 640, "jpg") in html


# Concurrency -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_requests_make_one_file(monkeypatch):
    """Four requests at once for a new rendition: one render, one row, one file."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers by locking the file")
    photo = photo_with_image(gps_jpeg())
    calls = []
    real_render = renditions.render

    def slow_render(*args, **kwargs):
        calls.append(threading.get_ident())
        time.sleep(0.3)  # widen the window in which the others arrive
        return real_render(*args, **kwargs)

    monkeypatch.setattr(renditions, "render", slow_render)
    barrier = threading.Barrier(4)
    names, errors = [], []

    def request():
        try:
            fresh = Photo.objects.get(pk=photo.pk)
            barrier.wait()
            names.append(ensure_rendition(fresh, "16x9", 640, "webp").file)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(calls) == 1
    assert Rendition.objects.count() == 1
    assert len(names) == 4 and len(set(names)) == 1
    folder = Path(default_storage.path(names[0])).parent
    assert [p.name for p in folder.iterdir()] == ["16x9-640.webp"]
