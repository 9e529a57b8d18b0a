"""Story text is plain text: stored exactly as typed, shown everywhere only escaped.

Every text field a person types (headline, body, captions, bios, tags…) gets each
payload of a list of well-known XSS and template-injection strings. The pages that
show the field are parsed with :class:`html.parser.HTMLParser`, which tokenises
like a browser, and must contain no live markup from the payload (no ``on*``
attribute, no ``javascript:`` address, no executable ``<script>`` calling
``alert(``, no element the payload carries), while the payload itself is readable
as text. The database must keep the payload byte for byte, and saving a story
through the admin form must give every text back unchanged.

Run time: the story's admin change page is by far the costliest page, so it is
checked once per payload with the payload in every field at once (each field's
copy marked with its name), not once per payload and field.
"""

import functools
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from io import BytesIO

import pytest
import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from PIL import Image
from reversion.models import Version
from taggit.models import Tag

from articles.models import (
    Article,
    ArticlePhoto,
    Author,
    Byline,
    Correction,
    EditPresence,
    Photo,
    Section,
)

from .factories import make_article, make_author, make_photo, make_section, make_user

pytestmark = pytest.mark.django_db

# Every payload fits the shortest field it goes into (kicker, dateline, agency,
# section and tag names: 100 characters) with a "~field.name" mark added, so
# PostgreSQL stores it whole and the photo changelist's 80-character caption
# excerpt shows it whole.
PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "attr-breakout-svg": '"><svg onload=alert(1)>',
    "javascript-url": "javascript:alert(1)",
    "iframe-js": '<iframe src="javascript:alert(1)"></iframe>',
    "title-breakout": "</title><script>alert(1)</script>",
    "entity-js-href": '<a href="javas&#99;ript:alert(1)">x</a>',
    "body-onload": "<body onload=alert(1)>",
    "polyglot": "'\"--></style></script><script>alert(1)</script>",
    "mxss-math": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "django-var": "{{ 7*7 }}",
    "django-debug": "{% debug %}",
    "line-separators": "one\u2028two\u2029three</script><script>alert(1)</script>",
    "json-ld-breakout": "</script><script>alert(1)</script>",
    "textarea-breakout": "</textarea><script>alert(1)</script>",
    "single-quote-attr": "' onmouseover='alert(1)",
    "double-quote-attr": '" onfocus="alert(1)" autofocus="',
    "comment-breakout": '<!--<img src="--><img src=x onerror=alert(1)//">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "pre-escaped": "&lt;script&gt;alert(1)&lt;/script&gt;",
}
each_payload = pytest.mark.parametrize(
    "payload", PAYLOADS.values(), ids=PAYLOADS.keys()
)
# The word diffs of revisions escape each word run with one function: one payload
# of each kind is enough there, and keeps the run time down.
DIFF_PAYLOADS = [
    "script",
    "img-onerror",
    "attr-breakout-svg",
    "single-quote-attr",
    "comment-breakout",
    "textarea-breakout",
    "line-separators",
    "pre-escaped",
]
each_diff_payload = pytest.mark.parametrize(
    "payload", [PAYLOADS[key] for key in DIFF_PAYLOADS], ids=DIFF_PAYLOADS
)

# Pages. Public ones are fetched anonymously, admin ones ("admin:…") as a superuser.
ARTICLE, HOME, SECTION, TAG, AUTHOR = "article", "home", "section", "tag", "author"
LISTS = (HOME, SECTION, TAG, AUTHOR)
ARTICLE_CHANGE = "admin:articles_article_change"
ARTICLE_CHANGELIST = "admin:articles_article_changelist"
PHOTO_ADMIN = ("admin:articles_photo_change", "admin:articles_photo_changelist")
AUTHOR_CHANGE = "admin:articles_author_change"
AUTHOR_CHANGELIST = "admin:articles_author_changelist"
SECTION_ADMIN = ("admin:articles_section_change", "admin:articles_section_changelist")
TAG_ADMIN = ("admin:taggit_tag_change", "admin:taggit_tag_changelist")

# Each text field ("model.attribute"), with the public pages and the admin pages
# of its own model that show it. The story's admin pages: ARTICLE_ADMIN_SHOWS.
FIELDS = {
    "article.headline": (ARTICLE, *LISTS),
    "article.kicker": (ARTICLE, *LISTS),
    "article.standfirst": (ARTICLE, *LISTS),
    "article.body": (ARTICLE,),
    "article.dateline": (ARTICLE,),
    "article.agency": (ARTICLE, HOME),
    "photo.caption": (ARTICLE, HOME, *PHOTO_ADMIN),
    "photo.credit": (ARTICLE, HOME, *PHOTO_ADMIN),
    "photo.alt_text": (ARTICLE, HOME, *PHOTO_ADMIN),
    "use.caption_override": (ARTICLE, HOME),
    "author.name": (ARTICLE, HOME, AUTHOR, AUTHOR_CHANGE, AUTHOR_CHANGELIST),
    "author.job_title": (AUTHOR, AUTHOR_CHANGE, AUTHOR_CHANGELIST),
    "author.bio": (AUTHOR, AUTHOR_CHANGE),
    # The section's name is in the navigation of every public page.
    "section.name": (ARTICLE, *LISTS, *SECTION_ADMIN),
    "tag.name": (ARTICLE, TAG, *TAG_ADMIN),
    "correction.text": (ARTICLE,),
    "byline.role": (ARTICLE, HOME),
}
# Shown to editors only, on the story's admin page; the source text is what a
# wire file brought in, untouched.
ADMIN_ONLY = ("article.import_notes", "article.source_text")
ARTICLE_ADMIN_SHOWS = {
    ARTICLE_CHANGE: [
        *(f for f in FIELDS if f not in {"author.job_title", "author.bio"}),
        *ADMIN_ONLY,
    ],
    ARTICLE_CHANGELIST: [
        "article.headline",
        "article.agency",
        "author.name",
        "section.name",
        "tag.name",
    ],
}
EDITOR = "xss-desk"


# --- Reading a page as a browser tokenises it -------------------------------------

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "xlink:href",
    "srcset",
}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
# Elements none of our pages uses: any of them can only have come from a payload.
FOREIGN_ELEMENTS = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "math",
    "mtext",
    "mglyph",
}
EXECUTED_SCRIPT_TYPES = {
    "",
    "text/javascript",
    "application/javascript",
    "application/ecmascript",
    "text/ecmascript",
    "module",
}
JSON_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class Page(HTMLParser):
    """The elements, text runs and scripts of an HTML document or fragment."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, tuple[tuple[str, str | None], ...]]] = []
        self.texts: list[str] = []
        self.scripts: list[list[str]] = []  # [type, text]
        self._script: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.elements.append((tag, tuple(attrs)))
        if tag == "script":
            kind = (dict(attrs).get("type") or "").strip().lower()
            self._script = [kind, ""]
            self.scripts.append(self._script)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script[1] += data
        else:
            self.texts.append(data)

    def shows(self, text: str) -> bool:
        """Is ``text`` readable on the page, as text or as an attribute value?"""
        values = (v or "" for _, attrs in self.elements for _, v in attrs)
        return any(text in chunk for chunk in (*self.texts, *values))


@functools.cache
def elements_with_attributes(payload: str) -> frozenset:
    return frozenset(element for element in Page(payload).elements if element[1])


def live_markup(page: Page, payload: str) -> list[str]:
    """Describe everything on ``page`` that a browser would run or obey as markup
    and that could come from ``payload``; an empty list when the page is safe."""
    injected = elements_with_attributes(payload)
    problems = []
    for tag, attrs in page.elements:
        element = f"<{tag} {' '.join(f'{n}={v!r}' for n, v in attrs)}>"
        if tag in FOREIGN_ELEMENTS:
            problems.append(f"foreign element {element}")
        if (tag, attrs) in injected:
            problems.append(f"the payload's own element {element}")
        for name, value in attrs:
            compact = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name.startswith("on"):
                problems.append(f"event handler in {element}")
            elif name in URL_ATTRIBUTES and compact.startswith(DANGEROUS_SCHEMES):
                problems.append(f"script address in {element}")
            elif name == "srcdoc":
                problems.append(f"srcdoc in {element}")
            elif tag == "meta" and name == "http-equiv" and compact == "refresh":
                problems.append(f"refresh in {element}")
    for kind, text in page.scripts:
        if kind in EXECUTED_SCRIPT_TYPES and "alert(" in text:
            problems.append(f"executable script {text[:80]!r}")
        elif kind in JSON_SCRIPT_TYPES:
            try:
                json.loads(text)
            except ValueError:
                problems.append(f"{kind} script broken open: {text[:80]!r}")
    return problems


def assert_escaped(html: str, payload: str, where: str, *shown: str) -> None:
    """No live markup from ``payload`` in ``html``, and each of ``shown`` (by
    default the payload itself) readable as text."""
    page = Page(html)
    problems = live_markup(page, payload)
    assert not problems, f"{where}: live markup from {payload!r}: {problems}"
    for text in shown or (payload,):
        assert page.shows(text), f"{where}: {text!r} is not shown as text"


# --- Building a story -------------------------------------------------------------


def png() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (4, 3), "navy").save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), "image/png")


@dataclass
class Story:
    article: Article
    section: Section
    author: Author
    photo: Photo
    use: ArticlePhoto
    tag: Tag
    correction: Correction
    byline: Byline

    def url(self, page: str) -> str:
        if page == ARTICLE:
            return self.article.get_absolute_url()
        if page == HOME:
            return reverse("articles:home")
        if page == SECTION:
            return self.section.get_absolute_url()
        if page == TAG:
            return reverse("articles:tag", args=[self.tag.slug])
        if page == AUTHOR:
            return self.author.get_absolute_url()
        if page.endswith("_changelist"):
            return reverse(page)
        model = page.removesuffix("_change").rsplit("_", 1)[1]
        return reverse(page, args=[getattr(self, model).pk])

    def stored(self, field: str) -> str:
        """Read ``field`` ("model.attribute") back from the database."""
        name, attribute = field.split(".")
        obj = getattr(self, name)
        return getattr(type(obj).objects.get(pk=obj.pk), attribute)


def make_story(**texts: str) -> Story:
    """A published story with every relation; ``texts`` maps "model.attribute" to
    the text to put there, everything else gets a harmless default."""

    def text(field: str, default: str) -> str:
        return texts.get(field, default)

    section = make_section(name=text("section.name", "World"))
    author = make_author(
        name=text("author.name", "Ann Reporter"),
        job_title=text("author.job_title", "River correspondent"),
        bio=text("author.bio", "Ann writes about rivers."),
    )
    photo = make_photo(
        image=png(),
        caption=text("photo.caption", "Fishermen at dawn."),
        credit=text("photo.credit", "AFP"),
        alt_text=text("photo.alt_text", "Boats on a river."),
    )
    article = make_article(
        headline=text("article.headline", "Fishermen return to the river"),
        kicker=text("article.kicker", "Analysis"),
        standfirst=text("article.standfirst", "Fishing resumes after the floods."),
        body=text("article.body", "First paragraph.\n\nSecond paragraph."),
        dateline=text("article.dateline", "BAGHDAD"),
        agency=text("article.agency", "Reuters"),
        import_notes=text("article.import_notes", ""),
        source_text=text("article.source_text", ""),
        section=section,
        authors=[author],
        photos=[photo],
        tags=[text("tag.name", "Rivers")],
    )
    use = article.article_photos.get()
    use.caption_override = text("use.caption_override", "")
    use.save()
    byline = article.bylines.get()
    byline.role = text("byline.role", "By")
    byline.save()
    correction = Correction.objects.create(
        article=article, text=text("correction.text", "A name was misspelt.")
    )
    tag = article.tags.get()
    return Story(article, section, author, photo, use, tag, correction, byline)


def marked(payload: str, fields) -> dict[str, str]:
    """The payload for each field, marked with the field's name so that each copy
    can be found on a page showing many fields."""
    return {field: f"{payload}~{field}" for field in fields}


# --- Fixtures ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def desk_session(django_db_setup, django_db_blocker):
    """One superuser, logged in once, for the whole module: hashing a password and
    logging in for each of the hundreds of cases would dominate the run time. It
    is made outside the tests' transactions and removed after the module."""
    with django_db_blocker.unblock():
        get_user_model().objects.filter(username=EDITOR).delete()  # interrupted run
        user = make_user(EDITOR)
        browser = Client()
        browser.force_login(user)
        key = browser.session.session_key
    yield key
    with django_db_blocker.unblock():
        Session.objects.filter(session_key=key).delete()
        user.delete()


@pytest.fixture
def desk(desk_session) -> Client:
    """A browser logged in to the admin as a superuser."""
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = desk_session
    return browser


def fetch(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response.content.decode()


def save_error(response) -> object:
    """What the admin said instead of saving, for an assertion message."""
    context = response.context or {}
    if "adminform" in context:
        return context["adminform"].form.errors, context.get("inline_admin_formsets")
    return response


# --- Every page showing a field ---------------------------------------------------


@pytest.mark.parametrize("field", FIELDS)
@each_payload
def test_payload_in_a_text_field_is_stored_as_typed_and_shown_only_escaped(
    request, desk_session, client, field, payload
):
    """Every page showing the field shows the payload as text and runs none of it,
    and the database holds the payload byte for byte."""
    # ``desk_session`` is named above so that it is made before the test's
    # transaction begins; ``desk`` is only needed for fields with admin pages.
    story = make_story(**{field: payload})
    for page in FIELDS[field]:
        browser = request.getfixturevalue("desk") if "admin:" in page else client
        url = story.url(page)
        assert_escaped(fetch(browser, url), payload, f"{field} on {page} ({url})")
    assert story.stored(field) == payload


@each_payload
def test_story_admin_shows_every_field_escaped_and_saves_it_back_unchanged(
    client, desk, payload
):
    """The story's admin page and changelist, its preview link and the warning
    naming another editor show each field's payload as text and run none; saving
    the admin form unchanged gives back every text as typed (no escaping,
    unescaping, trimming or splitting)."""
    from articles.preview import preview_url

    texts = marked(payload, [*FIELDS, *ADMIN_ONLY])
    story = make_story(**texts)
    other = get_user_model().objects.create(
        username="other-desk", first_name="Editor", last_name=f"{payload}~user"
    )
    EditPresence.objects.create(article=story.article, user=other)
    pages = {}
    for page, fields in ARTICLE_ADMIN_SHOWS.items():
        pages[page] = html = fetch(desk, story.url(page))
        shown = [texts[f] for f in fields]
        if page == ARTICLE_CHANGE:
            shown.append(other.last_name)  # "Editor … has had this story open"
        assert_escaped(html, payload, page, *shown)
    # Not on a story page: the author's own page texts, the photo's caption (the
    # story's caption overrides it) and the editors' fields.
    hidden = {"author.job_title", "author.bio", "photo.caption", *ADMIN_ONLY}
    shown = [text for field, text in texts.items() if field not in hidden]
    assert_escaped(
        fetch(client, preview_url(story.article)), payload, "preview", *shown
    )

    data = FormFields(pages[ARTICLE_CHANGE], "article_form").data()
    data["_save"] = ["Save"]
    response = desk.post(story.url(ARTICLE_CHANGE), data)
    assert response.status_code == 302, save_error(response)
    for field, text in texts.items():
        if field != "tag.name":  # see test_a_tag_name_survives_saving_…
            assert story.stored(field) == text, field


# The language code is typed too (12 characters at most) and lands in ``lang``
# attributes of the story page, the home page and every list.
SHORT_PAYLOADS = ['"onclick=a//', "'onclick=a//", '"><img src=x']


@pytest.mark.parametrize("payload", SHORT_PAYLOADS)
def test_a_typed_language_code_stays_inside_its_attribute(client, payload):
    """A language code holding quotes cannot open an attribute or an element."""
    story = make_story()
    Article.objects.filter(pk=story.article.pk).update(language=payload)
    for page in (ARTICLE, HOME, SECTION):
        assert_escaped(fetch(client, story.url(page)), payload, f"lang on {page}")
    assert story.stored("article.language") == payload


# --- The checker itself ----------------------------------------------------------

CONTEXTS = {
    "text": "<p>{}</p>",
    "double-quoted attribute": '<img alt="{}">',
    "single-quoted attribute": "<input value='{}'>",
    "address": '<a href="{}">x</a>',
}


def test_the_checker_flags_each_payload_left_unescaped_and_passes_it_escaped():
    """The page checker is not blind: every payload but the template syntax (its
    own test) is caught somewhere when a page forgets to escape it, and none is
    flagged once escaped, except as an address, where escaping does not help."""
    for key, payload in PAYLOADS.items():
        caught = []
        for context, template in CONTEXTS.items():
            page = Page(template.format(payload))
            if live_markup(page, payload) or not page.shows(payload):
                caught.append(context)
            if context != "address":
                assert_escaped(template.format(escape(payload)), payload, context)
        assert caught or key.startswith("django-"), f"{key} is never caught"


# --- Template syntax --------------------------------------------------------------


def test_template_syntax_in_a_story_is_shown_literally_not_evaluated(client, desk):
    """``{{ 7*7 }}`` reads as typed, never 49; ``{% debug %}`` dumps no context."""
    typed = "Sum: {{ 7*7 }} and {% debug %} done"
    story = make_story(
        **dict.fromkeys(
            [
                "article.headline",
                "article.standfirst",
                "article.body",
                "photo.caption",
                "author.bio",
                "correction.text",
            ],
            typed,
        )
    )
    for page in [ARTICLE, HOME, AUTHOR, ARTICLE_CHANGE, ARTICLE_CHANGELIST]:
        html = fetch(desk if "admin:" in page else client, story.url(page))
        assert typed in "".join(Page(html).texts), page
        assert "Sum: 49" not in html, page
        assert "sql_queries" not in html and "{'csrf_token'" not in html, page


# --- Saving through the admin -----------------------------------------------------


class FormFields(HTMLParser):
    """What a browser submits for the form with ``form_id``, as (name, value)
    pairs. ``data()`` leaves out the admin's hidden ``__prefix__`` rows, the
    templates its JavaScript copies for "Add another"."""

    def __init__(self, html: str, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append(
                (name, a.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # A browser drops the one newline that follows <textarea>.
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self.fields.append((self._textarea, text))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text += data

    def data(self) -> dict[str, list[str]]:
        submitted: dict[str, list[str]] = {}
        for name, value in self.fields:
            if "__prefix__" not in name:
                submitted.setdefault(name, []).append(value)
        return submitted


# The admin's tag box holds the tags as one string (articles/tags.py writes and
# reads it): every tag name must come back from it unchanged.


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(
            text,
            id=key,
        )
        for key, text in PAYLOADS.items()
    ],
)
def test_a_tag_name_survives_saving_the_story_unchanged_in_the_admin(payload):
    """The admin's tag box shows the story's tags as one string; reading that
    string back gives the same tag, so a save changes nothing."""
    article = make_article(tags=[payload])
    field = Article._meta.get_field("tags").formfield()
    in_the_box = field.widget.format_value(list(article.tags.all()))
    assert field.clean(in_the_box) == [payload]


@each_payload
def test_typing_a_payload_into_a_new_story_in_the_admin_stores_it_byte_for_byte(
    desk, payload
):
    """A new story and its correction keep exactly what was typed."""
    add = reverse("admin:articles_article_add")
    form = FormFields(fetch(desk, add), "article_form")
    data = form.data()
    names = ["headline", "kicker", "standfirst", "body", "dateline", "agency"]
    for name in names:
        data[name] = [payload]
    # One correction row, filled in from the form's empty template row.
    for name, value in form.fields:
        if name.startswith("corrections-__prefix__-"):
            data[name.replace("__prefix__", "0")] = [value]
    data["corrections-TOTAL_FORMS"] = ["1"]
    data["corrections-0-text"] = [payload]
    data["_save"] = ["Save"]
    response = desk.post(add, data)
    assert response.status_code == 302, save_error(response)
    article = Article.objects.get()
    for name in names:
        assert getattr(article, name) == payload, name
    assert article.corrections.get().text == payload


@each_diff_payload
def test_edit_conflict_shows_both_versions_and_the_other_editor_escaped(desk, payload):
    """When someone saved the story meanwhile, the differences listed above the
    form (their text, yours, their name) are text, never markup."""
    story = make_story()
    url = story.url(ARTICLE_CHANGE)
    data = FormFields(fetch(desk, url), "article_form").data()
    other = get_user_model().objects.create(username="other-desk", first_name=payload)
    with reversion.create_revision():
        reversion.set_user(other)
        theirs = Article.objects.get(pk=story.article.pk)
        theirs.headline = f"{payload}~theirs"
        theirs.body = f"Their body: {payload}"
        theirs.save()
    data["headline"] = [f"{payload}~yours"]
    data["body"] = [f"Your body: {payload}"]
    data["_save"] = ["Save"]
    response = desk.post(url, data)
    assert response.status_code == 200, "the stale save was not stopped"
    assert response.context["conflict"] is not None
    assert_escaped(response.content.decode(), payload, "conflict")


# The story's own texts that a revision keeps (the source text is not edited).
ARTICLE_TEXTS = [f for f in FIELDS if f.startswith("article.")]
ARTICLE_TEXTS.append("article.import_notes")


@each_diff_payload
def test_revision_history_and_comparison_show_the_texts_escaped(desk, payload):
    """The story's history (who saved, their comment) and the comparison of two
    revisions (the texts before, the words changed) are text, never markup."""
    texts = marked(payload, ARTICLE_TEXTS)
    with reversion.create_revision():
        story = make_story(**texts)
    other = get_user_model().objects.create(
        username="other-desk", first_name="Editor", last_name=f"{payload}~user"
    )
    with reversion.create_revision():
        reversion.set_user(other)
        reversion.set_comment(f"{payload}~comment")
        article = Article.objects.get(pk=story.article.pk)
        for field in ARTICLE_TEXTS:
            setattr(article, field.split(".")[1], f"Rewritten {field}")
        article.save()
    new, old = Version.objects.get_for_object(article)[:2]
    history = reverse("admin:articles_article_history", args=[article.pk])
    shown = [other.last_name, f"{payload}~comment"]
    assert_escaped(fetch(desk, history), payload, "history", *shown)
    compare = reverse("admin:articles_article_compare", args=[article.pk])
    html = fetch(desk, f"{compare}?old={old.pk}&new={new.pk}")
    assert_escaped(html, payload, "compare", *texts.values())


# --- The feed ---------------------------------------------------------------------


def feed_items(xml: str) -> list[dict[str, str]]:
    channel = ET.fromstring(xml).find("channel")
    return [
        {child.tag: child.text or "" for child in item}
        for item in channel.iterfind("item")
    ]


@pytest.mark.parametrize(
    "field, element",
    [("article.headline", "title"), ("article.standfirst", "description")],
)
@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(
            text,
            id=key,
        )
        for key, text in PAYLOADS.items()
    ],
)
def test_feed_gives_readers_the_payload_as_text_not_markup(
    client, field, element, payload
):
    """Feed readers render an item's description (and, as Django's own default
    ``item_title`` assumes, its title) as HTML once the XML is read: plain text
    must reach them escaped."""
    make_story(**{field: payload})
    (item,) = feed_items(fetch(client, reverse("articles:feed")))
    assert_escaped(item[element], payload, f"{field} in the feed's <{element}>")
