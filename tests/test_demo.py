import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Author, Byline, Photo, Section

pytestmark = pytest.mark.django_db


def test_demo_content_loads_the_seed_and_demo_stories_once(shared_samples, capsys):
    call_command("load_demo")
    counts = (
        Article.objects.count(),
        Photo.objects.count(),
        Byline.objects.count(),
        Section.objects.count(),
    )
    assert counts[0] == 7
    seed = Article.objects.get(source_id="plain:000_0d1dbcd964e78a06.txt")
    assert seed.is_published and seed.section.slug == "world" and seed.agency == "AFP"
    assert Article.objects.published().count() == 7
    arabic = Article.objects.filter(language="ar")
    assert {story.text_direction for story in arabic} == {"rtl"}
    assert arabic.get(translation_of=seed).headline.startswith("القوات العراقية")
    assert set(Author.objects.values_list("slug", flat=True)) >= {"maria-lindqvist"}
    call_command("load_demo")
    assert "0 stories loaded, 7 already present" in capsys.readouterr().out
    assert (
        Article.objects.count(),
        Photo.objects.count(),
        Byline.objects.count(),
        Section.objects.count(),
    ) == counts


def test_demo_reload_keeps_what_editors_changed():
    call_command("load_demo")
    article = Article.objects.get(source_id="plain:festival-programme.txt")
    article.headline = "Edited by the desk"
    article.save()
    call_command("load_demo")
    assert Article.objects.get(pk=article.pk).headline == "Edited by the desk"


def test_demo_stories_are_dated_in_the_past_and_tagged():
    call_command("load_demo")
    for article in Article.objects.all():
        assert article.published_at <= timezone.now()
        assert article.tags.exists()


def test_editor_account_is_created_once_and_its_password_shown_once(capsys):
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    call_command("ensure_editor")
    out = capsys.readouterr().out
    password = out.split("password: ")[1].split()[0]
    # django-axes checks every authentication against the request's address.
    login = RequestFactory().post("/admin/login/")
    assert authenticate(login, username="editor", password=password)
    call_command("ensure_editor")
    again = capsys.readouterr().out
    assert password not in again and "exists" in again
