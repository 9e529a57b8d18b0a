"""Curated fronts: pins in the lead and top slots, through real requests and real
waits, and only ever stories readers may see."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from articles.models import Article
from fronts.models import Banner, Pin
from fronts.schedule import next_front_change
from pagecache.schedule import next_change
from pagecache.tags import tag_key

from .factories import make_article, make_section, make_user

pytestmark = pytest.mark.django_db

HOME = reverse("articles:home")
BANNER = "//section[@class='breaking-news']"


def user_with_role(role: str):
    user = make_user(role.lower().replace(" ", "-"), superuser=False)
    user.groups.add(Group.objects.get(name=role))
    return user


def page(client, url: str = HOME):
    response = client.get(url)
    assert response.status_code == 200
    return lxml_html.fromstring(response.content)


def lead_headline(tree) -> str | None:
    found = tree.xpath("//article[@class='lead-story']//h2/a")
    return found[0].text_content().strip() if found else None


def top_headlines(tree) -> list[str]:
    return [
        a.text_content().strip()
        for a in tree.xpath("//section[@class='top-stories']//h2/a")
    ]


def all_headlines(tree) -> list[str]:
    return [a.text_content().strip() for a in tree.xpath("//main//article//h2/a")]


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def pin_form(article: Article, **fields) -> dict:
    data = {
        "section": "",
        "position": "1",
        "article": str(article.pk),
        "starts_at_0": "",
        "starts_at_1": "",
        "ends_at_0": "",
        "ends_at_1": "",
    }
    return data | fields


def test_editor_pins_a_story_to_the_lead_slot_and_it_leads_the_home_page(client):
    make_article(headline="Latest story", published_at=ago(minutes=5))
    older = make_article(
        headline="Offensive enters third day", published_at=ago(days=2)
    )
    assert lead_headline(page(client)) == "Latest story"

    client.force_login(user_with_role("Editor"))
    response = client.post(reverse("admin:fronts_pin_add"), pin_form(older))
    assert response.status_code == 302, response.content
    client.logout()

    tree = page(client)
    assert lead_headline(tree) == "Offensive enters third day"
    assert all_headlines(tree).count("Offensive enters third day") == 1
    assert "Latest story" in top_headlines(tree)


def test_withdrawn_lead_leaves_the_front_and_the_next_story_leads(client):
    make_article(headline="Next story", published_at=ago(hours=1))
    make_article(headline="Older story", published_at=ago(hours=5))
    pinned = make_article(headline="Pinned lead", published_at=ago(days=1))
    Pin.objects.create(article=pinned, position=1)
    assert lead_headline(page(client)) == "Pinned lead"

    pinned.status = Article.Status.WITHDRAWN
    pinned.save()

    tree = page(client)
    assert lead_headline(tree) == "Next story"
    assert "Pinned lead" not in all_headlines(tree)


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.REVIEW},
        {"status": Article.Status.WITHDRAWN},
        {"embargo_until": timezone.now() + timedelta(hours=3)},
        {"published_at": timezone.now() + timedelta(hours=3)},
    ],
    ids=["draft", "in-review", "withdrawn", "embargoed", "scheduled"],
)
def test_home_and_section_fronts_never_show_a_pinned_story_readers_may_not_see(
    client, hidden
):
    section = make_section(name="World", slug="world")
    make_article(headline="Visible story", section=section)
    secret = make_article(headline="Not for readers", section=section, **hidden)
    for front in (None, section):
        for position in (1, 2):
            Pin.objects.create(article=secret, section=front, position=position)

    for url in (HOME, section.get_absolute_url()):
        response = client.get(url)
        assert b"Not for readers" not in response.content
        assert lead_headline(lxml_html.fromstring(response.content)) == "Visible story"


def test_a_pin_past_its_end_time_leaves_the_front_by_itself(client):
    make_article(headline="Latest story", published_at=ago(minutes=5))
    pinned = make_article(headline="Pinned for a moment", published_at=ago(days=1))
    Pin.objects.create(
        article=pinned, position=1, ends_at=timezone.now() + timedelta(seconds=1.5)
    )
    assert lead_headline(page(client)) == "Pinned for a moment"
    time.sleep(2)
    tree = page(client)
    assert lead_headline(tree) == "Latest story"
    assert "Pinned for a moment" in all_headlines(tree)  # back among the latest


def test_a_pin_before_its_start_time_waits_off_the_front(client):
    make_article(headline="Latest story", published_at=ago(minutes=5))
    pinned = make_article(headline="Lead from the hour", published_at=ago(days=1))
    Pin.objects.create(
        article=pinned, position=1, starts_at=timezone.now() + timedelta(seconds=1.5)
    )
    assert lead_headline(page(client)) == "Latest story"
    time.sleep(2)
    assert lead_headline(page(client)) == "Lead from the hour"


def test_a_newer_pin_takes_the_slot_of_an_older_one(client):
    first = make_article(headline="Morning lead", published_at=ago(days=1))
    second = make_article(headline="Evening lead", published_at=ago(days=2))
    Pin.objects.create(article=first, position=1, starts_at=ago(hours=5))
    Pin.objects.create(article=second, position=1, starts_at=ago(minutes=1))
    tree = page(client)
    assert lead_headline(tree) == "Evening lead"
    assert all_headlines(tree).count("Morning lead") == 1


def test_top_slots_follow_position_numbers_and_the_latest_fill_the_rest(client):
    latest = [
        make_article(headline=f"Latest {n}", published_at=ago(minutes=n))
        for n in range(1, 9)
    ]
    third, first = (
        make_article(headline=f"Pinned {n}", published_at=ago(days=n)) for n in (3, 1)
    )
    Pin.objects.create(article=third, position=4)
    Pin.objects.create(article=first, position=2)
    Pin.objects.create(article=latest[5], position=3)

    tree = page(client)
    assert lead_headline(tree) == "Latest 1"
    assert top_headlines(tree) == ["Pinned 1", "Latest 6", "Pinned 3", "Latest 2"]
    headlines = all_headlines(tree)
    assert len(headlines) == len(set(headlines)) == 10


def test_editor_reorders_pins_with_position_numbers_in_the_list(client):
    a = make_article(headline="Story A", published_at=ago(days=1))
    b = make_article(headline="Story B", published_at=ago(days=2))
    pins = [
        Pin.objects.create(article=story, position=n) for n, story in ((1, a), (2, b))
    ]
    client.force_login(user_with_role("Editor"))
    listing = client.get(reverse("admin:fronts_pin_changelist"))
    assert listing.status_code == 200
    assert listing.content.decode().count('name="form-0-position"') == 1
    data = {
        "form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2",
        "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000", "_save": "Save",
    }  # fmt: skip
    for n, (pin, position) in enumerate(zip(pins, ("2", "1"), strict=True)):
        data |= {
            f"form-{n}-id": str(pin.pk), f"form-{n}-position": position,
            f"form-{n}-starts_at_0": "", f"form-{n}-starts_at_1": "",
            f"form-{n}-ends_at_0": "", f"form-{n}-ends_at_1": "",
        }  # fmt: skip
    response = client.post(reverse("admin:fronts_pin_changelist"), data)
    assert response.status_code == 302, response.content
    client.logout()
    tree = page(client)
    assert lead_headline(tree) == "Story B"
    assert top_headlines(tree)[0] == "Story A"


def test_section_front_has_its_own_pins(client):
    world = make_section(name="World", slug="world")
    make_article(headline="World latest", section=world, published_at=ago(minutes=1))
    chosen = make_article(
        headline="World pick", section=world, published_at=ago(days=3)
    )
    Pin.objects.create(article=chosen, section=world, position=1)

    assert lead_headline(page(client, world.get_absolute_url())) == "World pick"
    assert lead_headline(page(client)) == "World latest"


def test_second_page_continues_without_repeating_the_front(client):
    for n in range(25):
        make_article(headline=f"Story {n:02d}", published_at=ago(minutes=n))
    pinned = make_article(headline="Pinned lead", published_at=ago(days=9))
    Pin.objects.create(article=pinned, position=1)
    first = all_headlines(page(client))
    second = all_headlines(page(client, HOME + "?page=2"))
    assert first[0] == "Pinned lead"
    assert not set(first) & set(second)
    assert sorted(first[1:] + second) == [f"Story {n:02d}" for n in range(25)]


@pytest.mark.parametrize("stories", [1, 20])
def test_fronts_cost_the_same_queries_however_many_pins(
    client, settings, django_assert_max_num_queries, stories
):
    """Measured on the views themselves: the page cache would answer with none."""
    settings.PAGE_CACHE = False  # read when the client loads its middleware
    world = make_section()
    for n in range(stories):
        article = make_article(section=world, tags=[f"t{n}"], published_at=ago(hours=n))
        Pin.objects.create(article=article, position=1 + n % 5)
        Pin.objects.create(article=article, section=world, position=1 + n % 5)
    Banner.objects.create(text="Ceasefire announced", link="/")
    client.get(HOME)  # warms the content-type and banner caches
    # Pinned stories and their bylines, photos, tags; count; page and its three;
    # navigation.
    with django_assert_max_num_queries(10):
        tree = page(client)
    assert lead_headline(tree) is not None
    assert tree.xpath(BANNER)
    # The section's row first, then the same as the home page.
    with django_assert_max_num_queries(11):
        assert lead_headline(page(client, world.get_absolute_url())) is not None


@pytest.mark.parametrize("role", ["Reporter", "Photo editor"])
def test_reporter_cannot_pin_or_change_pins_or_the_banner(client, role):
    story = make_article(headline="Reporter's own story")
    pin = Pin.objects.create(article=make_article(), position=2)
    banner = Banner.objects.create(text="Before", link="/")
    client.force_login(user_with_role(role))

    assert client.get(reverse("admin:fronts_pin_add")).status_code == 403
    response = client.post(reverse("admin:fronts_pin_add"), pin_form(story))
    assert response.status_code == 403
    change = reverse("admin:fronts_pin_change", args=[pin.pk])
    assert client.post(change, pin_form(story)).status_code == 403
    delete = reverse("admin:fronts_pin_delete", args=[pin.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:fronts_banner_add"), {"text": "Hoax", "link": "/"}
    )
    assert response.status_code == 403
    change = reverse("admin:fronts_banner_change", args=[banner.pk])
    assert client.post(change, {"text": "Hoax", "link": "/"}).status_code == 403

    assert list(Pin.objects.values_list("article_id", "position")) == [
        (pin.article_id, 2)
    ]
    assert list(Banner.objects.values_list("text", flat=True)) == ["Before"]


def test_pin_that_ends_before_it_starts_is_refused_with_a_message(client):
    story = make_article()
    client.force_login(user_with_role("Editor"))
    response = client.post(
        reverse("admin:fronts_pin_add"),
        pin_form(
            story,
            starts_at_0="2026-12-01", starts_at_1="10:00:00",
            ends_at_0="2026-12-01", ends_at_1="09:00:00",
        ),
    )  # fmt: skip
    assert response.status_code == 200
    assert "The pin must end after it starts." in response.content.decode()
    response = client.post(
        reverse("admin:fronts_pin_add"), pin_form(story, position="6")
    )
    assert response.status_code == 200
    assert "less than or equal to 5" in response.content.decode()
    assert not Pin.objects.exists()


def test_pin_and_banner_changes_make_cached_pages_stale():
    story = make_article()

    def version(tag: str):
        return cache.get(tag_key(tag))

    before = version("content")
    pin = Pin.objects.create(article=story)
    assert version("content") != before
    before = version("content")
    pin.delete()
    assert version("content") != before

    before = version("content")
    Banner.objects.create(text="Line", link="/")
    assert version("content") != before


def test_the_page_cache_knows_the_next_pin_start_end_and_banner_expiry():
    story = make_article()
    soon = timezone.now() + timedelta(minutes=5)
    Pin.objects.create(article=story, starts_at=soon + timedelta(minutes=5))
    Pin.objects.create(article=story, position=2, ends_at=soon + timedelta(minutes=2))
    Pin.objects.create(article=story, position=3, ends_at=ago(minutes=1))
    assert next_front_change() == soon + timedelta(minutes=2)
    Banner.objects.create(text="Line", link="/", expires_at=soon)
    Banner.objects.create(
        text="Cleared", link="/", expires_at=soon - timedelta(minutes=1), is_shown=False
    )
    assert next_front_change() == soon
    assert next_change() == soon
