"""An editor puts a story at the top of the home page and raises a banner."""

import importlib
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from fronts.models import Banner, Pin
from tests.factories import make_article, make_section, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "front-journey-passw0rd"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def choose_autocomplete(page, container, text: str) -> None:
    """Pick an option in one of the admin's autocomplete (select2) boxes."""
    container.locator(".select2-selection").click()
    page.locator(".select2-search__field").last.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def editor_group() -> Group:
    """Return the Editor role, rebuilt from the migrations that define it when an
    earlier browser test's flush emptied the groups table."""
    grants = {
        **importlib.import_module("articles.migrations.0003_editorial_groups").ROLES[
            "Editor"
        ],
        "fronts": importlib.import_module(
            "fronts.migrations.0002_editor_permissions"
        ).EDITOR_PERMISSIONS,
    }
    group, created = Group.objects.get_or_create(name="Editor")
    if created:
        for app_label, codenames in grants.items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
    return group


def log_in_as_editor(page, live_server) -> None:
    editor = make_user("desk-editor", superuser=False, password=PASSWORD)
    editor.groups.add(editor_group())
    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "desk-editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_editor_pins_a_story_as_lead_and_the_home_page_leads_with_it(page, live_server):
    make_article(headline="Market report", published_at=timezone.now())
    make_article(
        headline="Offensive enters its third day",
        published_at=timezone.now() - timedelta(days=2),
    )
    log_in_as_editor(page, live_server)

    page.goto(live_server.url + "/admin/fronts/pin/add/")
    choose_autocomplete(page, page.locator(".field-article"), "Offensive enters")
    page.fill("#id_position", "1")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/fronts/pin/")

    page.goto(live_server.url + "/admin/fronts/banner/add/")
    page.fill("#id_text", "Ceasefire talks resume in Cairo")
    page.fill("#id_link", "/")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/fronts/banner/")

    reader = page.context.browser.new_context().new_page()
    reader.goto(live_server.url + "/")
    lead = reader.locator("article.lead-story h2")
    assert lead.inner_text() == "Offensive enters its third day"
    banner = reader.get_by_role("region", name="Breaking news")
    assert "Ceasefire talks resume in Cairo" in banner.inner_text()
    reader.keyboard.press("Tab")  # the skip link
    reader.keyboard.press("Tab")
    focused = reader.evaluate("document.activeElement.textContent")
    assert focused == "Ceasefire talks resume in Cairo"
    reader.context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_fronts_with_a_banner_have_no_accessibility_violations(
    page, live_server, width
):
    if not AXE.exists():
        reason = "axe-core is not installed (`npm ci` puts it in node_modules/)"
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI must run it")
        pytest.skip(reason)
    world = make_section(name="World", slug="world")
    for n in range(7):
        story = make_article(headline=f"World story {n}", section=world)
        Pin.objects.create(article=story, position=1 + n % 5)
        Pin.objects.create(article=story, section=world, position=1 + n % 5)
    Banner.objects.create(text="Ceasefire talks resume in Cairo", link="/")
    page.set_viewport_size({"width": width, "height": 900})
    page.add_init_script(path=str(AXE))
    found = {}
    for url in ("/", world.get_absolute_url()):
        page.goto(live_server.url + url)
        assert page.get_by_role("region", name="Breaking news").is_visible()
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            WCAG_TAGS,
        )
        violations = [f"{v['id']}: {v['help']}" for v in result["violations"]]
        if violations:
            found[url] = violations
        assert page.evaluate("document.documentElement.scrollWidth") <= width, url
    assert found == {}
