from django.urls import path, re_path

from . import views
from .feeds import LatestArticlesFeed

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[^/]+)/$",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
    path("preview/<str:token>/", views.PreviewView.as_view(), name="preview"),
    path("feeds/latest/", LatestArticlesFeed(), name="feed"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tag/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<str:slug>/", views.AuthorView.as_view(), name="author"),
]
