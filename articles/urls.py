from django.urls import path, re_path

from live import views as live_views

from . import api, feeds, search, sitemaps, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[^/]+)/$",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[^/]+)/entries\.json$",
        live_views.entries_json,
        name="live_entries",
    ),
    # Date archives: anchored patterns, so /2026/11/24/ and a story below it differ.
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/$",
        views.DayArchive.as_view(),
        name="archive_day",
    ),
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$",
        views.MonthArchive.as_view(),
        name="archive_month",
    ),
    re_path(r"^(?P<year>[0-9]{4})/$", views.YearArchive.as_view(), name="archive_year"),
    path("preview/<str:token>/", views.PreviewView.as_view(), name="preview"),
    path("search/", search.SearchView.as_view(), name="search"),
    path("feeds/latest/", feeds.LatestArticlesFeed(), name="feed"),
    path("feeds/latest/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("feeds/language/<slug:code>/", feeds.LanguageFeed(), name="language_feed"),
    path(
        "feeds/language/<slug:code>/atom/",
        feeds.LanguageAtomFeed(),
        name="language_feed_atom",
    ),
    path("section/<slug:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
    path(
        "section/<slug:slug>/feed/atom/",
        feeds.SectionAtomFeed(),
        name="section_feed_atom",
    ),
    path("tag/<str:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tag/<str:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    path("author/<str:slug>/feed/", feeds.AuthorFeed(), name="author_feed"),
    path(
        "author/<str:slug>/feed/atom/",
        feeds.AuthorAtomFeed(),
        name="author_feed_atom",
    ),
    path("sitemap.xml", sitemaps.index, name="sitemap_index"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap, name="sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("api/v1/articles/", api.article_list, name="api_articles"),
    path("api/v1/articles/<int:pk>", api.article_detail, name="api_article"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tag/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<str:slug>/", views.AuthorView.as_view(), name="author"),
]
