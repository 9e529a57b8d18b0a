"""The newsroom's own JSON honours editors' changes as the other formats do: a
story saved in the newsroom since an import wrote it is a conflict, unless
overwrite; the lossless round trip still holds. Revisions written in bulk are the
ones django-reversion itself would write."""

import json
from io import StringIO

import pytest
import reversion
from django.core.management import call_command
from reversion.models import Revision, Version

from articles.interchange.bulk_revisions import record_revisions
from articles.interchange.native import export_native, parse_native, write_native
from articles.models import Article

from .factories import make_article, make_author, make_photo, make_user
from .test_native_format import T0, build_newsroom, empty_the_newsroom  # noqa: F401

pytestmark = pytest.mark.django_db


def outcomes(data: bytes, **options) -> dict[str, str]:
    return {o.key: o.outcome for o in write_native(parse_native(data), **options)}


def restored_newsroom(empty) -> bytes:
    """Build, export, empty the database and import the export back."""
    build_newsroom()
    exported = export_native()
    empty()
    outcomes(exported)
    return exported


def newer_export(exported: bytes, headline: str) -> bytes:
    document = json.loads(exported)
    document["articles"][0]["headline"] = headline
    return json.dumps(document, ensure_ascii=False).encode()


def test_a_restored_story_untouched_since_is_updated_by_a_newer_export(
    empty_the_newsroom,  # noqa: F811
):
    exported = restored_newsroom(empty_the_newsroom)
    key = next(iter(outcomes(exported)))

    result = outcomes(newer_export(exported, "A newer headline"))

    assert result[key] == "updated"
    assert set(result.values()) == {"updated", "unchanged"}


def test_an_editors_change_since_the_import_is_a_conflict(
    empty_the_newsroom,  # noqa: F811
):
    exported = restored_newsroom(empty_the_newsroom)
    first = json.loads(exported)["articles"][0]
    article = Article.objects.get(headline=first["headline"])
    article.headline = "The desk's headline"
    article.save()
    version, revisions = article.version, Revision.objects.count()

    result = write_native(parse_native(newer_export(exported, "Wire headline")))

    (conflict,) = [o for o in result if o.outcome == "conflict"]
    assert conflict.reason.startswith("changed in the newsroom since the last import")
    assert conflict.article_id == article.pk
    article.refresh_from_db()
    assert (article.headline, article.version) == ("The desk's headline", version)
    assert Revision.objects.count() == revisions


def test_overwrite_replaces_the_editors_change_and_says_so(
    empty_the_newsroom,  # noqa: F811
):
    exported = restored_newsroom(empty_the_newsroom)
    first = json.loads(exported)["articles"][0]
    article = Article.objects.get(headline=first["headline"])
    article.headline = "The desk's headline"
    article.save()

    result = write_native(parse_native(exported), overwrite=True)

    (updated,) = [o for o in result if o.outcome == "updated"]
    assert updated.reason == "overwrote the changes made in the newsroom"
    assert Article.objects.get(pk=article.pk).headline == first["headline"]
    assert export_native() == exported


def test_a_story_made_here_and_never_imported_is_not_replaced():
    article = make_article(headline="Ours", slug="one-story", published_at=T0)
    exported = export_native()
    article.headline = "Ours, edited"
    article.save()

    assert outcomes(exported) == {"2026-11-20/one-story": "conflict"}
    assert Article.objects.get().headline == "Ours, edited"


def test_the_round_trip_keeps_each_storys_import_state(
    empty_the_newsroom,  # noqa: F811
):
    """Edited, untouched and never-imported stories come back as they were, and a
    later save in the new database shows as a change since the import."""
    exported = restored_newsroom(empty_the_newsroom)
    states = {
        r["headline"]: r["edited_since_import"]
        for r in json.loads(exported)["articles"]
    }
    assert set(states.values()) == {None, False, True}

    assert export_native() == exported
    for article in Article.objects.all():
        article.save()
    again = json.loads(export_native())["articles"]
    assert {r["edited_since_import"] for r in again} == {True}


def test_the_command_reports_native_conflicts_and_overwrites_on_request(
    tmp_path,
    empty_the_newsroom,  # noqa: F811
):
    exported = restored_newsroom(empty_the_newsroom)
    (tmp_path / "backup.json").write_bytes(exported)
    first = json.loads(exported)["articles"][0]["headline"]
    article = Article.objects.get(headline=first)
    article.headline = "The desk's headline"
    article.save()

    out = StringIO()
    call_command("import_articles", tmp_path / "backup.json", stdout=out)
    assert "conflict backup.json" in out.getvalue().replace(str(tmp_path) + "/", "")
    assert Article.objects.get(pk=article.pk).headline == "The desk's headline"

    call_command(
        "import_articles", tmp_path / "backup.json", "--overwrite", stdout=StringIO()
    )
    assert Article.objects.get(pk=article.pk).headline == first


def test_bulk_revisions_are_the_ones_reversion_writes():
    """Same versions, same serialized data and names, one revision per story."""
    photo = make_photo(caption="Smoke over the river.", credit="AFP")
    articles = [
        make_article(
            headline=f"Story {n}",
            tags=["Paris", "fire"],
            authors=[make_author(name=f"Reporter {n}")],
            photos=[photo],
        )
        for n in range(2)
    ]
    articles[0].corrections.create(text="A name was misspelt.", created_at=T0)
    user = make_user()
    with reversion.create_revision():
        reversion.set_comment("by reversion")
        reversion.set_user(user)
        for article in articles:
            reversion.add_to_revision(article)

    record_revisions(
        [Article.objects.get(pk=a.pk) for a in articles], comment="in bulk", user=user
    )

    def held(revision: Revision) -> set[tuple]:
        return {
            (v.content_type_id, v.object_id, v.format, v.serialized_data, v.object_repr)
            for v in revision.version_set.all()
        }

    by_reversion = Revision.objects.get(comment="by reversion")
    bulk = list(Revision.objects.filter(comment="in bulk").order_by("pk"))
    assert len(bulk) == 2 and all(r.user == user for r in bulk)
    assert held(bulk[0]) | held(bulk[1]) == held(by_reversion)
    assert {v.object_repr for v in bulk[0].version_set.all()} >= {
        "Story 0",
        "Smoke over the river.",
    }
    for article in articles:
        assert Version.objects.get_for_object(article).count() == 2


def test_a_restore_tells_receivers_which_stories_it_wrote(
    empty_the_newsroom,  # noqa: F811
):
    """Bulk inserts send no post_save: ``stories_written`` stands in for it."""
    from articles.interchange.signals import stories_written

    build_newsroom()
    exported = export_native()
    empty_the_newsroom()
    received: list[list[int]] = []

    def receiver(sender, article_ids, **kwargs):
        received.append(sorted(article_ids))

    stories_written.connect(receiver)
    try:
        outcomes(exported, dry_run=True)
        assert received == []
        outcomes(exported)
        assert received == [sorted(Article.objects.values_list("pk", flat=True))]
        outcomes(exported)  # unchanged: nothing written, nothing sent
        assert len(received) == 1
    finally:
        stories_written.disconnect(receiver)
