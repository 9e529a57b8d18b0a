"""Editors arrange fronts and run the banner here; who may is set by the Editor
group's permissions (fronts migration 0002), checked on every request."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from .models import Banner, Pin


@admin.register(Pin)
class PinAdmin(admin.ModelAdmin):
    list_display = [
        "article",
        "front",
        "position",
        "starts_at",
        "ends_at",
        "on_the_front_now",
    ]
    list_display_links = ["article"]
    list_editable = ["position", "starts_at", "ends_at"]
    list_filter = ["section"]
    list_select_related = ["section", "article"]
    autocomplete_fields = ["article", "section"]
    fields = ["section", "position", "article", "starts_at", "ends_at"]

    @admin.display(description="front", ordering="section__name")
    def front(self, pin: Pin) -> str:
        return pin.front_name

    @admin.display(description="shown now", boolean=True)
    def on_the_front_now(self, pin: Pin) -> bool:
        """Whether the pin's time window is open and readers may see the story."""
        now = timezone.now()
        started = pin.starts_at is None or pin.starts_at <= now
        ended = pin.ends_at is not None and pin.ends_at <= now
        return started and not ended and pin.article.is_published


@admin.action(
    description="Clear the selected banners from every page", permissions=["change"]
)
def clear_banners(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    cleared = 0
    for banner in queryset.filter(is_shown=True):
        banner.is_shown = False
        banner.save(update_fields=["is_shown"])
        cleared += 1
    modeladmin.message_user(
        request, f"Cleared {cleared} banner(s).", level=messages.SUCCESS
    )


@admin.register(Banner)
class BannerAdmin(admin.ModelAdmin):
    list_display = ["text", "link", "is_shown", "expires_at", "created_at"]
    list_editable = ["is_shown"]
    list_filter = ["is_shown"]
    fields = ["text", "link", "is_shown", "expires_at"]
    actions = [clear_banners]
