"""Two whole journeys in Chromium: a reader finding their way, an editor publishing.

Screenshots of every page at phone and desktop widths go to test-results/."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article
from tests import images
from tests.factories import make_author, make_section, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


def snap(page, name: str) -> None:
    """Save the page at 375 px and 1280 px wide."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(
            path=SCREENSHOTS / f"journey-{name}-{width}.png", full_page=True
        )
    page.set_viewport_size({"width": 1280, "height": 900})


def test_reader_goes_from_home_to_a_story_to_a_tag_to_search(
    page, live_server, seed_path
):
    call_command("load_demo", verbosity=0)
    seed = Article.objects.get(source_id=f"plain:{seed_path.name}")
    page.goto(live_server.url + "/")
    snap(page, "home")
    page.get_by_role("link", name=seed.headline).first.click()
    page.wait_for_url(re.compile(re.escape(seed.get_absolute_url()) + "$"))
    snap(page, "story")
    page.get_by_role("navigation", name="Topics").get_by_role(
        "link", name="Iraq"
    ).click()
    page.wait_for_url(re.compile(r"/tag/iraq/$"))
    assert page.get_by_role("link", name=seed.headline).count() >= 1
    snap(page, "tag")
    search = page.get_by_role("searchbox")
    search.fill("Hatra")
    search.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=Hatra"))
    assert page.get_by_role("link", name=seed.headline).count() == 1
    snap(page, "search")


def choose_autocomplete(page, container, text: str) -> None:
    """Pick an option in one of the admin's autocomplete (select2) boxes."""
    container.locator(".select2-selection").click()
    page.locator(".select2-search__field").last.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_editor_writes_a_story_with_bylines_tags_and_a_photo_and_publishes_it(
    page, live_server, tmp_path
):
    make_user("editor", password="journey-passw0rd-1")
    make_section(name="City", slug="city")
    make_author(name="Ann Reporter")
    picture = tmp_path / "harbour.jpg"
    picture.write_bytes(
        images.jpeg_with_gps_and_iptc(caption="", credit="", size=(1600, 900))
    )

    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "journey-passw0rd-1")
    page.click("input[type=submit]")

    page.goto(live_server.url + "/admin/articles/photo/add/")
    page.set_input_files("#id_image", str(picture))
    page.fill("#id_caption", "Boats return to the harbour at dawn.")
    page.fill("#id_credit", "Ann Reporter/Newsroom")
    page.fill("#id_alt_text", "Fishing boats moored in a calm harbour")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/photo/")

    page.goto(live_server.url + "/admin/articles/article/add/")
    page.fill("#id_headline", "Harbour reopens after the storm")
    page.fill("#id_standfirst", "Fishing boats are back after a week in shelter.")
    page.fill(
        "#id_body",
        'The harbour reopened on Monday.\n\n"We are relieved," said a skipper.',
    )
    page.select_option("#id_status", "published")
    page.fill("#id_tags", "Harbour, Weather")
    choose_autocomplete(page, page.locator(".field-section"), "City")
    page.get_by_text("Add another Byline").click()
    choose_autocomplete(page, page.locator("#bylines-0"), "Ann Reporter")
    page.get_by_text("Add another Photo in story").click()
    choose_autocomplete(page, page.locator("#article_photos-0"), "Boats return")
    page.check("#id_article_photos-0-is_lead")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")

    article = Article.objects.get(headline="Harbour reopens after the storm")
    assert article.is_published
    page.goto(live_server.url + article.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == article.headline
    assert "Ann Reporter" in page.locator(".byline").inner_text()
    assert (
        "Boats return to the harbour at dawn."
        in page.locator("figcaption").first.inner_text()
    )
    assert "Ann Reporter/Newsroom" in page.locator("figcaption").first.text_content()
    page.wait_for_function("document.querySelector('figure img').complete")
    assert page.locator("figure img").first.evaluate("img => img.naturalWidth") > 0
    snap(page, "published-story")
