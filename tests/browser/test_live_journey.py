"""A reader keeps a live story open in Chromium and sees entries arrive, no reload."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import make_article, make_author, make_live_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTRY_COUNT = "document.querySelectorAll('.live-entry').length"


@pytest.fixture(autouse=True)
def quick_polls_and_own_cache(settings):
    settings.LIVE_POLL_SECONDS = 0.5
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "live-journey",
        }
    }


def console_error(message, problems: list[str]) -> None:
    """Keep errors, but not the favicon this site does not have (not our concern)."""
    if message.type == "error" and not message.location.get("url", "").endswith(
        "/favicon.ico"
    ):
        problems.append(f"{message.text} {message.location}")


def test_entries_added_after_the_page_opened_appear_without_a_reload(page, live_server):
    story = make_article(headline="Offensive: live", is_live=True)
    author = make_author(name="Lina Haddad")
    make_live_entry(story, author=author, body="Convoy leaves at dawn.")
    problems: list[str] = []
    page.on("console", lambda m: console_error(m, problems))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else 0,
    )

    page.goto(live_server.url + story.get_absolute_url())
    assert page.locator("[data-live-status]").text_content() == "Live"
    assert page.evaluate(ENTRY_COUNT) == 1
    page.evaluate("window.openedOnce = true")  # gone if the page reloads

    added = [
        make_live_entry(story, author=author, body=f"Update {n}: <b>not bold</b>.")
        for n in range(3)
    ]
    added[1].is_key_moment = True
    added[1].title = "Bridge retaken"
    added[1].save()
    expect(page.locator(".live-entry")).to_have_count(4)

    assert page.evaluate("window.openedOnce") is True
    ids = page.locator(".live-entry").evaluate_all("nodes => nodes.map(n => n.id)")
    assert ids[:3] == [f"entry-{e.pk}" for e in reversed(added)]
    bodies = page.locator(".live-entry p:first-of-type").all_inner_texts()
    assert bodies[0] == "Update 2: <b>not bold</b>."  # text, never markup
    expect(page.locator("[data-key-moments] a")).to_have_count(1)
    assert "Bridge retaken" in page.locator("[data-key-moments]").inner_text()
    assert page.locator("[data-live-announcer]").get_attribute("aria-live") == "polite"
    assert page.locator("[data-live-announcer]").inner_text().strip()

    story.is_live = False
    story.save()
    expect(page.locator("[data-live-status]")).to_have_text("Ended")
    requests: list[str] = []
    page.on(
        "request", lambda r: requests.append(r.url) if "entries.json" in r.url else 0
    )
    page.wait_for_timeout(1500)
    assert requests == []  # polling stopped with the coverage
    assert problems == []


def test_without_javascript_a_reload_shows_every_entry(browser, live_server):
    story = make_article(is_live=True)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + story.get_absolute_url())
        assert page.locator(".live-entry").count() == 0
        entry = make_live_entry(story, body="Posted while the page was open.")
        page.reload()
        assert page.locator(f"#entry-{entry.pk}").inner_text().count("Posted") == 1
        assert page.locator("noscript").count() == 1
        assert timezone.localtime(entry.created_at).strftime("%H:%M") in (
            page.locator(f"#entry-{entry.pk} time").inner_text()
        )
    finally:
        context.close()
