"""The breaking-news banner: on every public page until cleared or expired, escaped,
labelled, and editable only by Editors."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from fronts.models import Banner

from .factories import make_article, make_section, make_user

pytestmark = pytest.mark.django_db

HOME = reverse("articles:home")
BANNER = "//section[@class='breaking-news']"


def editor():
    user = make_user("desk-editor", superuser=False)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def test_banner_shows_on_home_story_and_section_pages_with_its_text_escaped(client):
    world = make_section(name="World", slug="world")
    story = make_article(headline="Ceasefire story", section=world)
    client.force_login(editor())
    response = client.post(
        reverse("admin:fronts_banner_add"),
        {"text": "Ceasefire <b>announced</b>", "link": story.get_absolute_url(),
         "is_shown": "on", "expires_at_0": "", "expires_at_1": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content
    client.logout()

    for url in (HOME, story.get_absolute_url(), world.get_absolute_url()):
        response = client.get(url)
        assert b"Ceasefire &lt;b&gt;announced&lt;/b&gt;" in response.content
        banner = lxml_html.fromstring(response.content).xpath(BANNER)[0]
        label = banner.get_element_by_id(banner.get("aria-labelledby"))
        assert banner.tag == "section" and label.text_content() == "Breaking news"
        link = banner.xpath(".//a")[0]
        assert link.get("href") == story.get_absolute_url()
        assert link.text_content() == "Ceasefire <b>announced</b>"


def test_cleared_banner_disappears_from_every_page(client):
    banner = Banner.objects.create(text="Polls close", link="/")
    assert b"Polls close" in client.get(HOME).content
    client.force_login(editor())
    response = client.post(
        reverse("admin:fronts_banner_changelist"),
        {"action": "clear_banners", "_selected_action": [banner.pk], "index": 0},
    )
    assert response.status_code == 302
    client.logout()
    response = client.get(HOME)
    assert b"Polls close" not in response.content
    assert b"breaking-news" not in response.content


def test_expired_banner_disappears_by_itself(client):
    Banner.objects.create(
        text="Polls close soon",
        link="https://example.org/polls",
        expires_at=timezone.now() + timedelta(seconds=1.5),
    )
    assert b"Polls close soon" in client.get(HOME).content
    time.sleep(2)
    assert b"Polls close soon" not in client.get(HOME).content


def test_the_newest_shown_banner_wins_and_an_older_one_returns_when_it_goes(client):
    Banner.objects.create(text="Older line", link="/")
    newer = Banner.objects.create(text="Newer line", link="/")
    assert b"Newer line" in client.get(HOME).content
    newer.delete()
    response = client.get(HOME)
    assert b"Older line" in response.content and b"Newer line" not in response.content


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"link": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"link": "//evil.example/"}, "Enter a valid URL."),
        ({"text": "two\nlines"}, "The banner is one line"),
        (
            {"expires_at_0": "2020-01-01", "expires_at_1": "10:00:00"},
            "This time has already passed",
        ),
    ],
)
def test_a_bad_banner_is_refused_with_a_message(client, fields, message):
    client.force_login(editor())
    data = {"text": "Line", "link": "/", "is_shown": "on", "expires_at_0": "",
            "expires_at_1": ""} | fields  # fmt: skip
    response = client.post(reverse("admin:fronts_banner_add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Banner.objects.exists()
