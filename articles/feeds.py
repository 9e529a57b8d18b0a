from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.html import escape

from .models import Article


class LatestArticlesFeed(Feed):
    title = f"{settings.SITE_NAME}: latest stories"
    link = reverse_lazy("articles:home")
    description = "The latest published stories."

    def items(self):
        return Article.objects.published().select_related("section")[:30]

    # Feed readers render titles and descriptions as HTML: our text is plain.
    def item_title(self, item: Article) -> str:
        return escape(item.headline)

    def item_description(self, item: Article) -> str:
        return escape(item.standfirst)

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.updated_significantly_at or item.published_at
