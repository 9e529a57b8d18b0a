import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, Photo

from .factories import make_article, make_author, make_photo, make_section, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(make_user("editor"))
    return client


def inline_management(prefix: str, total: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_editor_logs_in_with_username_and_password(client):
    make_user("editor", password="s3cret-Passw0rd")
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "s3cret-Passw0rd", "next": "/admin/"},
        follow=True,
    )
    assert response.status_code == 200
    assert response.context["user"].username == "editor"


def test_editor_adds_a_caption_only_photo_then_a_story_with_bylines_and_the_photo(
    editor_client,
):
    """The whole desk workflow through the admin forms, no code involved."""
    section = make_section(name="World", slug="world")
    ann, bob = make_author(name="Ann"), make_author(name="Bob")
    response = editor_client.post(
        reverse("admin:articles_photo_add"),
        {
            "caption": "Fishermen at dawn on the Tigris.",
            "credit": "AFP",
            "alt_text": "",
        },
    )
    assert response.status_code == 302, response.content
    photo = Photo.objects.get()
    data = {
        "kicker": "",
        "headline": "River fishermen return",
        "slug": "river-fishermen-return",
        "standfirst": "Fishing resumes after the floods.",
        "body": "First paragraph.\n\nSecond paragraph.",
        "agency": "AFP",
        "dateline": "BAGHDAD",
        "status": "published",
        "published_at_0": "2026-11-20",
        "published_at_1": "10:00:00",
        "section": section.pk,
        "tags": "Iraq, Rivers",
        "language": "en",
        "import_notes": "",
        **inline_management("bylines", 2),
        "bylines-0-author": ann.pk,
        "bylines-0-role": "By",
        "bylines-0-position": "0",
        "bylines-1-author": bob.pk,
        "bylines-1-role": "Additional reporting by",
        "bylines-1-position": "1",
        **inline_management("article_photos", 1),
        "article_photos-0-photo": photo.pk,
        "article_photos-0-caption_override": "Fishermen return to the river.",
        "article_photos-0-is_lead": "on",
        "article_photos-0-position": "0",
        **inline_management("corrections", 0),
    }
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    article = Article.objects.get()
    assert [(b.author.name, b.role) for b in article.bylines.all()] == [
        ("Ann", "By"),
        ("Bob", "Additional reporting by"),
    ]
    assert sorted(article.tags.names()) == ["Iraq", "Rivers"]
    assert article.lead_photo.caption == "Fishermen return to the river."
    page = editor_client.get(article.get_absolute_url()).content.decode()
    assert "Fishermen return to the river." in page and "AFP" in page


def test_two_lead_photos_are_refused_with_a_message(editor_client):
    article = make_article()
    first, second = make_photo(), make_photo()
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": "",
        "body": "Text.",
        "status": "draft",
        "published_at_0": "2026-11-20",
        "published_at_1": "10:00:00",
        "language": "en",
        "tags": "",
        "version_seen": str(article.version),
        **inline_management("bylines", 0),
        **inline_management("corrections", 0),
        **inline_management("article_photos", 2),
        "article_photos-0-photo": first.pk,
        "article_photos-0-is_lead": "on",
        "article_photos-0-position": "0",
        "article_photos-1-photo": second.pk,
        "article_photos-1-is_lead": "on",
        "article_photos-1-position": "1",
    }
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data
    )
    assert response.status_code == 200
    assert "Mark only one photo as the lead photo." in response.content.decode()
    assert article.article_photos.count() == 0


def test_import_notes_are_shown_to_editors_in_the_admin(editor_client, seed_path):
    call_command("import_articles", str(seed_path), verbosity=0)
    article = Article.objects.get()
    html = editor_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()
    assert "Route 6" in html
    assert "24 November 2017" in html


def test_changelist_costs_constant_queries_however_many_rows(
    editor_client, django_assert_max_num_queries
):
    url = reverse("admin:articles_article_changelist")
    for n in range(3):
        make_article(authors=[make_author()], section=make_section(), tags=[f"t{n}"])
    editor_client.get(url)
    with django_assert_max_num_queries(20) as few:
        editor_client.get(url)
    for n in range(40):
        make_article(
            authors=[make_author(), make_author()],
            section=make_section(),
            tags=[f"u{n}"],
        )
    with django_assert_max_num_queries(len(few)):
        response = editor_client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?status__exact=draft",
        "?tags__id__exact=1",
        "?q=budget",
        "?published_at__year=2026",
    ],
)
def test_changelist_filters_and_search_work(editor_client, query):
    make_article(headline="Budget passes", tags=["Money"], status=Article.Status.DRAFT)
    response = editor_client.get(reverse("admin:articles_article_changelist") + query)
    assert response.status_code == 200


def test_search_finds_stories_by_standfirst_and_body(editor_client):
    make_article(headline="One", standfirst="About the harbour.", body="Cranes.")
    make_article(
        headline="Two", standfirst="Other.", body="The lighthouse keeper spoke."
    )
    url = reverse("admin:articles_article_changelist")
    assert editor_client.get(url + "?q=harbour").context["cl"].result_count == 1
    assert editor_client.get(url + "?q=lighthouse").context["cl"].result_count == 1


@pytest.mark.parametrize(
    "name",
    [
        "articles_section",
        "articles_author",
        "articles_photo",
        "articles_article",
        "taggit_tag",
    ],
)
def test_every_admin_page_opens(editor_client, name):
    make_article(
        authors=[make_author()],
        photos=[make_photo()],
        section=make_section(),
        tags=["x"],
    )
    assert editor_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert editor_client.get(reverse(f"admin:{name}_add")).status_code == 200


@pytest.mark.parametrize("model", ["section", "author", "photo"])
def test_autocomplete_answers_for_sections_authors_and_photos(editor_client, model):
    make_article(
        authors=[make_author(name="Zed")],
        photos=[make_photo(caption="Zebra")],
        section=make_section(name="Zoo"),
    )
    field = {"section": "section", "author": "author", "photo": "photo"}[model]
    params = {
        "term": "Z",
        "app_label": "articles",
        "model_name": "byline"
        if model == "author"
        else ("articlephoto" if model == "photo" else "article"),
        "field_name": field,
    }
    response = editor_client.get(reverse("admin:autocomplete"), params)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1
