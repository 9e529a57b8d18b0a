"""Untrusted XML: a document type declaration that only names a DTD is accepted and
the DTD is never read; entity declarations, external entities and entity bombs are
refused with a reason a person understands."""

import http.server
import threading
from pathlib import Path

import pytest

from articles.interchange.data import ParseError
from articles.interchange.detect import detect_format
from articles.interchange.newsml import NAR_NAMESPACE, parse_newsml
from articles.interchange.nitf import parse_nitf

NITF_BODY = b"<nitf><body><body.head><hedline><hl1>Floods in the north</hl1>"
NITF_BODY += b"</hedline></body.head><body.content><p>Rain fell.</p>"
NITF_BODY += b"</body.content></body></nitf>"


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE nitf SYSTEM "nitf-3-4.dtd">',
        b'<!DOCTYPE nitf PUBLIC "-//IPTC//DTD NITF 3.4//EN" '
        b'"http://www.nitf.org/site/nitf-documentation/nitf-3-4.dtd">',
        b"<!DOCTYPE nitf>",
    ],
    ids=["system", "public", "bare"],
)
def test_a_doctype_naming_the_nitf_dtd_is_accepted(doctype):
    data = b'<?xml version="1.0" encoding="UTF-8"?>\n' + doctype + b"\n" + NITF_BODY

    story = parse_nitf(data)

    assert detect_format(data) == "nitf"
    assert story.headline == "Floods in the north"
    assert story.paragraphs == ["Rain fell."]


def test_the_named_dtd_is_never_fetched():
    """A DTD served over HTTP gets no request: nothing is read from outside."""
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY hl "fetched">')

        def log_message(self, *args) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/nitf.dtd"
        data = f'<!DOCTYPE nitf SYSTEM "{url}">'.encode() + NITF_BODY
        assert parse_nitf(data).headline == "Floods in the north"
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []


def test_an_entity_only_the_external_dtd_declares_stays_undefined(tmp_path: Path):
    """The DTD file would define the entity; it is not read, so the reference is an
    error and the file's text never reaches the story."""
    dtd = tmp_path / "secret.dtd"
    dtd.write_text('<!ENTITY secret "text from the server\'s disk">')
    data = f'<!DOCTYPE nitf SYSTEM "{dtd.as_uri()}">'.encode()
    data += b"<nitf><body><body.head><hedline><hl1>&secret;</hl1></hedline>"
    data += b"</body.head></body></nitf>"

    with pytest.raises(ParseError, match="not well-formed XML: undefined entity"):
        parse_nitf(data)


@pytest.mark.parametrize(
    ("doctype", "reason"),
    [
        (
            b'<!DOCTYPE nitf [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>',
            r"declares the entity 'lol', and entities can expand into gigabytes",
        ),
        (
            b'<!DOCTYPE nitf [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
            r"external entity 'xxe' \(file:///etc/passwd\), which would read a file",
        ),
        (
            b'<!DOCTYPE nitf SYSTEM "nitf-3-4.dtd" [<!ENTITY copy "(c)">]>',
            r'<!DOCTYPE nitf SYSTEM "nitf-3-4.dtd" \[...\]>.*declares the entity',
        ),
        (
            b"<!DOCTYPE nitf [<!ELEMENT nitf ANY>]>",
            r"with an internal subset, and IPTC imports accept no DTD declarations",
        ),
    ],
    ids=["entity-bomb", "external-entity", "named-dtd-with-entity", "subset"],
)
def test_an_internal_subset_is_refused_with_what_it_would_do(doctype, reason):
    with pytest.raises(ParseError, match=reason) as refused:
        parse_nitf(doctype + NITF_BODY)

    assert str(refused.value).startswith("refused: the XML has a DTD")


def test_newsml_with_a_named_dtd_is_accepted_and_with_an_entity_refused():
    item = (
        f'<newsItem xmlns="{NAR_NAMESPACE}" guid="urn:g:1" version="2">'
        "<contentMeta><headline>Storm</headline></contentMeta></newsItem>"
    ).encode()

    assert parse_newsml(b'<!DOCTYPE newsItem SYSTEM "g2.dtd">' + item).headline == (
        "Storm"
    )
    with pytest.raises(ParseError, match="declares the entity 'e'"):
        parse_newsml(b'<!DOCTYPE newsItem [<!ENTITY e "x">]>' + item)
