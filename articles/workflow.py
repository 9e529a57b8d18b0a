"""Who may do what to a story, and the state changes themselves.

Every path that changes a story's state — the admin form, bulk actions, restores —
goes through these functions, so a permission is enforced on the server once, not
only hidden in the interface.
"""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from .models import Article

PUBLISH_PERMISSION = "articles.publish_article"
Status = Article.Status
PUBLIC_STATES = {Status.PUBLISHED, Status.WITHDRAWN}
User = AbstractBaseUser | AnonymousUser


def can_publish(user: User) -> bool:
    """Publishing, scheduling and withdrawing need ``articles.publish_article``."""
    return user.is_active and user.has_perm(PUBLISH_PERMISSION)


def can_edit(user: User, article: Article) -> bool:
    """Editors edit any story; a reporter only their own story while it is a draft."""
    if not user.is_active or not user.has_perm("articles.change_article"):
        return False
    if can_publish(user):
        return True
    return article.created_by_id == user.pk and article.status == Status.DRAFT


def allowed_statuses(user: User) -> list[str]:
    if can_publish(user):
        return list(Status.values)
    return [Status.DRAFT, Status.REVIEW]


def check_status_change(user: User, old: str | None, new: str) -> None:
    """Refuse a state change the user may not make (PermissionDenied: a 403)."""
    touches_public = new in PUBLIC_STATES or (old in PUBLIC_STATES and old != new)
    if touches_public and not can_publish(user):
        raise PermissionDenied(
            "Only editors can publish, schedule or withdraw stories."
        )


def check_live_change(user: User, was_live: bool, is_live: bool) -> None:
    """Refuse opening or closing live coverage to anyone but an editor (a 403)."""
    if was_live != is_live and not can_publish(user):
        raise PermissionDenied("Only editors can open or close live coverage.")


def publication_time_on_publish(
    article: Article, old_status: str | None, *, chosen: bool
) -> datetime:
    """Decide the publication time when a story goes to ``published``.

    A story keeps its original time once it has been public (an update or a
    republication after withdrawal); a first publication takes the time the editor
    chose, else now — not the time the draft happened to be created.
    """
    if chosen or old_status in PUBLIC_STATES:
        return article.published_at
    return max(article.published_at, timezone.now())


def submit_for_review(article: Article, user: User) -> bool:
    if article.status != Status.DRAFT or not can_edit(user, article):
        return False
    article.status = Status.REVIEW
    article.save()
    return True


def publish(article: Article, user: User, *, at: datetime | None = None) -> bool:
    """Publish now, or at ``at`` (a scheduled story goes live by itself)."""
    check_status_change(user, article.status, Status.PUBLISHED)
    if at is not None and at <= timezone.now():
        raise ValidationError("A scheduled time must be in the future.")
    if article.status == Status.PUBLISHED and at is None and article.is_published:
        return False
    old_status = article.status
    article.status = Status.PUBLISHED
    if at is not None:
        article.published_at = at
    elif old_status not in PUBLIC_STATES or article.published_at > timezone.now():
        article.published_at = timezone.now()
    article.save()
    return True


def withdraw(article: Article, user: User) -> bool:
    check_status_change(user, article.status, Status.WITHDRAWN)
    if article.status != Status.PUBLISHED:
        return False
    article.status = Status.WITHDRAWN
    article.save()
    return True
