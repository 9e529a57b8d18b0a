"""Small builders for test data: plain functions with sensible defaults."""

from datetime import timedelta
from itertools import count

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, ArticlePhoto, Author, Byline, Photo, Section
from live.models import LiveEntry

_seq = count(1)


def make_section(**fields) -> Section:
    n = next(_seq)
    fields.setdefault("name", f"Section {n}")
    fields.setdefault("slug", f"section-{n}")
    return Section.objects.create(**fields)


def make_author(**fields) -> Author:
    n = next(_seq)
    fields.setdefault("name", f"Reporter {n}")
    fields.setdefault("slug", f"reporter-{n}")
    return Author.objects.create(**fields)


def make_photo(**fields) -> Photo:
    fields.setdefault("caption", f"Caption {next(_seq)}")
    fields.setdefault("credit", "AFP")
    return Photo.objects.create(**fields)


def make_article(*, tags=(), authors=(), photos=(), **fields) -> Article:
    n = next(_seq)
    fields.setdefault("headline", f"Headline number {n}")
    fields.setdefault("standfirst", f"Standfirst {n}.")
    fields.setdefault("body", f"First paragraph {n}.\n\nSecond paragraph {n}.")
    fields.setdefault("status", Article.Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    article = Article.objects.create(**fields)
    if tags:
        article.tags.add(*tags)
    for position, author in enumerate(authors):
        Byline.objects.create(article=article, author=author, position=position)
    for position, photo in enumerate(photos):
        ArticlePhoto.objects.create(
            article=article, photo=photo, position=position, is_lead=position == 0
        )
    return article


def make_user(
    username: str = "editor",
    *,
    superuser: bool = True,
    password: str = "correct-horse-battery",
):
    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(
            username, f"{username}@example.org", password
        )
    return User.objects.create_user(
        username, f"{username}@example.org", password, is_staff=True
    )


def make_live_entry(article: Article, **fields) -> LiveEntry:
    n = next(_seq)
    fields.setdefault("body", f"Entry {n}: what happened.")
    if "author" not in fields:
        fields["author"] = make_author()
    return LiveEntry.objects.create(article=article, **fields)
