"""The story form of the admin: it guards against lost updates and role abuse."""

from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from reversion.models import Version

from .models import Article
from .workflow import allowed_statuses, can_publish

CONFLICT_FIELDS = [
    "headline", "kicker", "standfirst", "body", "status", "published_at",
    "embargo_until", "section", "agency", "dateline", "language", "import_notes",
]  # fmt: skip


@dataclass
class Conflict:
    """What someone else saved while this editor had the story open."""

    saved_by: str
    saved_at: datetime | None
    changes: list  # revisions.FieldChange: theirs (old) → yours (new)


def as_text(value: object) -> str:
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    return "" if value is None else str(value)


class ArticleAdminForm(forms.ModelForm):
    version_seen = forms.UUIDField(widget=forms.HiddenInput, required=False)
    significant_update = forms.BooleanField(
        required=False,
        label="Significant update",
        help_text="Tell readers the story was updated: shows “Updated” and this time.",
    )
    user: AbstractBaseUser  # set by ArticleAdmin.get_form for each request

    class Meta:
        model = Article
        fields = [*CONFLICT_FIELDS, "slug", "tags"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.conflict: Conflict | None = None
        if self.instance.pk is not None:
            self.fields["version_seen"].initial = self.instance.version
        status = self.fields.get("status")
        if status is not None and hasattr(self, "user"):
            # Only offer what the user may choose; the server still checks a
            # crafted value (ArticleAdmin.save_model) and answers 403.
            allowed = set(allowed_statuses(self.user)) | {self.instance.status}
            status.widget.choices = [c for c in status.choices if c[0] in allowed]
        live = self.fields.get("is_live")
        if live is not None and hasattr(self, "user") and not can_publish(self.user):
            # Only editors open and close live coverage; a disabled field keeps the
            # story's value whatever is posted (save_model checks it again).
            live.disabled = True

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        # Lock the row until this request's transaction ends, so a concurrent save
        # of the same story waits and then sees our new version.
        current = Article.objects.select_for_update().get(pk=self.instance.pk)
        if cleaned.get("version_seen") != current.version:
            self.conflict = self.describe_conflict(current, cleaned)
            data = self.data.copy()
            data["version_seen"] = str(current.version)
            self.data = data  # a second save, made knowingly, goes through
            raise forms.ValidationError(
                "%(who)s saved this story while you were editing it. Nothing was "
                "overwritten: your text is still in the form below, and the "
                "differences are listed above it. Merge what you need, then save "
                "again.",
                code="stale",
                params={"who": self.conflict.saved_by},
            )
        return cleaned

    def describe_conflict(self, current: Article, cleaned: dict) -> Conflict:
        from .revisions import diff

        theirs, yours = {}, {}
        for name in CONFLICT_FIELDS:
            if name in self.fields:
                label = str(self.fields[name].label or name)
                theirs[label] = as_text(getattr(current, name))
                yours[label] = as_text(cleaned.get(name))
        latest = (
            Version.objects.get_for_object(current)
            .select_related("revision__user")
            .first()
        )
        user = latest.revision.user if latest else None
        return Conflict(
            saved_by=(user.get_full_name() or user.get_username())
            if user
            else "Someone",
            saved_at=latest.revision.date_created if latest else None,
            changes=diff(theirs, yours),
        )
