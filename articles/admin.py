"""The editors' admin: a story with its bylines, photos and corrections on one page."""

from django.contrib import admin
from django.db.models import Prefetch, QuerySet
from django.forms import BaseInlineFormSet, ValidationError
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from .interchange.plaintext import find_date
from .models import Article, ArticlePhoto, Author, Byline, Correction, Photo, Section


def thumbnail(photo: Photo | None, size: int = 80) -> str:
    if not photo or not photo.image:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" style="max-width:{}px;max-height:{}px">',
        photo.image.url,
        photo.alt_text,
        size,
        size,
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


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["preview", "caption_excerpt", "credit", "dimensions", "created_at"]
    list_display_links = ["preview", "caption_excerpt"]
    search_fields = ["caption", "credit", "alt_text"]
    readonly_fields = ["preview_large", "width", "height"]
    fields = [
        "image",
        "preview_large",
        "caption",
        "credit",
        "alt_text",
        "width",
        "height",
    ]

    @admin.display(description="image")
    def preview(self, photo: Photo) -> str:
        return thumbnail(photo)

    @admin.display(description="preview")
    def preview_large(self, photo: Photo) -> str:
        return thumbnail(photo, 400)

    @admin.display(description="caption", ordering="caption")
    def caption_excerpt(self, photo: Photo) -> str:
        return str(photo)

    @admin.display(description="size")
    def dimensions(self, photo: Photo) -> str:
        return f"{photo.width}×{photo.height}" if photo.width else "no image yet"


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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "section", "status", "published_at", "byline_list"]
    list_filter = ["status", "section", "tags"]
    list_select_related = ["section"]
    search_fields = ["headline", "standfirst", "body"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["section"]
    prepopulated_fields = {"slug": ["headline"]}
    inlines = [BylineInline, ArticlePhotoInline, CorrectionInline]
    readonly_fields = [
        "date_found_in_text",
        "source_id",
        "source_text",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "slug", "standfirst", "body"]}),
        ("Credits", {"fields": ["agency", "dateline"]}),
        (
            "Publishing",
            {"fields": ["status", "published_at", "section", "tags", "language"]},
        ),
        (
            "Import",
            {
                "fields": [
                    "import_notes",
                    "date_found_in_text",
                    "source_id",
                    "source_text",
                ],
                "description": (
                    "What the importer could not place. Readers never see it."
                ),
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        bylines = Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        return super().get_queryset(request).prefetch_related(bylines)

    @admin.display(description="bylines")
    def byline_list(self, article: Article) -> str:
        names = format_html_join(
            ", ", "{}", ((b.author.name,) for b in article.bylines.all())
        )
        if article.agency:
            return format_html("{}{}{}", names, ", " if names else "", article.agency)
        return names or "—"

    @admin.display(description="date found in the text")
    def date_found_in_text(self, article: Article) -> str:
        found = find_date(article.source_text)
        if not found:
            return "none"
        return (
            f"{found:%d %B %Y} — set the publication time to it if the "
            f"story ran that day."
        )
