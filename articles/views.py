"""Public pages. Every view starts from ``Article.objects.published()``."""

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.views.generic import DateDetailView, ListView
from taggit.models import Tag

from .models import Article, Author, Correction, Section


class PublishedArticlesMixin:
    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.published().with_relations()


class HomeView(PublishedArticlesMixin, ListView):
    template_name = "articles/home.html"


class ArticleDetailView(PublishedArticlesMixin, DateDetailView):
    date_field = "published_at"
    month_format = "%m"
    day_format = "%d"
    template_name = "articles/article_detail.html"

    def get_queryset(self) -> QuerySet[Article]:
        corrections = Prefetch("corrections", queryset=Correction.objects.all())
        return super().get_queryset().prefetch_related(corrections)


class FilteredListView(PublishedArticlesMixin, ListView):
    """A list of published stories belonging to one object (section, tag, author)."""

    template_name = "articles/article_list.html"
    model_for_filter: type
    lookup: str

    def get_queryset(self) -> QuerySet[Article]:
        self.subject = get_object_or_404(
            self.model_for_filter, slug=self.kwargs["slug"]
        )
        return super().get_queryset().filter(**{self.lookup: self.subject}).distinct()

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(subject=self.subject, **kwargs)


class SectionView(FilteredListView):
    model_for_filter = Section
    lookup = "section"


class TagView(FilteredListView):
    model_for_filter = Tag
    lookup = "tags"


class AuthorView(FilteredListView):
    model_for_filter = Author
    lookup = "bylines__author"
    template_name = "articles/author_detail.html"
