"""Public pages. Every view starts from ``Article.objects.published()``."""

from django.conf import settings
from django.core import signing
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.generic import DateDetailView, DetailView, ListView
from taggit.models import Tag

from .models import Article, Author, Correction, Section
from .preview import article_pk_from_token


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


class PreviewView(DetailView):
    """Show any one story, whatever its state, to the holder of a valid signed link."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_object(self, queryset=None) -> Article:
        try:
            pk = article_pk_from_token(self.kwargs["token"])
        except signing.BadSignature as error:
            raise Http404("This preview link is invalid or has expired.") from error
        queryset = Article.objects.with_relations().prefetch_related("corrections")
        return get_object_or_404(queryset, pk=pk)

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(preview=True, **kwargs)

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
