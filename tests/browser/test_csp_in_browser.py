"""The Content-Security-Policy blocks nothing the site itself needs.

Scripts and styles are allowed from the site's own files only, so one inline
``<script>``, ``onclick=`` or ``style=`` left in a template (ours or the admin's)
would be refused by Chromium. Each page is loaded in Chromium with the policy
on and must report no violation, in the DOM or in the console. The story page
carries a JSON-LD block, which is data, not script: Chromium must not report it.
"""

import pytest
from django.core.files.base import ContentFile

from tests import images
from tests.factories import make_article, make_author, make_photo, make_user

from .violations import PageWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-test-passw0rd"


@pytest.fixture
def story():
    photo = make_photo(caption="The harbour at dawn", alt_text="Boats in a harbour")
    photo.image.save("harbour.jpg", ContentFile(images.jpeg((1200, 800))))
    photo.width, photo.height = 1200, 800
    photo.save()
    story = make_article(
        headline="Harbour reopens",
        authors=[make_author(name="Ada Reporter")],
        photos=[photo],
    )
    story.tags.add("harbour")
    return story


def log_in(page, live_server) -> None:
    make_user("chief", password=PASSWORD)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")


def assert_clean(watch: PageWatch, page, live_server, path: str) -> None:
    response = page.goto(live_server.url + path)
    assert response.status == 200, path
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert watch.violations() == [], path


def test_reader_pages_load_without_a_policy_violation(page, live_server, story):
    watch = PageWatch(page)
    assert_clean(watch, page, live_server, "/")
    assert_clean(watch, page, live_server, story.get_absolute_url())
    assert page.locator('script[type="application/ld+json"]').count() == 1
    assert page.locator("figure img").evaluate(
        "img => img.complete && img.naturalWidth > 0"
    )


def test_admin_pages_load_without_a_policy_violation(page, live_server, story):
    watch = PageWatch(page)
    assert_clean(watch, page, live_server, "/admin/login/")
    log_in(page, live_server)
    photo = story.article_photos.get().photo
    for path in [
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/{story.pk}/change/",
        "/admin/articles/article/add/",
        f"/admin/articles/photo/{photo.pk}/change/",
    ]:
        assert_clean(watch, page, live_server, path)
    # The styles that left style="" attributes for css/admin.css still apply.
    focal_point = page.locator(".focal-point")
    assert focal_point.evaluate("e => getComputedStyle(e).position") == "relative"
    # The admin's own scripts ran: the inline formsets offer "Add another".
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    assert page.locator(".add-row a").count() >= 1


def test_an_inline_script_is_refused_and_reported(page, live_server, story):
    """The witnesses work: a script injected into the page's markup is blocked."""
    watch = PageWatch(page)
    page.goto(live_server.url + "/")
    page.evaluate(
        """() => {
          const holder = document.createElement("div");
          document.body.append(holder);
          const script = document.createElement("script");
          script.textContent = "window.__pwned = 1";
          holder.append(script);
          const img = document.createElement("img");
          img.setAttribute("onerror", "window.__pwned = 1");
          img.src = "data:,not-an-image";
          holder.append(img);
        }"""
    )
    page.wait_for_timeout(200)
    assert not watch.script_ran()
    violations = watch.violations()
    assert any("script-src-elem" in v for v in violations), violations
    assert any("script-src-attr" in v for v in violations), violations
