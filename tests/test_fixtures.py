"""dumpdata and loaddata: sections, authors, photos and tags travel by natural key,
and a dump loads into an empty database with nothing lost.

Django's JSON serializer writes times to the millisecond (ECMA-262 dates); its XML
serializer keeps the microseconds. Fixtures carry photo file names, not files.
"""

import io
import json
import re

import pytest
from django.core.management import call_command
from taggit.models import Tag

from articles.interchange.native import export_native
from articles.models import Article, Photo
from tests.factories import make_article
from tests.test_native_format import T0, build_newsroom
from tests.test_native_format import empty_the_newsroom as empty_the_newsroom

pytestmark = pytest.mark.django_db


def dump(format: str = "json") -> str:
    out = io.StringIO()
    call_command(
        "dumpdata",
        "articles",
        "taggit",
        format=format,
        natural_foreign=True,
        natural_primary=True,
        indent=2,
        stdout=out,
    )
    return out.getvalue()


def load(tmp_path, fixture: str, format: str = "json") -> None:
    path = tmp_path / f"newsroom.{format}"
    path.write_text(fixture, encoding="utf-8")
    call_command("loaddata", str(path), verbosity=0)


def to_the_millisecond(export: bytes) -> bytes:
    """Cut the times of a newsroom export as Django's JSON serializer does."""
    return re.sub(rb'(T\d\d:\d\d:\d\d\.\d{3})\d{3}Z"', rb'\g<1>000Z"', export)


def test_an_xml_dump_loads_into_an_empty_database_with_nothing_lost(
    tmp_path, empty_the_newsroom
):
    build_newsroom()
    before = export_native()
    fixture = dump("xml")
    empty_the_newsroom(files=False)
    assert Article.objects.count() == Tag.objects.count() == 0

    load(tmp_path, fixture, "xml")

    assert export_native() == before


def test_a_json_dump_loads_into_an_empty_database_with_times_to_the_millisecond(
    tmp_path, empty_the_newsroom
):
    build_newsroom()
    before = export_native()
    fixture = dump("json")
    empty_the_newsroom(files=False)

    load(tmp_path, fixture)

    after = export_native()
    assert after != before  # microseconds are gone: the one loss
    assert after == to_the_millisecond(before)


def test_sections_authors_photos_and_tags_are_named_by_natural_key():
    build_newsroom()
    rows = json.loads(dump())
    by_model: dict[str, list[dict]] = {}
    for row in rows:
        by_model.setdefault(row["model"], []).append(row)

    for model in (
        "articles.section",
        "articles.author",
        "articles.photo",
        "taggit.tag",
    ):
        assert by_model[model] and all("pk" not in row for row in by_model[model])
    lead = next(row for row in by_model["articles.article"] if row["fields"]["kicker"])
    # Stories keep their ids: a tagged item points at its story by id only.
    assert "pk" in lead
    assert lead["fields"]["section"] == ["world"]
    bylines = [
        row["fields"]["author"]
        for row in by_model["articles.byline"]
        if row["fields"]["article"] == lead["pk"]
    ]
    assert bylines == [["ann-lee"], ["bob-gray"]]
    uids = {str(uid) for uid in Photo.objects.values_list("uid", flat=True)}
    uses = by_model["articles.articlephoto"]
    assert all(row["fields"]["photo"][0] in uids for row in uses)
    tagged = [
        row["fields"]
        for row in by_model["taggit.taggeditem"]
        if row["fields"]["object_id"] == lead["pk"]
    ]
    assert sorted(item["tag"][0] for item in tagged) == [
        "Lyon, France",
        "Paris",
        "fire",
        "Égypte",
    ]
    assert {tuple(item["content_type"]) for item in tagged} == {("articles", "article")}


def test_a_story_keeps_every_tag_through_a_natural_primary_dump(
    tmp_path, empty_the_newsroom
):
    """taggit alone keys a tagged item on its story's id: the tags would fold into
    one row, and the story would come back with its last tag only."""
    story = make_article(headline="Tagged", published_at=T0, tags=["a", "b", "c"])
    fixture = dump()
    empty_the_newsroom(files=False)

    load(tmp_path, fixture)

    assert sorted(Article.objects.get(pk=story.pk).tags.names()) == ["a", "b", "c"]


def test_loading_the_same_dump_again_duplicates_nothing(tmp_path):
    build_newsroom()
    before = export_native()
    fixture = dump("xml")

    load(tmp_path, fixture, "xml")
    load(tmp_path, fixture, "xml")

    assert export_native() == before
