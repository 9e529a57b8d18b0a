"""Public pages. Every view starts from ``Article.objects.published()``."""

import datetime

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import dateformat
from django.views.generic import (
    DayArchiveView,
    DetailView,
    ListView,
    MonthArchiveView,
    YearArchiveView,
)
from taggit.models import Tag

from fronts.mixins import FrontMixin
from live.coverage import has_coverage
from pagecache import depend_on

from .fragments import story_parts
from .lookup import find_story
from .models import Article, Author, Section
from .preview import article_pk_from_token


class PublishedArticlesMixin:
    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.published().with_relations()


class HomeView(FrontMixin, PublishedArticlesMixin, ListView):
    template_name = "articles/home.html"


class DatedArticlesMixin(PublishedArticlesMixin):
    """Date-based views of published stories, at addresses like /2026/11/24/."""

    date_field = "published_at"
    month_format = "%m"
    day_format = "%d"


class StoryPageMixin:
    """Give a story page its parts (``articles.fragments``), each kept rendered."""

    preview = False

    def get_context_data(self, **kwargs) -> dict:
        parts = story_parts(self.object, self.request, preview=self.preview)
        return super().get_context_data(parts=parts, preview=self.preview, **kwargs)


class ArticleDetailView(StoryPageMixin, DetailView):
    """A published story at /<year>/<month>/<day>/<slug>/, found by one query."""

    model = Article
    template_name = "articles/article_detail.html"

    def get_object(self, queryset=None) -> Article:
        kwargs = self.kwargs
        try:
            date = datetime.date(
                int(kwargs["year"]), int(kwargs["month"]), int(kwargs["day"])
            )
        except ValueError as error:
            raise Http404("No such date.") from error
        article = find_story(kwargs["slug"], date)  # the ORM's query, compiled once
        if article is None:
            raise Http404("No published story at this address.")
        # Live entries invalidate only their story's tag; a story without coverage
        # shows none, and any save of the story itself invalidates ``content``.
        if has_coverage(article):
            depend_on(self.request, f"article:{article.pk}")
        return article

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            if self.was_withdrawn():
                return render(request, "articles/withdrawn.html", status=410)
            raise

    def was_withdrawn(self) -> bool:
        kwargs = self.kwargs
        return (
            Article.objects.withdrawn()
            .filter(
                slug=kwargs["slug"],
                published_at__year=kwargs["year"],
                published_at__month=kwargs["month"],
                published_at__day=kwargs["day"],
            )
            .exists()
        )


# How an archive page names its own period (in headings, earlier/later links), and a
# period of its date list (the months of a year, the days of a month).
PERIOD_FORMATS = {"year": ("Y", "Y"), "month": ("F Y", "F"), "day": ("j F Y", "j")}
PERIOD_PARTS = {"year": 1, "month": 2, "day": 3}


def archive_link(period: str, date, *, short: bool = False) -> dict | None:
    """Return the address and name of the archive page of ``date``'s period."""
    if date is None:
        return None
    parts = {
        "year": f"{date.year}",
        "month": f"{date.month:02d}",
        "day": f"{date.day:02d}",
    }
    kwargs = dict(list(parts.items())[: PERIOD_PARTS[period]])
    return {
        "url": reverse(f"articles:archive_{period}", kwargs=kwargs),
        "label": dateformat.format(date, PERIOD_FORMATS[period][short]),
    }


class ArchiveMixin(DatedArticlesMixin):
    """One mixin for the pages of a year, a month and a day; an empty one is 404."""

    template_name = "articles/article_archive.html"
    ordering = ["-published_at", "-pk"]
    allow_empty = False
    period: str  # "year", "month" or "day": the context's name of the page's date
    sub_period: str | None = None  # what the context's date_list holds

    def get_queryset(self) -> QuerySet[Article]:
        # Finding the earlier and later dates fetches one story each: no relations.
        return Article.objects.published()

    def get_dated_queryset(self, **lookup) -> QuerySet[Article]:
        return super().get_dated_queryset(**lookup).with_relations()

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        dates = context.get("date_list", []) if self.sub_period else []
        return {
            **context,
            "period": archive_link(self.period, context[self.period])["label"],
            "earlier": archive_link(self.period, context[f"previous_{self.period}"]),
            "later": archive_link(self.period, context[f"next_{self.period}"]),
            "dates": [archive_link(self.sub_period, d, short=True) for d in dates],
        }


class YearArchive(ArchiveMixin, YearArchiveView):
    period, sub_period = "year", "month"
    make_object_list = True


class MonthArchive(ArchiveMixin, MonthArchiveView):
    period, sub_period = "month", "day"


class DayArchive(ArchiveMixin, DayArchiveView):
    period = "day"


class PreviewView(StoryPageMixin, DetailView):
    """Show any one story, whatever its state, to the holder of a valid signed link."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"
    preview = True

    def get_object(self, queryset=None) -> Article:
        try:
            pk = article_pk_from_token(self.kwargs["token"])
        except signing.BadSignature as error:
            raise Http404("This preview link is invalid or has expired.") from error
        queryset = Article.objects.with_relations().prefetch_related("corrections")
        return get_object_or_404(queryset, pk=pk)

    def render_to_response(self, context, **response_kwargs) -> HttpResponse:
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response


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


class SectionView(FrontMixin, FilteredListView):
    model_for_filter = Section
    lookup = "section"
    template_name = "fronts/section_front.html"

    def get_front_section(self) -> Section:
        return self.subject


class TagView(FilteredListView):
    model_for_filter = Tag
    lookup = "tags"


class AuthorView(FilteredListView):
    model_for_filter = Author
    lookup = "bylines__author"
    template_name = "articles/author_detail.html"
