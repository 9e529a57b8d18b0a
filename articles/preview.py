"""Signed, expiring preview links: a story as readers will see it, before it is public.

The token carries only the story's id, signed with the site's secret; it cannot be
altered to reach another story, and it stops working after PREVIEW_LINK_HOURS.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .models import Article

SALT = "articles.preview"


def max_age() -> timedelta:
    return timedelta(hours=settings.PREVIEW_LINK_HOURS)


def preview_url(article: Article) -> str:
    token = signing.dumps({"article": article.pk}, salt=SALT, compress=True)
    return reverse("articles:preview", kwargs={"token": token})


def expires_at() -> datetime:
    return timezone.now() + max_age()


def article_pk_from_token(token: str) -> int:
    """Return the story id of a valid token; raise signing.BadSignature otherwise
    (SignatureExpired, a subclass, when it is too old)."""
    return int(signing.loads(token, salt=SALT, max_age=max_age())["article"])
