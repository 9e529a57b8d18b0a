"""A list view whose first page is a curated front."""

from django.db.models import QuerySet

from articles.models import Article, Section

from .selection import arrange, pinned_stories


class FrontMixin:
    """Lead a list of published stories with a front: pinned slots, then the latest.

    The list itself leaves the pinned stories out, so no story appears twice and
    the second page continues where the first stopped.
    """

    def get_front_section(self) -> Section | None:
        """Return the section whose front this is; ``None`` for the home page."""
        return None

    def get_queryset(self) -> QuerySet[Article]:
        queryset = super().get_queryset()
        self.pinned = pinned_stories(self.get_front_section())
        return queryset.exclude(pk__in=[story.pk for story in self.pinned.values()])

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        stories = list(context["object_list"])
        page = context.get("page_obj")
        if page is not None and page.has_previous():
            return {**context, "latest": stories}
        front = arrange(self.pinned, stories)
        return {**context, "front": front, "latest": front.latest}
