"""The reader pages fit a phone (375 px) and a desktop (1280 px) without sideways
scrolling, even with words and addresses too long for a line; printed, a story is
the story alone, black on white."""

import pytest
from django.core.files.base import ContentFile

from tests import images
from tests.factories import make_article, make_author, make_photo, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_WORD = "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz" * 2
LONG_ADDRESS = "https://example.org/" + "very-long-path-segment/" * 8 + "?q=" + "x" * 60


@pytest.fixture
def pages() -> dict[str, str]:
    """A story with a long unbroken word everywhere text goes, a wide picture, a long
    tag, related stories and section neighbours; and the pages listing it."""
    section = make_section(name="World", slug="world")
    photo = make_photo(caption=f"Caption with {LONG_WORD}", alt_text="Harbour at dawn")
    photo.image.save("wide.jpg", ContentFile(images.jpeg((1600, 900))))
    photo.width, photo.height = 1600, 900
    photo.save()
    story = make_article(
        headline=f"Parliament passes the {LONG_WORD}",
        standfirst=f"Read it at {LONG_ADDRESS}",
        body=f"{LONG_WORD} {LONG_WORD}\n\nSource: {LONG_ADDRESS}",
        dateline=LONG_WORD[:60].upper(),
        agency="AFP",
        section=section,
        authors=[make_author(name=LONG_WORD[:60])],
        tags=[LONG_WORD[:90], "Law"],
        photos=[photo],
    )
    for n in range(5):
        make_article(
            headline=f"{LONG_WORD} {n}", section=section, tags=["Law"] if n % 2 else []
        )
    day = story.published_at
    return {
        "home": "/",
        "story": story.get_absolute_url(),
        "section": section.get_absolute_url(),
        "day": f"/{day:%Y/%m/%d}/",
    }


@pytest.mark.parametrize("width", [375, 1280])
def test_pages_never_scroll_sideways(page, live_server, pages, width):
    page.set_viewport_size({"width": width, "height": 800})
    for name, url in pages.items():
        page.goto(live_server.url + url)
        sizes = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert sizes[0] <= sizes[1], f"{name} at {width} px: {sizes}"
    # The story's lead picture is in view and scaled to the column.
    page.goto(live_server.url + pages["story"])
    picture = page.locator("article.story figure img").first
    box = picture.bounding_box()
    assert box and 0 < box["width"] <= width


def test_printed_story_is_the_story_alone_in_black_on_white(page, live_server, pages):
    page.goto(live_server.url + pages["story"])
    assert page.locator("aside.related").is_visible()
    page.emulate_media(media="print")
    for hidden in [
        ".skip-link",
        ".site-header nav",
        ".site-header [role=search]",
        ".site-footer",
        "aside.related",
        "nav.tags",
    ]:
        for element in page.locator(hidden).all():
            assert element.is_hidden(), f"{hidden} is printed"
    for shown in ["h1", ".standfirst", ".story-body", "article.story figure"]:
        assert page.locator(shown).first.is_visible(), f"{shown} is not printed"
    colours = page.evaluate(
        """() => {
            const style = getComputedStyle(document.body);
            const link = getComputedStyle(document.querySelector('.meta a'));
            return [style.color, style.backgroundColor, link.color];
        }"""
    )
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    assert page.pdf(format="A4")[:4] == b"%PDF"
