"""Uploaded photo files: what is refused and why, what is read, what readers get."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile, IptcImagePlugin

from photos.metadata import EmbeddedMetadata, combine_credit, read_metadata
from photos.validation import CheckedImage, RejectedImage, check_image, public_copy
from tests import images
from tests.images import BODY_SERIAL_NUMBER, EXIF_IFD, GPS_IFD, MAKE, MODEL


class CountingFile(io.BytesIO):
    """A file that remembers how many bytes were read from it."""

    bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data


class HugeFile(io.RawIOBase):
    """A seekable file that claims a size and refuses to be read."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._position = 0

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._position = self._size + offset if whence == io.SEEK_END else offset
        return self._position

    def tell(self) -> int:
        return self._position

    def read(self, size=-1):
        raise AssertionError("the size check must not read the file")


def refusal(data: bytes, name: str, **options) -> RejectedImage:
    with pytest.raises(RejectedImage) as caught:
        check_image(io.BytesIO(data), name=name, **options)
    return caught.value


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def saved(image: Image.Image, image_format: str) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    buffer.seek(0)
    return Image.open(buffer)


# Refused files


def test_text_file_named_jpg_is_refused_as_not_an_image():
    error = refusal(images.text_named_jpg(), "beach.jpg")
    assert error.code == "not_image"
    assert str(error) == (
        "beach.jpg was refused: it is not an image (the file could not be read "
        "as JPEG, PNG, WebP or GIF)."
    )


def test_truncated_jpeg_is_refused_as_incomplete():
    error = refusal(images.truncated_jpeg(), "harbour.jpg")
    assert error.code == "truncated"
    assert str(error) == "harbour.jpg was refused: the file is incomplete (truncated)."


def test_truncated_png_is_refused_as_incomplete():
    error = refusal(images.truncated_png(), "chart.png")
    assert error.code == "truncated"
    assert "chart.png" in str(error)


def test_truncated_file_is_refused_even_if_pillow_was_told_to_accept_them(
    monkeypatch,
):
    """A global LOAD_TRUNCATED_IMAGES set elsewhere does not let broken files in."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    assert refusal(images.truncated_jpeg(), "harbour.jpg").code == "truncated"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # restored afterwards


def test_decompression_bomb_is_refused_from_its_header_without_decoding():
    data = images.bomb_png((40000, 40000))
    assert len(data) < 1000
    error = refusal(data, "bomb.png")
    assert error.code == "bomb"
    assert str(error) == (
        "bomb.png was refused: 40000 × 40000 pixels is more than this site "
        "accepts (a decompression bomb)."
    )


def test_image_over_pillows_warning_threshold_is_refused_too():
    """Between MAX_IMAGE_PIXELS and twice that, Pillow only warns: still refused."""
    side = int(Image.MAX_IMAGE_PIXELS**0.5) + 100
    error = refusal(images.bomb_png((side, side)), "poster.png")
    assert error.code == "bomb"
    assert f"{side} × {side} pixels" in str(error)


def test_svg_with_script_is_refused_even_when_named_jpg():
    for name in ("logo.svg", "logo.jpg"):
        error = refusal(images.svg_with_script(), name)
        assert error.code == "svg"
        assert str(error) == (
            f"{name} was refused: SVG files are not accepted (they can carry scripts)."
        )


def test_other_image_format_is_refused_naming_it():
    error = refusal(images.tiff(), "scan.tif")
    assert error.code == "format"
    assert str(error) == (
        "scan.tif was refused: it is a TIFF file; only JPEG, PNG, WebP and GIF "
        "files are accepted."
    )


def test_empty_file_is_refused():
    assert str(refusal(b"", "blank.jpg")) == "blank.jpg was refused: the file is empty."


def test_file_over_the_limit_is_refused_before_any_byte_is_read():
    data = images.jpeg_with_gps_and_iptc()
    file = CountingFile(data)
    with pytest.raises(RejectedImage) as caught:
        check_image(file, name="big.jpg", max_bytes=len(data) - 1)
    assert caught.value.code == "too_large"
    assert str(caught.value).startswith("big.jpg was refused: it is ")
    assert file.bytes_read == 0
    assert file.tell() == 0


def test_size_refusal_states_size_and_limit_in_megabytes():
    with pytest.raises(RejectedImage) as caught:
        check_image(HugeFile(int(30.2 * 1024 * 1024)), name="beach.jpg")
    assert str(caught.value) == (
        "beach.jpg was refused: it is 30.2 MB, over the 25 MB limit."
    )


def test_size_limit_comes_from_the_setting(settings):
    settings.PHOTO_MAX_UPLOAD_BYTES = 1024
    error = refusal(images.jpeg_with_gps_and_iptc(), "beach.jpg")
    assert error.code == "too_large"
    assert "over the 1 KB limit" in str(error)


def test_refused_file_is_rewound():
    file = io.BytesIO(images.truncated_jpeg())
    with pytest.raises(RejectedImage):
        check_image(file, name="harbour.jpg")
    assert file.tell() == 0


# Accepted files


@pytest.mark.parametrize(
    ("data", "image_format", "size"),
    [
        (images.jpeg_with_gps_and_iptc(size=(800, 600)), "JPEG", (800, 600)),
        (images.png_with_transparency((200, 100)), "PNG", (200, 100)),
        (images.png_with_transparency((200, 100), mode="P"), "PNG", (200, 100)),
        (images.cmyk_jpeg((300, 200)), "JPEG", (300, 200)),
        (images.gif((120, 80)), "GIF", (120, 80)),
        (images.webp((160, 90)), "WEBP", (160, 90)),
    ],
    ids=["jpeg", "png-rgba", "png-palette", "cmyk-jpeg", "gif", "webp"],
)
def test_good_file_is_accepted_with_its_format_and_size(data, image_format, size):
    checked = check_image(io.BytesIO(data), name="photo")
    assert isinstance(checked, CheckedImage)
    assert (checked.format, (checked.width, checked.height)) == (image_format, size)


def test_exif_orientation_6_swaps_width_and_height():
    data = images.jpeg_with_gps_and_iptc(size=(800, 600), orientation=6)
    checked = check_image(io.BytesIO(data), name="portrait.jpg")
    assert (checked.width, checked.height) == (600, 800)


def test_django_upload_is_accepted_rewound_and_left_open():
    upload = SimpleUploadedFile("beach.jpg", images.jpeg_with_gps_and_iptc())
    checked = check_image(upload, name=upload.name)
    assert checked.format == "JPEG"
    assert upload.tell() == 0
    assert not upload.closed
    assert upload.read(2) == b"\xff\xd8"


# Embedded text


def test_handmade_iptc_block_reads_back_with_pillow():
    data = images.jpeg_with_gps_and_iptc(caption="Snow in Madrid.", byline="Ana")
    info = IptcImagePlugin.getiptcinfo(opened(data))
    assert info[(2, 120)] == b"Snow in Madrid."
    assert info[(2, 80)] == b"Ana"


def test_iptc_caption_byline_credit_and_copyright_are_read():
    data = images.jpeg_with_gps_and_iptc(
        caption="Firefighters tackle a blaze in Paris.",
        byline="John Smith",
        credit="AFP",
        copyright="© 2026 AFP",
    )
    metadata = check_image(io.BytesIO(data), name="fire.jpg").metadata
    assert metadata == EmbeddedMetadata(
        caption="Firefighters tackle a blaze in Paris.",
        credit="John Smith/AFP",
        copyright="© 2026 AFP",
        fields={
            "IPTC Caption-Abstract": "Firefighters tackle a blaze in Paris.",
            "IPTC By-line": "John Smith",
            "IPTC Credit": "AFP",
            "IPTC Copyright Notice": "© 2026 AFP",
        },
    )


def test_repeated_iptc_bylines_are_joined():
    data = images.jpeg_with_gps_and_iptc(byline=("John Smith", "Jane Roe"))
    assert read_metadata(opened(data)).credit == "John Smith, Jane Roe/AFP"


def test_iptc_text_in_latin_1_is_decoded():
    """Older agency software writes Latin-1 without saying so."""
    data = images.insert_iptc(
        images.jpeg(), [(2, 120, "Zürich at dawn.")], encoding="latin-1"
    )
    assert read_metadata(opened(data)).caption == "Zürich at dawn."


def test_exif_only_metadata_is_read_as_utf_8():
    data = images.jpeg_with_exif_metadata(
        description="Flooded street in Valencia.",
        artist="Ana García",
        copyright="© Ana García",
    )
    metadata = read_metadata(opened(data))
    assert (metadata.caption, metadata.credit, metadata.copyright) == (
        "Flooded street in Valencia.",
        "Ana García",
        "© Ana García",
    )
    assert metadata.fields == {
        "EXIF ImageDescription": "Flooded street in Valencia.",
        "EXIF Artist": "Ana García",
        "EXIF Copyright": "© Ana García",
    }


def test_camera_default_description_is_not_taken_as_a_caption():
    data = images.jpeg_with_exif_metadata(description="OLYMPUS DIGITAL CAMERA")
    metadata = read_metadata(opened(data))
    assert metadata.caption == ""
    assert metadata.fields["EXIF ImageDescription"] == "OLYMPUS DIGITAL CAMERA"


def test_whitespace_and_nuls_are_stripped_from_embedded_text():
    data = images.jpeg_with_exif_metadata(
        description=b"  Market day.\x00\x00  ", artist=b"\x00Ana\x00", copyright=b""
    )
    metadata = read_metadata(opened(data))
    assert (metadata.caption, metadata.credit) == ("Market day.", "Ana")


def test_xmp_metadata_is_read_when_there_is_no_iptc_or_exif():
    metadata = read_metadata(opened(images.jpeg_with_xmp()))
    assert metadata.caption == "Protesters gather outside parliament."
    assert metadata.credit == "Maria Rossi/Reuters"
    assert metadata.copyright == "© 2026 Reuters"
    assert metadata.fields["XMP dc:creator"] == "Maria Rossi"


def test_iptc_wins_over_exif_for_the_caption():
    exif_jpeg = images.jpeg_with_exif_metadata(description="EXIF caption")
    data = images.insert_iptc(exif_jpeg, [(2, 120, "IPTC caption")])
    metadata = read_metadata(opened(data))
    assert metadata.caption == "IPTC caption"
    assert metadata.fields["EXIF ImageDescription"] == "EXIF caption"


def test_exif_artist_and_iptc_credit_combine_into_one_credit():
    exif_jpeg = images.jpeg_with_exif_metadata(artist="Ana García", copyright="")
    data = images.insert_iptc(exif_jpeg, [(2, 110, "EFE")])
    assert read_metadata(opened(data)).credit == "Ana García/EFE"


@pytest.mark.parametrize(
    ("byline", "agency", "credit"),
    [
        ("John Smith", "AFP", "John Smith/AFP"),
        ("John Smith/AFP", "AFP", "John Smith/AFP"),
        ("AFP", "AFP", "AFP"),
        ("", "AFP", "AFP"),
        ("John Smith", "", "John Smith"),
        ("Jasper Apple", "AP", "Jasper Apple/AP"),
    ],
)
def test_credit_combines_photographer_and_agency_sensibly(byline, agency, credit):
    assert combine_credit(byline, agency) == credit


def test_file_without_text_gives_empty_metadata():
    metadata = read_metadata(opened(images.png_with_transparency()))
    assert metadata == EmbeddedMetadata()


# Public copies


def test_public_copy_drops_gps_camera_serial_iptc_and_xmp():
    data = images.insert_iptc(
        images.jpeg_with_gps_and_iptc(), [(2, 120, "Second caption block")]
    )
    original = opened(data)
    exif = original.getexif()
    assert GPS_IFD in exif and MAKE in exif and MODEL in exif
    assert BODY_SERIAL_NUMBER in exif.get_ifd(EXIF_IFD)
    assert IptcImagePlugin.getiptcinfo(original)

    for image_format in ("JPEG", "WEBP"):
        public = saved(public_copy(original), image_format)
        exif = public.getexif()
        assert GPS_IFD not in exif, image_format
        assert not exif.get_ifd(GPS_IFD)
        assert MAKE not in exif and MODEL not in exif
        assert not exif.get_ifd(EXIF_IFD)
        assert IptcImagePlugin.getiptcinfo(public) is None
        assert "xmp" not in public.info and "exif" not in public.info


def test_public_copy_drops_xmp_location():
    original = opened(images.jpeg_with_xmp())
    assert b"GPSLatitude" in original.info["xmp"]
    for image_format in ("JPEG", "WEBP", "PNG"):
        public = saved(public_copy(original), image_format)
        assert "xmp" not in public.info, image_format
        assert public.getxmp() == {}


def test_public_copy_carries_no_metadata_at_all():
    public = public_copy(opened(images.jpeg_with_gps_and_iptc()))
    assert public.info == {}
    assert dict(public.getexif()) == {}


def test_public_copy_turns_the_picture_upright():
    original = opened(images.jpeg_with_gps_and_iptc(size=(800, 600), orientation=6))
    public = public_copy(original)
    assert public.size == (600, 800)
    # Orientation 6 means "rotate 90° clockwise to view": the left half (blue)
    # ends up at the top.
    red, green, blue = public.getpixel((300, 100))
    assert blue > red


def test_public_copy_turns_cmyk_into_rgb():
    original = opened(images.cmyk_jpeg())
    assert original.mode == "CMYK"
    public = public_copy(original)
    assert public.mode == "RGB"
    red, green, blue = public.getpixel((10, 10))
    assert red < 40 and green > 200 and blue > 200  # cyan stays cyan


@pytest.mark.parametrize("mode", ["RGBA", "P"])
def test_public_copy_keeps_png_transparency_as_rgba(mode):
    public = public_copy(opened(images.png_with_transparency((200, 100), mode=mode)))
    assert public.mode == "RGBA"
    assert public.getpixel((10, 10))[3] == 0
    assert public.getpixel((190, 10))[3] == 255


def test_public_copy_of_gif_and_webp_is_rgb():
    assert public_copy(opened(images.gif())).mode == "RGB"
    assert public_copy(opened(images.webp())).mode == "RGB"


def test_public_copy_converts_through_the_icc_profile_and_drops_it():
    original = opened(images.jpeg_with_icc_profile())
    assert original.info["icc_profile"]
    public = public_copy(original)
    assert "icc_profile" not in saved(public, "JPEG").info
    red, green, blue = public.getpixel((10, 10))  # the blue half stays blue
    assert blue > 150 and red < 80
