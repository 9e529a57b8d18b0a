"""axe-core, injected by Playwright into headless Chromium, finds no WCAG 2.2 A/AA
violations on the reader pages, at phone and desktop widths."""

import os
from pathlib import Path

import pytest

from tests.reader_pages import build_reader_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


def targets(violation: dict) -> list:
    return [node["target"] for node in violation["nodes"]][:3]


@pytest.fixture
def axe_script() -> Path:
    if not AXE.exists():
        reason = "axe-core is not installed (`npm ci` puts it in node_modules/)"
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI must run it")
        pytest.skip(reason)
    return AXE


@pytest.mark.parametrize("width", [375, 1280])
def test_reader_pages_have_no_accessibility_violations(
    page, live_server, axe_script, shared_samples, width
):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    found = {}
    # Before each page's own scripts, through DevTools: the page's
    # Content-Security-Policy refuses inline scripts, which add_script_tag makes.
    page.add_init_script(path=str(axe_script))
    for name, url in build_reader_pages().items():
        page.goto(live_server.url + url)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            WCAG_TAGS,
        )
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} — {targets(v)}"
            for v in result["violations"]
        ]
        if violations:
            found[name] = violations
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    assert found == {}
