"""The newsroom's content: sections, authors, photos, articles, bylines, corrections.

Publication rules live on ``ArticleQuerySet.published()``: every public view, feed and
sitemap starts from it, so a draft can never leak through a forgotten filter.
"""

import reversion
from taggit.models import TaggedItem

from .article import Article, StaleEdit, normalise_newlines, split_paragraphs
from .parts import ArticlePhoto, Byline, Correction, EditPresence
from .people import Author, Section, SlugManager
from .photo import Photo, PhotoManager, original_storage
from .querysets import NON_EMPTY_SOURCE_ID, ArticleQuerySet

__all__ = [
    "NON_EMPTY_SOURCE_ID",
    "Article",
    "ArticlePhoto",
    "ArticleQuerySet",
    "Author",
    "Byline",
    "Correction",
    "EditPresence",
    "Photo",
    "PhotoManager",
    "Section",
    "SlugManager",
    "StaleEdit",
    "normalise_newlines",
    "original_storage",
    "split_paragraphs",
]

reversion.register(Photo)
reversion.register(Byline)
reversion.register(ArticlePhoto, follow=["photo"])
reversion.register(Correction)
reversion.register(TaggedItem)
reversion.register(
    Article,
    exclude=["version", "imported_version", "search_vector"],
    follow=["bylines", "article_photos", "corrections", "tagged_items"],
)

# Fixtures: sections, authors and photos travel by natural key; stories keep their
# ids, because a tagged item points at its story by id only. taggit keys a tagged
# item on that id alone, so loaddata of a --natural-primary dump would fold all the
# tags of a story into one row: key it on the three columns its constraint names.
TaggedItem.natural_key_fields = ["content_type_id", "object_id", "tag_id"]
