"""Linked translations: one story, many languages.

A translation points at the original with ``Article.translation_of``; the original
points at nothing. Keeping the group a star (never a chain) means one query finds
every version of a story, from any of them, and a version's languages cannot
collide unnoticed.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language_info

from .models import Article


def group_root_pk(article: Article) -> int | None:
    return article.translation_of_id or article.pk


def language_versions(article: Article) -> list[Article]:
    """Every published version of ``article``, itself included, by language code.

    Empty when the story has no published translation: a page then carries no
    alternates at all, as search engines expect.
    """
    root = group_root_pk(article)
    if root is None:
        return []
    versions = list(
        Article.objects.published()
        .filter(Q(pk=root) | Q(translation_of=root))
        .only("pk", "slug", "published_at", "language", "headline", "translation_of")
        .order_by("language", "pk")
    )
    return versions if len(versions) > 1 else []


@dataclass(frozen=True)
class LanguageLink:
    language: str
    name: str
    headline: str
    url: str
    is_current: bool


def language_links(article: Article, request: HttpRequest) -> list[LanguageLink]:
    """What a story page needs for its hreflang alternates and "Read in" links."""
    return [
        LanguageLink(
            language=version.language,
            name=language_name(version.language),
            headline=version.headline,
            url=request.build_absolute_uri(version.get_absolute_url()),
            is_current=version.pk == article.pk,
        )
        for version in language_versions(article)
    ]


LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def language_feed_url(article: Article) -> str:
    """The story's language feed, or "" when its language is not a BCP 47 tag."""
    if not LANGUAGE_TAG.fullmatch(article.language):
        return ""
    return reverse("articles:language_feed", kwargs={"code": article.language})


def all_versions(article: Article) -> QuerySet[Article]:
    """Every version, published or not (for editors)."""
    root = group_root_pk(article)
    return Article.objects.filter(Q(pk=root) | Q(translation_of=root)).exclude(
        pk=article.pk
    )


def language_name(code: str) -> str:
    """The language's own name ("العربية" for ar), else the code itself."""
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


def check_translation_link(article: Article) -> None:
    """Refuse links that would make the group ambiguous; say how to fix them."""
    original = article.translation_of
    if original is None:
        return
    if article.pk is not None and original.pk == article.pk:
        raise ValidationError(
            {"translation_of": "A story cannot be a translation of itself."}
        )
    if original.translation_of_id is not None:
        raise ValidationError(
            {
                "translation_of": (
                    f"“{original}” is itself a translation; link to its original, "
                    f"“{original.translation_of}”, instead."
                )
            }
        )
    if article.pk is not None and article.translations.exists():
        raise ValidationError(
            {
                "translation_of": (
                    "This story has translations of its own; it can only be an "
                    "original."
                )
            }
        )
    clash = (
        Article.objects.filter(
            Q(pk=original.pk) | Q(translation_of=original.pk),
            language=article.language,
        )
        .exclude(pk=article.pk)
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "translation_of": (
                    f"“{clash}” is already the {language_name(article.language)} "
                    f"({article.language}) version of this story."
                )
            }
        )
