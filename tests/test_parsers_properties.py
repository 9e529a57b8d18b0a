"""Property tests: random and mutated documents thrown at every parser.

Whatever the bytes, a parser returns a story (or, for the newsroom's own format, a
document) or raises ``ParseError`` with a message for a person: never another
exception. Through ``import_articles``, a file that fails leaves every table as it
was. Examples are derandomized, so CI and every machine run the same ones.
"""

import json
import tempfile
from importlib import import_module
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reversion.models import Revision, Version
from taggit.models import Tag, TaggedItem

from articles.interchange.data import ParsedStory, ParseError
from articles.interchange.detect import PARSERS, parse_document
from articles.models import Article, ArticlePhoto, Author, Byline, Photo, Section

from .conftest import SHARED
from .factories import make_article, make_author, make_photo

PROPERTY = settings(
    max_examples=150,
    derandomize=True,  # the same examples everywhere: a failure reproduces
    database=None,  # nothing written into the work tree
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SAMPLES = {
    "plain": [
        "seed/000_0d1dbcd964e78a06.txt",
        "plain/bbc/sport/378.txt",
        "plain/arabic-talaa/society2.txt",
    ],
    "ninjs": [
        "iptc/ninjs/examples/2.1/dpa_text.json",
        "iptc/ninjs/examples/1.4/ninjsExComplex1.json",
        "iptc/ninjs/examples/2.1/ap_image.json",
    ],
    "nitf": ["iptc/nitf/examples/NTB_nitf_sample.xml"],
    "newsml": [
        "iptc/newsml-g2/examples/LISTING_2_NewsML-G2_Text_Document.xml",
        "iptc/newsml-g2/examples/LISTING_3_Photo_in_NewsML-G2.xml",
    ],
}
# Bytes that matter to one format or another, for insertions.
TOKENS = [
    b"<", b">", b"&", b"&amp;", b"&#0;", b"]]>", b"<![CDATA[", b"<!--", b"</p>",
    b'<!DOCTYPE x [<!ENTITY a "b">]>', b"{", b"}", b"[", b"]", b'"', b"\\", b",",
    b":", b"null", b"1e999", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3",
    b"\r\n", b"\n\n", b"AFP", "\u202e".encode(),
]  # fmt: skip


def parser_or_skip(format_name: str):
    """Return a format's parse function; skip while its module is not written."""
    module_name, function_name = PARSERS[format_name]
    try:
        module = import_module(module_name)
    except ModuleNotFoundError:
        pytest.skip(f"{module_name} does not exist yet: nothing to throw bytes at")
    return getattr(module, function_name)


def samples_or_skip(format_name: str) -> list[bytes]:
    paths = [SHARED / "samples" / name for name in SAMPLES[format_name]]
    if not all(path.is_file() for path in paths):
        pytest.skip(f"the shared samples are absent ({SHARED})")
    return [path.read_bytes() for path in paths]


@st.composite
def mutated(draw, originals: list[bytes]) -> bytes:
    """Take a valid document and flip, delete, insert, duplicate or truncate."""
    data = bytearray(draw(st.sampled_from(originals)))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(data)))
        action = draw(
            st.sampled_from(["flip", "delete", "insert", "token", "copy", "cut"])
        )
        if action == "flip" and position < len(data):
            data[position] = draw(st.integers(0, 255))
        elif action == "delete":
            del data[position : position + draw(st.integers(1, 200))]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=40))
        elif action == "token":
            data[position:position] = draw(st.sampled_from(TOKENS))
        elif action == "copy":
            start = draw(st.integers(0, len(data)))
            data[position:position] = data[start : start + 300]
        elif action == "cut":
            del data[position:]
    return bytes(data)


def check(parse, data: bytes) -> None:
    """A story with a headline, or a ParseError that says why: nothing else."""
    try:
        result = parse(data)
    except ParseError as error:
        assert str(error).strip(), "a ParseError must say why"
        return
    if isinstance(result, ParsedStory):
        assert result.headline.strip()
        assert all(isinstance(p, str) for p in result.paragraphs)
    else:
        assert type(result).__name__ == "NativeDocument"


@pytest.mark.parametrize("format_name", list(SAMPLES))
@PROPERTY
@given(data=st.binary(max_size=2048))
def test_random_bytes_give_a_story_or_a_clear_error(format_name, data):
    check(parser_or_skip(format_name), data)


@pytest.mark.parametrize("format_name", list(SAMPLES))
def test_mutated_documents_give_a_story_or_a_clear_error(format_name):
    parse = parser_or_skip(format_name)
    originals = samples_or_skip(format_name)
    for original in originals:
        check(parse, original)  # the unmutated sample itself is a story

    @PROPERTY
    @given(data=mutated(originals))
    def mutate(data):
        check(parse, data)

    mutate()


@pytest.fixture(scope="module")
def native_sample(django_db_setup, django_db_blocker) -> bytes:
    """A newsroom export of one full story, made in a transaction rolled back."""
    native = pytest.importorskip(
        "articles.interchange.native",
        reason="the newsroom's own format is not written yet",
    )
    with django_db_blocker.unblock(), transaction.atomic():
        make_article(
            headline="Dam opens",
            kicker="Analysis",
            tags=["Energy", "Iraq"],
            authors=[make_author(name="Ann Lee")],
            photos=[make_photo(caption="The dam", alt_text="A concrete dam")],
            source_id="plain:dam.txt",
        )
        data = native.export_native()
        transaction.set_rollback(True)
    return data


def test_mutated_newsroom_exports_give_a_document_or_a_clear_error(native_sample):
    parse = parser_or_skip("native")
    check(parse, native_sample)

    @PROPERTY
    @given(data=mutated([native_sample]))
    def mutate(data):
        check(parse, data)

    mutate()


@PROPERTY
@given(data=st.binary(max_size=1024) | st.sampled_from([b"<", b"{", b"[1]"]))
def test_detection_and_dispatch_never_crash(data):
    """Whatever the format detection decides, its parser answers cleanly."""
    check(lambda data: parse_document(data, name="upload"), data)


def row_counts() -> dict[str, int]:
    models = [
        Article, Photo, ArticlePhoto, Author, Byline, Section, Tag, TaggedItem,
        Revision, Version,
    ]  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def all_samples() -> list[bytes]:
    found = []
    for format_name in SAMPLES:
        module_name = PARSERS[format_name][0]
        try:
            import_module(module_name)
        except ModuleNotFoundError:
            continue
        found += samples_or_skip(format_name)
    return found


@pytest.mark.django_db
def test_a_failed_file_leaves_every_table_as_it_was():
    """Mutated documents of every format through ``import_articles``."""
    originals = all_samples()

    @settings(PROPERTY, max_examples=60)
    @given(data=mutated(originals))
    def import_one(data):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "story.dat"
            path.write_bytes(data)
            report = Path(folder) / "report.json"
            before = row_counts()
            try:
                call_command(
                    "import_articles",
                    str(path),
                    "--report",
                    str(report),
                    stdout=StringIO(),
                    stderr=StringIO(),
                )
            except CommandError:
                pass
            (row,) = json.loads(report.read_text(encoding="utf-8"))
        assert not row["reason"].startswith("unexpected error"), row
        if row["outcome"] == "failed":
            assert row["reason"].strip()
            assert row_counts() == before

    import_one()
