"""The Nu HTML Checker (vnu.jar from npm) finds no errors on the reader pages."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .reader_pages import build_reader_pages

VNU = (
    Path(__file__).resolve().parent.parent
    / "node_modules"
    / "vnu-jar"
    / "build"
    / "dist"
    / "vnu.jar"
)


@pytest.fixture
def vnu() -> list[str]:
    java = shutil.which("java")
    if not java or not VNU.exists():
        reason = "the Nu HTML Checker needs java and `npm ci` (node_modules/vnu-jar)"
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI must run it")
        pytest.skip(reason)
    return [java, "-jar", str(VNU), "--format", "json", "--errors-only"]


@pytest.mark.django_db
def test_reader_pages_have_no_html_errors(client, vnu, tmp_path, shared_samples):
    files = []
    for name, url in build_reader_pages().items():
        response = client.get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    result = subprocess.run([*vnu, *files], capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')[
        "messages"
    ]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]
    assert errors == [], "\n".join(errors)
