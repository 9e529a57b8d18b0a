"""The editors' admin: a story with its bylines, photos and corrections on one page."""

from functools import partial

from django.contrib import admin, messages
from django.db.models import Prefetch, QuerySet
from django.forms import BaseInlineFormSet, ValidationError
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin

from photos.admin import thumbnail

from . import presence, preview, translations, workflow
from .admin_actions import (
    ArticleActionForm,
    publish_now,
    schedule,
    submit_for_review,
    withdraw,
)
from .admin_import import import_view
from .admin_revisions import RevisionAdminMixin
from .forms import ArticleAdminForm
from .interchange.plaintext import find_date
from .models import (
    Article,
    ArticlePhoto,
    Author,
    Byline,
    Correction,
    Section,
    StaleEdit,
)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "user"]
    list_select_related = ["user"]
    search_fields = ["name", "job_title"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["user"]


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    autocomplete_fields = ["author"]
    fields = ["author", "role", "position"]


class OneLeadPhotoFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        leads = [
            form
            for form in self.forms
            if form.cleaned_data.get("is_lead") and not form.cleaned_data.get("DELETE")
        ]
        if len(leads) > 1:
            raise ValidationError("Mark only one photo as the lead photo.")


class ArticlePhotoInline(admin.StackedInline):
    model = ArticlePhoto
    formset = OneLeadPhotoFormSet
    extra = 0
    autocomplete_fields = ["photo"]
    fields = [
        ("photo", "preview"),
        ("photo_caption", "photo_credit", "photo_alt_text"),
        "caption_override",
        ("is_lead", "position"),
    ]
    readonly_fields = ["preview", "photo_caption", "photo_credit", "photo_alt_text"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ArticlePhoto]:
        return super().get_queryset(request).select_related("photo")

    @admin.display(description="preview")
    def preview(self, use: ArticlePhoto) -> str:
        return thumbnail(use.photo if use.pk else None, 160)

    @admin.display(description="caption")
    def photo_caption(self, use: ArticlePhoto) -> str:
        return use.photo.caption if use.pk else "—"

    @admin.display(description="credit")
    def photo_credit(self, use: ArticlePhoto) -> str:
        return use.photo.credit if use.pk else "—"

    @admin.display(description="alt text")
    def photo_alt_text(self, use: ArticlePhoto) -> str:
        return (use.photo.alt_text or "missing: add it on the photo") if use.pk else "—"


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["text", "created_at"]


def admin_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


@admin.register(Article)
class ArticleAdmin(RevisionAdminMixin, VersionAdmin):
    form = ArticleAdminForm
    action_form = ArticleActionForm
    actions = [submit_for_review, publish_now, schedule, withdraw]
    list_display = ["headline", "section", "status", "published_at", "byline_list"]
    list_filter = ["status", "section", "tags"]
    list_select_related = ["section"]
    search_fields = ["headline", "standfirst", "body"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["section", "translation_of"]
    prepopulated_fields = {"slug": ["headline"]}
    inlines = [BylineInline, ArticlePhotoInline, CorrectionInline]
    readonly_fields = [
        "preview_link", "updated_significantly_at", "created_by",
        "date_found_in_text", "source_id", "source_text", "created_at", "updated_at",
        "tag_suggestions", "language_versions", "live_started_at", "live_ended_at",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "slug", "standfirst", "body"]}),
        ("Credits", {"fields": ["agency", "dateline"]}),
        (
            "Publishing",
            {
                "fields": [
                    "status",
                    "published_at",
                    "embargo_until",
                    "section",
                    "tags",
                    "language",
                    "translation_of",
                    "language_versions",
                    "significant_update",
                    "updated_significantly_at",
                    "preview_link",
                    "version_seen",
                ]
            },
        ),  # fmt: skip
        (
            "Live coverage",
            {
                "fields": ["is_live", "live_started_at", "live_ended_at"],
                "description": "Editors open and close it; reporters add entries "
                "under Live coverage → Live entries while it is open.",
            },
        ),
        (
            "Import",
            {
                "fields": [
                    "import_notes",
                    "tag_suggestions",
                    "date_found_in_text",
                    "source_id",
                    "source_text",
                ],
                "description": "Text the importer could not place; never public.",
            },
        ),
        (
            "Record",
            {
                "fields": ["created_by", "created_at", "updated_at"],
                "classes": ["collapse"],
            },
        ),
    ]

    # Reversion's "recover deleted" pages rebuild a story from raw rows and would
    # bypass the version check and the role rules; they are turned off.
    change_list_template = None

    def get_urls(self):
        # Ahead of the revision pages and ModelAdmin's "<path:object_id>/" catch-all.
        importer = path(
            "import/",
            self.admin_site.admin_view(partial(import_view, self)),
            name="articles_article_import",
        )
        return [importer, *super().get_urls()]

    def recoverlist_view(self, request, extra_context=None):
        raise Http404("Recovering deleted stories is not available.")

    def recover_view(self, request, version_id, extra_context=None):
        raise Http404("Recovering deleted stories is not available.")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        bylines = Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        queryset = super().get_queryset(request).defer("search_vector")
        return queryset.prefetch_related(bylines)

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return workflow.can_publish(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def save_model(
        self, request: HttpRequest, obj: Article, form, change: bool
    ) -> None:
        old_status = form.initial.get("status") if change else None
        workflow.check_status_change(request.user, old_status, obj.status)
        was_live = bool(form.initial.get("is_live")) if change else False
        workflow.check_live_change(request.user, was_live, obj.is_live)
        if not change:
            obj.created_by = request.user
        if obj.status == Article.Status.PUBLISHED and old_status != obj.status:
            obj.published_at = workflow.publication_time_on_publish(
                obj, old_status, chosen="published_at" in form.changed_data
            )
        significant = form.cleaned_data.get("significant_update")
        if significant and obj.status == Article.Status.PUBLISHED:
            obj.updated_significantly_at = timezone.now()
        expected = form.cleaned_data.get("version_seen") if change else None
        obj.save(expected_version=expected)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEdit:
            # Only reachable when two saves race past the form's row lock (SQLite).
            self.message_user(
                request,
                "Someone saved this story at the same moment; your save was not "
                "applied. Reopen the story and make your change again.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        if request.method == "GET" and article is not None:
            for other in presence.others_editing(article, request.user):
                name = other.user.get_full_name() or other.user.get_username()
                since = timezone.localtime(other.opened_at)
                self.message_user(
                    request,
                    f"{name} has had this story open since {since:%H:%M, %d %b}.",
                    messages.WARNING,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, *args, **kwargs):
        context["conflict"] = getattr(context["adminform"].form, "conflict", None)
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.display(description="bylines")
    def byline_list(self, article: Article) -> str:
        names = format_html_join(
            ", ", "{}", ((b.author.name,) for b in article.bylines.all())
        )
        if article.agency:
            return format_html("{}{}{}", names, ", " if names else "", article.agency)
        return names or "—"

    @admin.display(description="preview link")
    def preview_link(self, article: Article) -> str:
        if article.pk is None:
            return "Save the story to get a preview link."
        expires = timezone.localtime(preview.expires_at())
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Preview as readers see it</a>'
            "<br>Anyone with this link can read the story until {}.",
            preview.preview_url(article),
            f"{expires:%d %b %Y %H:%M}",
        )

    @admin.display(description="other languages")
    def language_versions(self, article: Article) -> str:
        versions = translations.all_versions(article) if article.pk else []
        links = format_html_join(
            ", ",
            '<a href="{}" lang="{}">{}</a> ({})',
            ((admin_url(v), v.language, v.headline, v.language) for v in versions),
        )
        return links or "none"

    @admin.display(description="suggested tags")
    def tag_suggestions(self, article: Article) -> str:
        if not article.suggested_tags:
            return "none"
        return format_html(
            "{}<br>Names the import found often in the text; add the ones that "
            "fit to Tags above. They are not applied by themselves.",
            ", ".join(article.suggested_tags),
        )

    @admin.display(description="date found in the text")
    def date_found_in_text(self, article: Article) -> str:
        found = find_date(article.source_text)
        if not found:
            return "none"
        return (
            f"{found:%d %B %Y} — set the publication time to it if the "
            f"story ran that day."
        )
