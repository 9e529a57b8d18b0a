"""Reader and editor journeys in a real Chromium against the live development server."""

import re

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_reads_the_seed_story_from_the_front_page(page, live_server, seed_path):
    call_command("import_articles", str(seed_path), "--publish", verbosity=0)
    article = Article.objects.get()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=article.headline).first.click()
    page.wait_for_url(re.compile(re.escape(article.get_absolute_url()) + "$"))
    assert page.get_by_role("heading", level=1).inner_text() == article.headline
    caption = page.locator("figure figcaption")
    assert caption.count() == 1
    assert "AFP" in caption.inner_text()
    paragraphs = page.locator(".story-body p").all_inner_texts()
    assert paragraphs == article.paragraphs
    assert len(paragraphs) == 12
    assert "Route 6" not in page.content()


def test_keyboard_user_can_skip_to_the_content(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_editor_logs_in_and_edits_the_seed_headline(page, live_server, seed_path):
    call_command("import_articles", str(seed_path), "--publish", verbosity=0)
    make_user("editor", password="browser-test-passw0rd")
    article = Article.objects.get()
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "browser-test-passw0rd")
    page.click("input[type=submit]")
    assert "Route 6" in page.locator("#id_import_notes").input_value()
    page.fill("#id_headline", "Iraqi forces say Daesh in retreat")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/articles/article/$"))
    article.refresh_from_db()
    assert article.headline == "Iraqi forces say Daesh in retreat"
    assert article.body.count("\n\n") == 11
