"""The reporters' desk for live coverage: entries added to live stories, corrections.

Reporters and editors add entries while a story's coverage is open; once an editor
closes it, only editors change its entries (to correct them). Opening and closing
coverage is the story's ``is_live``, guarded in ``articles.workflow``.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from articles import workflow
from articles.models import Author
from photos.admin import thumbnail

from .models import LiveEntry, LiveEntryCorrection


class LiveEntryCorrectionInline(admin.StackedInline):
    model = LiveEntryCorrection
    extra = 0
    fields = ["text", "created_at"]


@admin.register(LiveEntry)
class LiveEntryAdmin(VersionAdmin):
    list_display = ["__str__", "article", "author", "created_at", "is_key_moment"]
    list_filter = ["is_key_moment", "article__is_live"]
    list_select_related = ["article", "author"]
    search_fields = ["title", "body", "article__headline"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["article", "photo", "author"]
    inlines = [LiveEntryCorrectionInline]
    fieldsets = [
        (None, {"fields": ["article", "title", "body", "is_key_moment"]}),
        (
            "Photo",
            {"fields": [("photo", "preview"), ("photo_caption", "photo_credit")]},
        ),
        (None, {"fields": ["author", "created_at", "permalink"]}),
    ]
    readonly_fields = ["preview", "permalink"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # An entry stays on its story: its permalink and the story's JSON-LD say so.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "article"] if obj is not None else fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[LiveEntry]:
        return super().get_queryset(request).select_related("article", "photo")

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.may_edit(request, obj))

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.may_edit(request, obj))

    @staticmethod
    def may_edit(request: HttpRequest, entry: LiveEntry) -> bool:
        """Entries of closed coverage are the editors' to correct."""
        return entry.article.is_live or workflow.can_publish(request.user)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        initial = super().get_changeform_initial_data(request)
        author = Author.objects.filter(user=request.user).first()
        if author is not None:
            initial.setdefault("author", author.pk)
        return initial

    @admin.display(description="preview")
    def preview(self, entry: LiveEntry) -> str:
        return thumbnail(entry.photo, 160) if entry.pk else "—"

    @admin.display(description="permalink")
    def permalink(self, entry: LiveEntry) -> str:
        if entry.pk is None or not entry.article.is_published:
            return "Shown on the story's page once it is published."
        url = entry.get_absolute_url()
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', url, url
        )
