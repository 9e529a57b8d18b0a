"""Live coverage for readers: the page, ``entries.json``, JSON-LD, cache tags."""

from datetime import timedelta

import extruct
import lxml.html
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from live.coverage import entries_url
from live.models import LiveEntry, LiveEntryCorrection
from pagecache.tags import tag_key

from .factories import make_article, make_author, make_live_entry, make_photo

pytestmark = pytest.mark.django_db

HOST = "http://testserver"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def own_cache(settings):
    """A cache of this module's own; the page cache only where a test turns it on."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "live-tests",
        }
    }
    settings.PAGE_CACHE = False


@pytest.fixture
def story() -> Article:
    return make_article(headline="Offensive enters its third day", is_live=True)


def ten_minutes_ago(entry: LiveEntry) -> LiveEntry:
    """Make an entry look older than the reader's last ``since``."""
    past = timezone.now() - timedelta(minutes=10)
    LiveEntry.objects.filter(pk=entry.pk).update(created_at=past, updated_at=past)
    entry.refresh_from_db()
    return entry


def entries(client, article: Article, since: str | None = None):
    params = {} if since is None else {"since": since}
    return client.get(entries_url(article), params)


def page(client, article: Article) -> lxml.html.HtmlElement:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def by_class(node: lxml.html.HtmlElement, name: str, tag: str = "*") -> list:
    classes = "concat(' ', normalize-space(@class), ' ')"
    return node.xpath(f".//{tag}[contains({classes}, ' {name} ')]")


def test_three_new_entries_appear_in_entries_json_since_and_older_ones_do_not(
    client, story
):
    older = ten_minutes_ago(make_live_entry(story, body="Before the reader came."))
    since = (timezone.now() - timedelta(minutes=5)).isoformat()
    added = [make_live_entry(story, body=f"Update {n}.") for n in range(3)]
    response = entries(client, story, since)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert [e["id"] for e in data["entries"]] == [e.pk for e in reversed(added)]
    assert [e["body"] for e in data["entries"]] == [
        "Update 2.",
        "Update 1.",
        "Update 0.",
    ]
    assert older.pk not in [e["id"] for e in data["entries"]]
    assert sorted(data["entry_ids"]) == sorted([older.pk, *(e.pk for e in added)])
    assert data["status"] == "live"
    first = data["entries"][0]
    assert first["url"] == f"{HOST}{story.get_absolute_url()}#entry-{added[2].pk}"
    assert f'id="entry-{added[2].pk}"' in first["html"]
    everything = entries(client, story).json()
    assert len(everything["entries"]) == 4


def test_next_since_is_in_utc_a_minute_back_so_no_late_commit_is_missed(client, story):
    data = entries(client, story).json()
    next_since = timezone.datetime.fromisoformat(data["next_since"])
    assert data["next_since"].endswith("Z")
    behind = timezone.now() - next_since
    assert timedelta(seconds=60) <= behind <= timedelta(seconds=125)
    make_live_entry(story, body="Committed late.")
    assert [e["body"] for e in entries(client, story, data["next_since"]).json()[
        "entries"
    ]] == ["Committed late."]  # fmt: skip


@pytest.mark.parametrize(
    ("since", "says"),
    [
        ("yesterday", "is not an ISO 8601 time"),
        ("2026-11-25T10:00:00", "has no UTC offset"),
        ("2026-11-25T10:00:00 03:00", "%2B"),
        ("2026-13-45T10:00:00Z", "is not"),
        ("", "is not an ISO 8601 time"),
    ],
)
def test_a_bad_since_is_a_400_that_says_what_is_wrong(client, story, since, says):
    response = entries(client, story, since)
    assert response.status_code == 400
    assert says in response.json()["error"]


@pytest.mark.parametrize(
    "state",
    [
        {"status": "draft"},
        {"status": "withdrawn"},
        {"published_at": timezone.now() + timedelta(hours=2)},
        {"embargo_until": timezone.now() + timedelta(hours=2)},
    ],
)
def test_entries_json_is_404_unless_the_story_is_published(client, state):
    article = make_article(is_live=True, **state)
    make_live_entry(article)
    assert entries(client, article).status_code == 404


def test_entries_json_of_an_unknown_address_is_404(client, story):
    url = entries_url(story).replace(story.slug, "no-such-story")
    assert client.get(url).status_code == 404
    assert client.get("/2026/13/45/whatever/entries.json").status_code == 404


def test_live_page_lists_entries_newest_first_each_with_anchor_time_and_author(
    client, story
):
    reporter = make_author(name="Lina Haddad")
    photo = make_photo(caption="Smoke over the ridge", credit="A. Photographer/AFP")
    first = make_live_entry(story, body="First.\n\nMore.", author=reporter)
    second = make_live_entry(story, title="Bridge retaken", photo=photo)
    third = make_live_entry(
        story, photo=photo, photo_caption="The ridge at dawn", photo_credit="AFP"
    )
    html = page(client, story)
    articles = by_class(html, "live-entry")
    assert [a.get("id") for a in articles] == [
        f"entry-{e.pk}" for e in (third, second, first)
    ]
    oldest = articles[-1]
    assert (
        by_class(oldest, "live-entry-time", "a")[0].get("href") == f"#entry-{first.pk}"
    )
    assert oldest.xpath(".//time")[0].get("datetime")
    assert [p.text for p in oldest.xpath(".//p")[:2]] == ["First.", "More."]
    assert "Lina Haddad" in oldest.text_content()
    assert articles[1].xpath(".//h3")[0].text == "Bridge retaken"
    captions = [" ".join(f.text_content().split()) for f in html.xpath("//figcaption")]
    assert captions == [
        "The ridge at dawn AFP",
        "Smoke over the ridge A. Photographer/AFP",
    ]


def test_key_moments_are_summarised_at_the_top_with_links_to_their_entries(
    client, story
):
    make_live_entry(story, body="Routine update.")
    key = make_live_entry(story, title="Ceasefire announced", is_key_moment=True)
    long = make_live_entry(story, body="word " * 60, is_key_moment=True)
    html = page(client, story)
    links = html.xpath("//nav[@class='key-moments']//a")
    assert [a.get("href") for a in links] == [f"#entry-{long.pk}", f"#entry-{key.pk}"]
    assert "Ceasefire announced" in links[1].text_content()
    assert links[0].text_content().strip().endswith("…")
    order = [
        el for el in html.iter() if el.get("class") in {"key-moments", "live-entry"}
    ]
    assert order[0].get("class") == "key-moments"  # the summary comes first


def test_page_says_live_while_open_and_ended_once_an_editor_closes_it(client, story):
    make_live_entry(story)
    html = page(client, story)
    assert html.xpath("//*[@data-live-status]")[0].text == "Live"
    section = by_class(html, "live-coverage")[0]
    assert section.get("data-status") == "live"
    assert section.get("data-live-entries") == entries_url(story)
    assert html.xpath("//script[contains(@src, 'live/live.js')]")
    assert not html.xpath("//script[not(@src) and not(@type='application/ld+json')]")
    story.is_live = False
    story.save()
    html = page(client, story)
    assert html.xpath("//*[@data-live-status]")[0].text == "Ended"
    assert not html.xpath("//script[contains(@src, 'live/live.js')]")
    assert entries(client, story).json()["status"] == "ended"


def test_coverage_words_are_in_the_site_language_inside_an_arabic_story(client):
    arabic = make_article(headline="الهجوم في يومه الثالث", language="ar", is_live=True)
    make_live_entry(arabic, body="تقدمت القوات نحو الحدود.", is_key_moment=True)
    html = page(client, arabic)
    assert html.xpath("//article")[0].get("dir") == "rtl"
    for heading in ("live-heading", "key-moments-heading"):
        node = html.get_element_by_id(heading)
        assert (node.get("lang"), node.get("dir")) == ("en", "ltr")
    entry = by_class(html, "live-entry")[0]
    nearest = next(node for node in entry.iterancestors() if node.get("lang"))
    assert nearest.get("lang") == "ar"


def test_a_story_never_live_shows_no_coverage(client):
    html = page(client, make_article())
    assert not by_class(html, "live-coverage")


def test_coverage_times_are_stamped_when_opened_and_closed(story):
    started = story.live_started_at
    assert started is not None and story.live_ended_at is None
    story.is_live = False
    story.save()
    assert story.live_ended_at is not None
    story.is_live = True
    story.save()
    assert story.live_started_at == started and story.live_ended_at is None


def test_corrections_on_entries_are_shown_and_sent_again_to_open_pages(client, story):
    entry = ten_minutes_ago(make_live_entry(story, body="Three bridges were hit."))
    since = (timezone.now() - timedelta(minutes=5)).isoformat()
    assert entries(client, story, since).json()["entries"] == []
    LiveEntryCorrection.objects.create(
        entry=entry, text="Two bridges were hit, not three."
    )
    data = entries(client, story, since).json()
    assert [e["id"] for e in data["entries"]] == [entry.pk]
    assert data["entries"][0]["corrections"][0]["text"] == (
        "Two bridges were hit, not three."
    )
    assert "Two bridges were hit, not three." in data["entries"][0]["html"]
    shown = by_class(
        page(client, story).get_element_by_id(f"entry-{entry.pk}"), "corrections"
    )[0]
    assert "Correction" in shown.text_content()
    assert "Two bridges were hit, not three." in shown.text_content()


def test_entry_text_stays_text_everywhere(client, story):
    make_live_entry(story, title=XSS, body=XSS, is_key_moment=True)
    LiveEntryCorrection.objects.create(entry=story.live_entries.get(), text=XSS)
    body = client.get(story.get_absolute_url()).content.decode()
    assert "<script>alert" not in body and "<img src=x" not in body
    assert body.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") >= 4
    (item,) = entries(client, story).json()["entries"]
    assert item["body"] == XSS
    for fragment in (item["html"], item["key_moment_html"]):
        assert "<script>" not in fragment and "<img" not in fragment
        assert "&lt;script&gt;" in fragment
    html = lxml.html.fromstring(body)
    assert by_class(html, "live-entry")[0].xpath(".//h3")[0].text == XSS


def test_json_ld_is_a_live_blog_posting_with_its_updates(client, story):
    first = make_live_entry(story, title="Convoy leaves", is_key_moment=True)
    second = make_live_entry(story, body="Shelling heard in the east.\n\nMore soon.")
    url = story.get_absolute_url()
    found = extruct.extract(
        client.get(url).content.decode(), base_url=HOST + url, syntaxes=["json-ld"]
    )["json-ld"]
    (posting,) = [item for item in found if item["@type"] == "LiveBlogPosting"]
    assert not [item for item in found if item["@type"] == "NewsArticle"]
    assert posting["headline"] == story.headline
    story.refresh_from_db()
    assert posting["coverageStartTime"] == timezone.localtime(
        story.live_started_at
    ).isoformat(timespec="seconds")
    assert "coverageEndTime" not in posting
    updates = posting["liveBlogUpdate"]
    assert [u["url"] for u in updates] == [
        f"{HOST}{url}#entry-{second.pk}",
        f"{HOST}{url}#entry-{first.pk}",
    ]
    assert {u["@type"] for u in updates} == {"BlogPosting"}
    assert updates[0]["articleBody"] == second.body
    assert updates[0]["headline"] == "Shelling heard in the east. More soon."
    assert updates[1]["headline"] == "Convoy leaves"
    assert all(u["datePublished"] and u["author"]["name"] for u in updates)
    story.is_live = False
    story.save()
    (ended,) = [
        item
        for item in extruct.extract(
            client.get(url).content.decode(), base_url=HOST + url, syntaxes=["json-ld"]
        )["json-ld"]
        if item["@type"] == "LiveBlogPosting"
    ]
    assert ended["coverageEndTime"] == timezone.localtime(
        story.live_ended_at
    ).isoformat(timespec="seconds")


def test_saving_an_entry_invalidates_only_its_story(
    client, story, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE = True
    other = make_article(is_live=True)
    author = make_author()
    since = (timezone.now() - timedelta(minutes=5)).isoformat()
    response = entries(client, story, since)
    assert f"article:{story.pk}" in response.wsgi_request.cache_tags
    assert entries(client, story, since)["X-Page-Cache"] == "hit"
    tags = ["content", "banner", "fronts", f"article:{story.pk}", f"article:{other.pk}"]
    entry = None

    def add() -> None:
        nonlocal entry
        entry = make_live_entry(story, author=author, body="Fresh.")

    for change in (
        add,
        lambda: LiveEntryCorrection.objects.create(entry=entry, text="Fixed."),
        lambda: entry.delete(),
    ):
        before = {tag: cache.get(tag_key(tag)) for tag in tags}
        with django_capture_on_commit_callbacks(execute=True):
            change()
        after = {tag: cache.get(tag_key(tag)) for tag in tags}
        assert {tag for tag in tags if before[tag] != after[tag]} == {
            f"article:{story.pk}"
        }
        response = entries(client, story, since)
        assert response["X-Page-Cache"] == "miss"
        assert len(response.json()["entry_ids"]) == (0 if entry.pk is None else 1)


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add_entries(story: Article, count: int) -> None:
    photo, author = make_photo(), make_author()
    for _ in range(count):
        entry = make_live_entry(story, photo=photo, author=author, is_key_moment=True)
        LiveEntryCorrection.objects.create(entry=entry, text="Corrected.")


def test_entries_json_makes_four_queries_for_one_entry_or_thirty(
    client, story, django_assert_max_num_queries
):
    """The story, the changed entries with author and photo, their corrections, and
    the ids of all entries."""
    counts = []
    for total in (1, 30):
        add_entries(story, total - story.live_entries.count())
        with django_assert_max_num_queries(4):
            counts.append(queries_of(client, entries_url(story)))
    assert counts[0] == counts[1]
    assert len(entries(client, story).json()["entries"]) == 30


def test_live_coverage_adds_two_queries_to_the_story_page_for_one_entry_or_thirty(
    client, django_assert_max_num_queries
):
    """Entries with author and photo, and their corrections; a story that was never
    live pays nothing."""
    article = make_article()
    plain = queries_of(client, article.get_absolute_url())
    article.is_live = True
    article.save()
    counts = []
    for total in (1, 30):
        add_entries(article, total - article.live_entries.count())
        with django_assert_max_num_queries(plain + 2):
            counts.append(queries_of(client, article.get_absolute_url()))
    assert counts[0] == counts[1] == plain + 2
