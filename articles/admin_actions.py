"""Bulk actions of the story changelist: each checks permissions per story and is
recorded in the admin log (who, what, when)."""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from . import workflow
from .models import Article


class ArticleActionForm(ActionForm):
    publish_at = forms.DateTimeField(
        required=False,
        label="Time for “Schedule”",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )


def apply_to_each(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Article],
    change: Callable[[Article], bool],
    done: str,
) -> None:
    changed, refused = 0, []
    with transaction.atomic():
        for article in queryset.select_for_update(of=("self",)):
            try:
                if change(article):
                    model_admin.log_change(request, article, done)
                    changed += 1
            except (PermissionDenied, ValidationError) as error:
                reason = " ".join(getattr(error, "messages", [str(error)]))
                refused.append(f"{article}: {reason}")
    if changed:
        model_admin.message_user(
            request, f"{done}: {changed} stor{'y' if changed == 1 else 'ies'}."
        )
    for reason in refused:
        model_admin.message_user(request, reason, messages.ERROR)
    if not changed and not refused:
        model_admin.message_user(request, "Nothing to change.", messages.WARNING)


@admin.action(description="Submit for review", permissions=["change"])
def submit_for_review(model_admin, request, queryset) -> None:
    apply_to_each(
        model_admin, request, queryset,
        lambda article: workflow.submit_for_review(article, request.user),
        "Submitted for review",
    )  # fmt: skip


@admin.action(description="Publish now", permissions=["publish"])
def publish_now(model_admin, request, queryset) -> None:
    apply_to_each(
        model_admin, request, queryset,
        lambda article: workflow.publish(article, request.user),
        "Published",
    )  # fmt: skip


@admin.action(description="Schedule at the time given", permissions=["publish"])
def schedule(model_admin, request, queryset) -> None:
    field = ArticleActionForm.base_fields["publish_at"]
    try:
        at = field.clean(request.POST.get("publish_at"))
    except ValidationError:
        at = None
    if at is None:
        model_admin.message_user(
            request, "Give the time to schedule the stories for.", messages.ERROR
        )
        return
    apply_to_each(
        model_admin, request, queryset,
        lambda article: workflow.publish(article, request.user, at=at),
        f"Scheduled for {at:%Y-%m-%d %H:%M}",
    )  # fmt: skip


@admin.action(description="Withdraw", permissions=["publish"])
def withdraw(model_admin, request, queryset) -> None:
    apply_to_each(
        model_admin, request, queryset,
        lambda article: workflow.withdraw(article, request.user),
        "Withdrawn",
    )  # fmt: skip
