"""What search engines and social networks read on a story page.

schema.org ``NewsArticle`` JSON-LD, OpenGraph and Twitter card tags, built as plain
data from a story whose relations are prefetched (``with_relations()``) and the
request, which gives absolute addresses. Templates only print the result:
``json_ld_script`` escapes the JSON so that no text can close its ``<script>``.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from photos.renditions import output_size, rendition_url, source_size, srcset_widths

from .models import Article, Author

# Shared pictures: the widest rendition up to this width, in each ratio (Google
# asks for several ratios at least 1200 px wide; the first one goes to OpenGraph).
SHARE_WIDTH = 1280
SHARE_RATIOS = ("16x9", "1x1")
# Twitter cuts image descriptions longer than this.
ALT_TEXT_LIMIT = 420
# The publisher's logo: a static file, square as Google's logo guidelines prefer.
LOGO = ("img/newsroom-logo.png", 240, 240)

# What json.dumps leaves as is but an HTML parser would read inside a <script>:
# the same escapes as django.utils.html.json_script, plus the line separators.
JSON_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


@dataclass(frozen=True)
class SharedImage:
    url: str
    width: int
    height: int
    alt: str
    type: str = "image/jpeg"


def story_metadata(article: Article, request: HttpRequest) -> dict:
    """Return everything a story page's <head> says about the story, ready to print."""
    # Imported here because live's structured data builds on this module.
    from live.structured_data import as_live_blog_posting

    canonical_url = request.build_absolute_uri(article.get_absolute_url())
    images = shared_images(article, request)
    story = news_article(article, request, canonical_url=canonical_url, images=images)
    return {
        "canonical_url": canonical_url,
        "json_ld": json_ld_script(as_live_blog_posting(story, article, request)),
        "open_graph": open_graph(article, canonical_url=canonical_url, images=images),
        "twitter": twitter_card(article, images=images),
    }


def shared_images(article: Article, request: HttpRequest) -> list[SharedImage]:
    """Return the lead photo's JPEG renditions in each ratio; none without image."""
    use = article.lead_photo
    photo = use.photo if use else None
    if photo is None or not photo.image:
        return []
    size = source_size(photo)
    if size is None:
        return []
    alt = (photo.alt_text or use.caption)[:ALT_TEXT_LIMIT]
    images = []
    for ratio in SHARE_RATIOS:
        width = max(w for w, _ in srcset_widths(photo, ratio) if w <= SHARE_WIDTH)
        url = request.build_absolute_uri(rendition_url(photo, ratio, width, "jpg"))
        images.append(SharedImage(url, *output_size(*size, ratio, width), alt))
    return images


def modified_at(article: Article) -> datetime:
    """Return when the story last changed, never before it was published."""
    changed = article.updated_significantly_at or article.updated_at
    return max(article.published_at, changed) if changed else article.published_at


def news_article(
    article: Article,
    request: HttpRequest,
    *,
    canonical_url: str,
    images: list[SharedImage],
) -> dict:
    """Return the story as a schema.org ``NewsArticle``."""
    publisher = organisation(request)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical_url},
        "url": canonical_url,
        "headline": article.headline,
        "inLanguage": article.language,
        "datePublished": iso8601(article.published_at),
        "dateModified": iso8601(modified_at(article)),
        "author": authors(article, request) or [publisher],
        "publisher": publisher,
    }
    if article.standfirst:
        data["description"] = article.standfirst
    if images:
        data["image"] = [image.url for image in images]
    if article.section:
        data["articleSection"] = article.section.name
    keywords = [tag.name for tag in article.tags.all()]
    if keywords:
        data["keywords"] = keywords
    if article.dateline:
        data["dateline"] = article.dateline
    return data


def authors(article: Article, request: HttpRequest) -> list[dict]:
    """Return each byline's author as a Person, then the agency as an Organization."""
    people: list[Author] = []
    for byline in article.bylines.all():
        if byline.author not in people:
            people.append(byline.author)
    found = [
        {
            "@type": "Person",
            "name": person.name,
            "url": request.build_absolute_uri(person.get_absolute_url()),
        }
        for person in people
    ]
    if article.agency:
        found.append({"@type": "Organization", "name": article.agency})
    return found


def organisation(request: HttpRequest) -> dict:
    """Return the site's publisher as a schema.org Organization with its logo."""
    path, width, height = LOGO
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": request.build_absolute_uri(reverse("articles:home")),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static(path)),
            "width": width,
            "height": height,
        },
    }


def open_graph(
    article: Article, *, canonical_url: str, images: list[SharedImage]
) -> list[tuple[str, str]]:
    """Return OpenGraph (property, content) pairs, in the order they are printed."""
    tags = [
        ("og:type", "article"),
        ("og:site_name", settings.SITE_NAME),
        ("og:title", article.headline),
        ("og:url", canonical_url),
    ]
    if article.standfirst:
        tags.append(("og:description", article.standfirst))
    if images:
        image = images[0]
        tags += [
            ("og:image", image.url),
            ("og:image:type", image.type),
            ("og:image:width", str(image.width)),
            ("og:image:height", str(image.height)),
        ]
        if image.alt:
            tags.append(("og:image:alt", image.alt))
    tags += [
        ("article:published_time", iso8601(article.published_at)),
        ("article:modified_time", iso8601(modified_at(article))),
    ]
    if article.section:
        tags.append(("article:section", article.section.name))
    tags += [("article:tag", tag.name) for tag in article.tags.all()]
    return tags


def twitter_card(
    article: Article, *, images: list[SharedImage]
) -> list[tuple[str, str]]:
    """Return Twitter card (name, content) pairs: a large image when there is one."""
    tags = [
        ("twitter:card", "summary_large_image" if images else "summary"),
        ("twitter:title", article.headline),
    ]
    if article.standfirst:
        tags.append(("twitter:description", article.standfirst))
    if images:
        tags.append(("twitter:image", images[0].url))
        if images[0].alt:
            tags.append(("twitter:image:alt", images[0].alt))
    return tags


def iso8601(moment: datetime) -> str:
    """Write a time in the site's time zone, to the second, with its UTC offset."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def json_ld_script(data: dict) -> SafeString:
    """Return ``data`` in a JSON-LD <script> element that no text can break out of."""
    text = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(text)
    )
