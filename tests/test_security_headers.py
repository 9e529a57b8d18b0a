"""Every kind of page carries the security headers, whatever produced it.

Readers' pages, feeds, sitemaps, the API, the admin and error pages come from
different views (generic views, syndication, sitemaps, JSON, Django's admin,
error handlers), so each is fetched and checked: a Content-Security-Policy that
allows scripts and styles from this site only (no ``unsafe-inline``), frame
protection twice over (``X-Frame-Options`` and ``frame-ancestors``), no MIME
sniffing, a referrer policy that never leaks a path to another site, and an opener
policy that keeps other windows out.
"""

import pytest
from django.urls import reverse

from articles import workflow

from .factories import make_article, make_author, make_section, make_user

pytestmark = pytest.mark.django_db

PAGES = {
    "home": (lambda s: reverse("articles:home"), 200),
    "story": (lambda s: s["story"].get_absolute_url(), 200),
    "section": (lambda s: s["story"].section.get_absolute_url(), 200),
    "tag": (lambda s: reverse("articles:tag", args=["harbour"]), 200),
    "author": (lambda s: s["author"].get_absolute_url(), 200),
    "search": (lambda s: reverse("articles:search") + "?q=harbour", 200),
    "archive": (lambda s: f"/{s['story'].published_at:%Y}/", 200),
    "feed-rss": (lambda s: reverse("articles:feed"), 200),
    "feed-atom": (lambda s: reverse("articles:feed_atom"), 200),
    "sitemap": (lambda s: reverse("articles:sitemap_index"), 200),
    "robots": (lambda s: reverse("articles:robots"), 200),
    "api-list": (lambda s: reverse("articles:api_articles"), 200),
    "api-detail": (
        lambda s: reverse("articles:api_article", args=[s["story"].pk]),
        200,
    ),
    "admin-login": (lambda s: reverse("admin:login"), 200),
    "healthz": (lambda s: reverse("healthz"), 200),
    "not-found": (lambda s: "/no/such/page/", 404),
    "withdrawn": (lambda s: s["withdrawn"].get_absolute_url(), 410),
}


def csp_directives(header: str) -> dict[str, list[str]]:
    """Split a Content-Security-Policy header into directive name → sources."""
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_security_headers(response) -> None:
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = csp_directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in " ".join(sum(policy.values(), []))


@pytest.fixture
def site():
    author = make_author(name="Ada Reporter", slug="ada-reporter")
    story = make_article(
        headline="Harbour reopens", section=make_section(), authors=[author]
    )
    story.tags.add("harbour")
    withdrawn = make_article(headline="Story later withdrawn")
    workflow.withdraw(withdrawn, make_user("desk"))
    return {"story": story, "author": author, "withdrawn": withdrawn}


@pytest.mark.parametrize("name", PAGES)
def test_every_page_type_carries_the_security_headers(client, site, name):
    """Twice: the second answer may come from the page cache, headers and all."""
    url, status = PAGES[name]
    for _ in range(2):
        response = client.get(url(site))
        assert response.status_code == status, url(site)
        assert_security_headers(response)


def test_admin_change_form_carries_the_security_headers(client, site):
    client.force_login(make_user("chief"))
    response = client.get(
        reverse("admin:articles_article_change", args=[site["story"].pk])
    )
    assert response.status_code == 200
    assert_security_headers(response)


def test_https_responses_ask_browsers_to_stay_on_https(client, site, settings):
    """With production's HSTS values (see test_production_settings), a secure
    response carries Strict-Transport-Security for a year, subdomains, preload."""
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get(reverse("articles:home"), secure=True)
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert_security_headers(response)


def test_images_may_come_from_the_site_data_urls_and_listed_origins(client, site):
    policy = csp_directives(client.get("/")["Content-Security-Policy"])
    assert policy["img-src"][:2] == ["'self'", "data:"]
