"""Write a story as IPTC ninjs 2.1, valid against ``ninjs-schema_2.1.json``.

2.1 is the version of IPTC's current example documents. Links are absolute, and a
story's ``uri`` is a tag URI that survives edits of its address.
"""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils.encoding import iri_to_uri

from articles.models import Article, ArticlePhoto
from photos.renditions import (
    output_size,
    rendition_url,
    source_size,
    spec_name,
    srcset_widths,
)

NINJS_VERSION = "2.1"
SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"
# A picture's renditions for other sites: the whole picture, uncropped, as JPEG.
RENDITION_RATIO, RENDITION_FORMAT = "free", "jpg"


def to_ninjs(article: Article, *, base_url: str) -> dict:
    """Return ``article`` as a ninjs 2.1 document; links are absolute on ``base_url``.

    Reads only prefetched relations (``Article.objects.with_relations()``), so a list
    of stories costs no query per story.
    """
    base = base_url.rstrip("/")
    document = {
        "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": SCHEMA_URI},
        "uri": article_uri(article, base_url=base),
        "type": "text",
        "representationtype": "full",
        "version": str(article.version),
        "firstcreated": _iso(article.published_at),
        "versioncreated": _iso(max(article.published_at, article.updated_at)),
        "pubstatus": "usable",
        "language": article.language,
        "slugline": article.slug,
        "headlines": [{"role": "main", "value": article.headline}],
    }
    if article.kicker:
        document["headlines"].append({"role": "kicker", "value": article.kicker})
    if article.dateline:
        document["located"] = article.dateline
    if article.standfirst:
        document["descriptions"] = [
            {
                "role": "summary",
                "contenttype": "text/plain",
                "value": article.standfirst,
            }
        ]
    body = "\n\n".join(article.paragraphs)
    if body:
        document["bodies"] = [
            {
                "contenttype": "text/plain",
                "charcount": len(body),
                "wordcount": len(body.split()),
                "value": body,
            }
        ]
    groups = article.byline_groups
    if groups or article.agency:
        document["by"] = (
            "; ".join(
                f"{role} {_join_names([author.name for author in authors])}"
                for role, authors in groups
            )
            or article.agency
        )
    authors = {byline.author.pk: byline.author for byline in article.bylines.all()}
    if authors:
        document["people"] = [
            {
                "name": author.name,
                "rel": "author",
                "uri": _absolute(base, author.get_absolute_url()),
            }
            for author in authors.values()
        ]
    if article.agency:
        # An info source without a role is the party that originated the content.
        document["infosources"] = [{"name": article.agency}]
    tags = sorted(article.tags.all(), key=lambda tag: (tag.name.casefold(), tag.pk))
    if tags:
        document["subjects"] = [
            {
                "name": tag.name,
                "rel": "about",
                "uri": _absolute(base, reverse("articles:tag", args=[tag.slug])),
            }
            for tag in tags
        ]
    uses = sorted(article.article_photos.all(), key=lambda use: not use.is_lead)
    if uses:
        document["associations"] = [
            _picture(use, n, base) for n, use in enumerate(uses, start=1)
        ]
    document["renditions"] = [
        {
            "name": "web",
            "title": "The story on the website",
            "contenttype": "text/html",
            "href": _absolute(base, article.get_absolute_url()),
        }
    ]
    return document


def article_uri(article: Article, *, base_url: str) -> str:
    """Return the story's permanent identifier, a tag URI (RFC 4151).

    Built from the site's host, the year the story was created and its id, so it
    survives edits of the headline, slug or publication date that change the page
    address; it identifies, it is not a link (the "web" rendition is).
    """
    return _tag_uri(base_url, article.created_at, f"article:{article.pk}")


def _tag_uri(base_url: str, created: datetime, specific: str) -> str:
    host = urlsplit(base_url).hostname or "localhost"
    return f"tag:{host},{created.astimezone(UTC).year}:{specific}"


def _picture(use: ArticlePhoto, n: int, base: str) -> dict:
    """Return a photo as an associated picture item: caption, credit, renditions."""
    photo = use.photo
    descriptions = [
        {"role": role, "value": value}
        for role, value in (
            ("caption", use.caption),
            ("creditline", photo.credit),
            ("alttext", photo.alt_text),
        )
        if value
    ]
    picture = {
        "name": f"picture-{n}",
        "uri": _tag_uri(base, photo.created_at, f"photo:{photo.pk}"),
        "type": "picture",
    }
    if descriptions:
        picture["descriptions"] = descriptions
    if photo.copyright:
        picture["copyrightnotice"] = photo.copyright
    size = source_size(photo) if photo.image else None
    if size is not None:
        picture["renditions"] = [
            _rendition(photo, base, size, spec_width, real_width)
            for spec_width, real_width in srcset_widths(photo, RENDITION_RATIO)
        ]
    return picture


def _rendition(photo, base: str, size, spec_width: int, real_width: int) -> dict:
    width, height = output_size(*size, RENDITION_RATIO, spec_width)
    return {
        "name": spec_name(RENDITION_RATIO, spec_width, RENDITION_FORMAT),
        "href": _absolute(
            base,
            rendition_url(photo, RENDITION_RATIO, spec_width, RENDITION_FORMAT),
        ),
        "contenttype": "image/jpeg",
        "width": width,
        "height": height,
    }


def _join_names(names: list[str]) -> str:
    """Join names as a byline reads: "A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _absolute(base: str, path: str) -> str:
    return iri_to_uri(f"{base}{path}")


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")
