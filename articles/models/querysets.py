"""Which stories a page may show: publication rules live here, in one place."""

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from .article import Article

# Rows that came from an import carry its reference; hand-made ones carry none.
NON_EMPTY_SOURCE_ID = ~Q(source_id="")


class ArticleQuerySet(models.QuerySet):
    def published(self, at: datetime.datetime | None = None) -> "ArticleQuerySet":
        """Return the stories readers may see now (or ``at`` another moment).

        A scheduled story (publication time ahead) or one under embargo becomes
        visible by itself when its time comes: this query decides, no job runs.
        """
        now = timezone.now() if at is None else at
        return self.filter(
            Q(embargo_until__isnull=True) | Q(embargo_until__lte=now),
            status=self.model.Status.PUBLISHED,
            published_at__lte=now,
        )

    def withdrawn(self) -> "ArticleQuerySet":
        return self.filter(status=self.model.Status.WITHDRAWN)

    def related_to(self, article: "Article") -> "ArticleQuerySet":
        """Return the other stories sharing tags with ``article``, most shared first.

        One query: this story's tags are a subquery, and ``shared_tags`` counts the
        matching tag rows of each candidate.
        """
        return (
            self.exclude(pk=article.pk)
            .filter(tagged_items__tag__in=article.tagged_items.values("tag_id"))
            .annotate(shared_tags=models.Count("tagged_items"))
            .order_by("-shared_tags", "-published_at", "-pk")
        )

    def in_section_of(self, article: "Article") -> "ArticleQuerySet":
        """Return the other stories of ``article``'s section (all, without one)."""
        others = self.exclude(pk=article.pk)
        if article.section_id is None:
            return others
        return others.filter(section_id=article.section_id)

    def with_relations(self) -> "ArticleQuerySet":
        """Fetch what a story page or list renders, in a fixed number of queries
        (and not the search index, which pages never show)."""
        from .parts import ArticlePhoto, Byline

        return (
            self.defer("search_vector")
            .select_related("section")
            .prefetch_related(
                models.Prefetch(
                    "bylines", queryset=Byline.objects.select_related("author")
                ),
                models.Prefetch(
                    "article_photos",
                    queryset=ArticlePhoto.objects.select_related("photo"),
                ),
                "tags",
            )
        )
