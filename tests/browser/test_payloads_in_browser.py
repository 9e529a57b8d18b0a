"""Injection payloads typed into every text field, or brought in by a wire file,
run no script and break no page in a real Chromium.

tests/test_safe_text.py reads the served HTML as a parser would; here the pages
are rendered by Chromium under the site's Content-Security-Policy. Each payload of
that module's corpus is "armed": ``alert(1)`` becomes ``alert(__pwned=1)``, so a
payload that ran shows as a dialog and as the sentinel global ``window.__pwned``,
and one that was blocked by the policy as a violation report. All three must stay
empty. The page must also keep its landmarks and show each field's payload as
text (or as an attribute value, for alt text and the search box), not as markup.

Run time: one story per payload with the payload in every field at once (each
copy marked with its field's name, as in test_safe_text), then one page load per
page that shows those fields; the import test imports every payload in one batch.
"""

import json
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles.models import Article
from tests.test_safe_text import (
    ADMIN_ONLY,
    ARTICLE,
    ARTICLE_ADMIN_SHOWS,
    ARTICLE_CHANGE,
    AUTHOR,
    FIELDS,
    HOME,
    PAYLOADS,
    SECTION,
    TAG,
    make_story,
    marked,
)

from .violations import PageWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARMED = {
    key: text.replace("alert(1)", "alert(__pwned=1)") for key, text in PAYLOADS.items()
}
PUBLIC_PAGES = (ARTICLE, HOME, SECTION, TAG, AUTHOR)
# On public pages the story's own caption for the photo replaces the photo's.
OVERRIDDEN = {"photo.caption"}

# What Chromium made of the page: landmarks, visible text (outside <script> and
# <style>), attribute values, and anything a payload could have made live.
READ_PAGE = """() => {
  const URL_ATTRIBUTES = [
    "href", "src", "action", "formaction", "data", "poster", "xlink:href", "srcset"
  ];
  const SCRIPT_ADDRESS = /^\\s*(javascript:|vbscript:|data:text\\/html)/i;
  const count = (selector) => document.querySelectorAll(selector).length;
  const texts = [];
  const walker = document.createTreeWalker(
    document.documentElement, NodeFilter.SHOW_TEXT
  );
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (!parent.closest("script, style")) texts.push(walker.currentNode.data);
  }
  const values = [];
  const live = [];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      values.push(attribute.value);
      const where = `${element.tagName} ${attribute.name}`;
      if (attribute.name.startsWith("on")) live.push(where);
      const isAddress = URL_ATTRIBUTES.includes(attribute.name);
      if (isAddress && SCRIPT_ADDRESS.test(attribute.value))
        live.push(`${where}=${attribute.value}`);
    }
  }
  for (const element of document.querySelectorAll(
    "iframe, frame, object, embed, base, math, meta[http-equiv]"
  )) live.push(element.tagName);
  return {
    landmarks: {
      header: count("body > header, #header"),
      main: count("main"),
      h1: count("h1"),
    },
    texts: texts.join("\\u0000"),
    values,
    live,
  };
}"""


def open_and_check(watch: PageWatch, live_server, path: str, shown: list[str]) -> None:
    """Load ``path``; no script ran, nothing was blocked, the page is whole and
    shows each of ``shown`` as text or as an attribute value."""
    page = watch.page
    response = page.goto(live_server.url + path)
    assert response.status == 200, path
    seen = page.evaluate(READ_PAGE)
    assert not watch.script_ran(), (path, watch.dialogs)
    assert watch.violations() == [], path
    assert seen["live"] == [], path
    assert seen["landmarks"]["header"] == 1, (path, seen["landmarks"])
    assert seen["landmarks"]["main"] == 1, (path, seen["landmarks"])
    assert seen["landmarks"]["h1"] >= 1, (path, seen["landmarks"])
    missing = [
        text
        for text in shown
        if text not in seen["texts"] and not any(text in v for v in seen["values"])
    ]
    assert missing == [], path


def sign_in(page, live_server) -> None:
    """Give the browser a superuser's session (the admin login itself is covered
    by test_csp_in_browser and test_login_lockout)."""
    user = get_user_model().objects.create_superuser(
        "xss-desk", "desk@example.org", "x"
    )
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.mark.parametrize("payload", ARMED.values(), ids=ARMED.keys())
def test_a_payload_in_every_field_runs_nowhere_and_shows_as_text(
    page, live_server, payload
):
    texts = marked(payload, [*FIELDS, *ADMIN_ONLY])
    story = make_story(**texts)
    watch = PageWatch(page)
    for name in PUBLIC_PAGES:
        shown = [
            texts[field]
            for field, pages in FIELDS.items()
            if name in pages and field not in OVERRIDDEN
        ]
        open_and_check(watch, live_server, story.url(name), shown)
    search = reverse("articles:search") + "?" + urlencode({"q": payload})
    open_and_check(watch, live_server, search, [payload])
    sign_in(page, live_server)
    shown = [texts[field] for field in ARTICLE_ADMIN_SHOWS[ARTICLE_CHANGE]]
    open_and_check(watch, live_server, story.url(ARTICLE_CHANGE), shown)


def wire_files(folder) -> None:
    """Write each payload into a plain-text wire story and a ninjs document."""
    for n, (key, payload) in enumerate(ARMED.items()):
        (folder / f"{n:02d}-{key}.txt").write_text(
            # A file opening with "<" is read as XML: the headline starts with a word.
            f"Breaking: {payload} headline\n\n"
            f"{payload} is the standfirst of this story.\n\n"
            f"{payload} in the caption of a photo.\nAFP\n\n"
            f"{payload} is the first paragraph.\n\n"
            f"Second paragraph, {payload}.\n",
            encoding="utf-8",
        )
        document = {
            "uri": f"urn:newsroom:test:payload:{key}",
            "type": "text",
            "language": "en",
            "headlines": [
                {"role": "main", "value": f"{payload} ninjs headline"},
                {"role": "kicker", "value": payload},
            ],
            "descriptions": [{"role": "summary", "value": f"{payload} summary."}],
            "bodies": [
                {
                    "role": "main",
                    "contenttype": "text/plain",
                    "value": f"{payload} first.\n\nSecond, {payload}.",
                }
            ],
            "by": f"Ann {payload}",
            "subjects": [{"name": f"{payload} subject"}],
            "located": payload[:90],
        }
        (folder / f"{n:02d}-{key}.json").write_text(json.dumps(document))


def test_payloads_in_imported_wire_files_run_nowhere(page, live_server, tmp_path):
    wire_files(tmp_path)
    call_command("import_articles", str(tmp_path), "--publish", verbosity=0)
    stories = list(Article.objects.published())
    assert len(stories) == 2 * len(ARMED)
    watch = PageWatch(page)
    open_and_check(watch, live_server, reverse("articles:home"), [])
    for story in stories:
        open_and_check(watch, live_server, story.get_absolute_url(), [story.headline])
        h1 = page.locator("h1").first.text_content()
        assert h1 == story.headline, story.source_id
