"""`make serve`: production settings under gunicorn, static files by WhiteNoise.

These tests start the real command on a free port with a fresh SQLite database and
static folder of their own, and talk to it over HTTP.
"""

import gzip
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, **headers: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class Server:
    def __init__(self, tmp_path: Path, *, secret_key: str | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.static_root = tmp_path / "static"
        self.secret_key_file = tmp_path / "secret-key"
        self.log = tmp_path / "serve.log"
        inherited = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ENV", "PORT"}
        }
        env = {
            **inherited,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "STATIC_ROOT": str(self.static_root),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "PRIVATE_MEDIA_ROOT": str(tmp_path / "private-media"),
            "CACHE_DIR": str(tmp_path / "cache"),
            "SECRET_KEY_FILE": str(self.secret_key_file),
            "PORT": str(self.port),
        }
        if secret_key:
            env["SECRET_KEY"] = secret_key
        with self.log.open("wb") as log:
            # -o: the virtualenv is this one, already installed; never reinstall it.
            self.process = subprocess.Popen(
                ["make", "--no-print-directory", "-o", ".venv/.installed", "serve"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"make serve exited:\n{self.log.read_text()}")
            try:
                fetch(self.url + "/robots.txt")
                return
            except OSError:
                time.sleep(0.25)
        pytest.fail(f"make serve did not answer in time:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def serve(tmp_path):
    servers = []

    def start(**kwargs) -> Server:
        server = Server(tmp_path, **kwargs)
        servers.append(server)
        server.wait_until_up()
        return server

    yield start
    for server in servers:
        server.stop()


def test_make_serve_answers_with_production_settings(serve):
    """The home page is served, and an unknown address gets the plain 404, not
    Django's debug page: DEBUG is off."""
    server = serve()
    status, headers, body = fetch(server.url + "/")
    assert status == 200, body[:500]
    assert headers["Content-Type"].startswith("text/html")
    status, _, body = fetch(server.url + "/no-such-page/")
    assert status == 404
    assert b"URLconf" not in body and b"DEBUG = True" not in body


def test_static_files_have_hashed_names_and_come_compressed(serve):
    """Pages link the hashed copy of the style sheet; WhiteNoise serves it
    compressed and cacheable forever."""
    server = serve()
    _, _, page = fetch(server.url + "/")
    match = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
    assert match, "the home page does not link a hashed style sheet"
    address = match.group(1).decode()
    collected = (server.static_root / address.removeprefix("/static/")).read_bytes()

    status, headers, body = fetch(server.url + address, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("Content-Encoding") == "gzip"
    assert len(body) < len(collected)
    assert gzip.decompress(body) == collected
    assert "immutable" in headers["Cache-Control"]
    assert "Accept-Encoding" in headers["Vary"]

    _, plain_headers, plain = fetch(server.url + address)
    assert "Content-Encoding" not in plain_headers
    assert plain == collected


def test_a_secret_key_is_made_once_and_kept(serve, tmp_path):
    """Without SECRET_KEY, the first `make serve` writes a private key file and
    later runs reuse it, so sessions survive a restart."""
    first = serve()
    key_file = first.secret_key_file
    key = key_file.read_text().strip()
    assert len(key) >= 50
    assert key_file.stat().st_mode & 0o077 == 0
    first.stop()
    serve()
    assert key_file.read_text().strip() == key


def test_secret_key_from_the_environment_writes_no_file(serve):
    server = serve(secret_key="a-secret-from-the-environment-" + "x" * 40)
    assert fetch(server.url + "/")[0] == 200
    assert not server.secret_key_file.exists()
