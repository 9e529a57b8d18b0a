from contextlib import contextmanager

import pytest
import reversion
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse
from reversion.models import Version
from taggit.models import Tag

from articles.admin_revisions import RevisionAdminMixin
from articles.models import (
    Article,
    ArticlePhoto,
    Author,
    Byline,
    Correction,
    Photo,
    Section,
)
from articles.revisions import FieldChange, diff, restore, snapshot, word_diff

from .factories import make_article, make_author, make_photo, make_section, make_user

pytestmark = pytest.mark.django_db


def test_story_admin_offers_history_compare_and_restore():
    assert isinstance(admin.site.get_model_admin(Article), RevisionAdminMixin)


@contextmanager
def revision_by(user):
    """Store what the block saves as one revision made by ``user``."""
    with reversion.create_revision():
        reversion.set_user(user)
        yield


def versions_of(article: Article) -> list[Version]:
    """Return the story's versions, newest first."""
    return list(
        Version.objects.get_for_object(article).order_by(
            "-revision__date_created", "-pk"
        )
    )


@pytest.fixture
def user():
    return make_user("editor")


@pytest.fixture
def story(user):
    """A story saved twice: bylines, tags and headline differ between revisions."""
    ann, bob, cy = (make_author(name=name) for name in ("Ann", "Bob", "Cy"))
    photo = make_photo(caption="Boats on the river.", alt_text="Three boats")
    with revision_by(user):
        article = make_article(
            headline="River fishermen return",
            section=make_section(name="World"),
            tags=["Iraq", "rivers"],
            authors=[ann],
            photos=[photo],
        )
        Byline.objects.create(
            article=article, author=bob, role="Additional reporting by", position=1
        )
    with revision_by(user):
        article.headline = "River fishermen go back to work"
        article.save()
        article.tags.set(["Iraq", "Fishing"])
        article.bylines.filter(author=bob).delete()
        Byline.objects.create(article=article, author=cy, position=1)
    return article


def test_snapshot_shows_every_editorial_field_in_order_with_the_stories_rows(user):
    section = make_section(name="World")
    ann, bob = make_author(name="Ann"), make_author(name="Bob")
    lead = make_photo(caption="Own caption", credit="AFP", alt_text="Boats")
    other = make_photo(caption="Second", credit="", alt_text="")
    with revision_by(user):
        article = make_article(
            headline="Fishermen return",
            kicker="Analysis",
            section=section,
            agency="AFP",
            dateline="BAGHDAD",
            tags=["rivers", "Iraq"],
            authors=[ann],
        )
        Byline.objects.create(
            article=article, author=bob, role="Additional reporting by", position=1
        )
        ArticlePhoto.objects.create(
            article=article, photo=other, position=1, caption_override=""
        )
        ArticlePhoto.objects.create(
            article=article, photo=lead, is_lead=True, caption_override="Dawn boats"
        )
        Correction.objects.create(article=article, text="An earlier version erred.")

    values = snapshot(versions_of(article)[0])

    assert list(values) == [
        "Headline",
        "Kicker",
        "Standfirst",
        "Body",
        "Status",
        "Publication time",
        "Embargo until",
        "Section",
        "Agency credit",
        "Dateline",
        "Language",
        "Slug",
        "Import notes",
        "Bylines",
        "Photos",
        "Corrections",
        "Tags",
    ]
    assert values["Headline"] == "Fishermen return"
    assert values["Status"] == "Published"
    assert values["Section"] == "World"
    assert values["Embargo until"] == ""
    assert values["Bylines"] == "By Ann; Additional reporting by Bob"
    assert values["Photos"] == (
        "Lead: Dawn boats — AFP — Boats\nSecond — (no credit) — (no alt text)"
    )
    assert values["Corrections"].endswith(": An earlier version erred.")
    assert values["Tags"] == "Iraq, rivers"


def test_snapshot_of_an_old_revision_shows_its_own_bylines_and_tags(story):
    new, old = versions_of(story)

    assert snapshot(old)["Bylines"] == "By Ann; Additional reporting by Bob"
    assert snapshot(old)["Tags"] == "Iraq, rivers"
    assert snapshot(new)["Bylines"] == "By Ann and Cy"
    assert snapshot(new)["Tags"] == "Fishing, Iraq"


def test_snapshot_names_deleted_tags_authors_and_sections(story):
    """Names are looked up today; what has gone since reads "(deleted … #id)"."""
    old = versions_of(story)[-1]
    rivers = Tag.objects.get(name="rivers")
    rivers_id = rivers.pk
    bob_id = Author.objects.get(name="Bob").pk
    section_id = story.section_id
    rivers.delete()
    Author.objects.filter(pk=bob_id).delete()  # his byline went in revision two
    Article.objects.filter(pk=story.pk).update(section=None)
    Section.objects.filter(pk=section_id).delete()

    values = snapshot(old)

    assert values["Tags"] == f"(deleted tag #{rivers_id}), Iraq"
    assert values["Bylines"] == (
        f"By Ann; Additional reporting by (deleted author #{bob_id})"
    )
    assert values["Section"] == f"(deleted section #{section_id})"


def test_snapshot_of_a_revision_holding_two_stories_keeps_each_storys_rows(user):
    """A bulk save stores several stories in one revision; rows must not mix."""
    with revision_by(user):
        first = make_article(tags=["One"], authors=[make_author(name="Ann")])
        second = make_article(tags=["Two"], authors=[make_author(name="Bob")])

    assert snapshot(versions_of(first)[0])["Tags"] == "One"
    assert snapshot(versions_of(first)[0])["Bylines"] == "By Ann"
    assert snapshot(versions_of(second)[0])["Bylines"] == "By Bob"


def test_snapshot_reads_its_revision_in_a_fixed_number_of_queries(
    user, django_assert_max_num_queries
):
    with revision_by(user):
        article = make_article(
            section=make_section(),
            tags=[f"tag {n}" for n in range(8)],
            authors=[make_author() for _ in range(6)],
            photos=[make_photo() for _ in range(5)],
        )
    version = versions_of(article)[0]
    version = Version.objects.select_related("revision").get(pk=version.pk)

    # The revision's versions, then authors, section and tags by id.
    with django_assert_max_num_queries(4):
        snapshot(version)


def test_diff_returns_only_changed_fields_in_snapshot_order():
    old = {"Headline": "A", "Body": "Same", "Tags": "Iraq"}
    new = {"Headline": "B", "Body": "Same", "Tags": "Iraq, Rivers"}

    changes = diff(old, new)

    assert [change.label for change in changes] == ["Headline", "Tags"]
    assert changes[0] == FieldChange("Headline", "A", "B", changes[0].html)
    assert diff(old, dict(old)) == []


def test_diff_marks_removed_and_added_words():
    change = diff(
        {"Headline": "River fishermen return home"},
        {"Headline": "River fishermen go back home"},
    )[0]

    assert change.html == ("River fishermen <del>return</del><ins>go back</ins> home")


def test_word_diff_reads_a_rewritten_phrase_as_one_change():
    assert word_diff("the quick brown fox", "the slow red fox") == (
        "the <del>quick brown</del><ins>slow red</ins> fox"
    )


def test_word_diff_keeps_line_breaks_and_escapes_every_piece():
    html = word_diff("<b>Bold</b> & one\n\ntwo", "<b>Bold</b> & one\n\n<i>two</i>")

    assert html == (
        "&lt;b&gt;Bold&lt;/b&gt; &amp; one\n\n"
        "<ins>&lt;i&gt;</ins>two<ins>&lt;/i&gt;</ins>"
    )
    assert "<b>" not in html and "<i>" not in html


def test_word_diff_shows_a_changed_tag_list_as_tags_removed_and_added():
    assert word_diff("Budget, City", "City, Vote") == (
        "<del>Budget, </del>City<ins>, Vote</ins>"
    )


def test_word_diff_keeps_a_word_with_its_vowel_signs_whole():
    """Arabic with harakat: a changed word is marked whole, not letter by letter."""
    html = word_diff("كَتَبَ الوَلَدُ", "كَتَبَ البِنْتُ")

    assert html == "كَتَبَ <del>الوَلَدُ</del><ins>البِنْتُ</ins>"


def test_restore_brings_back_fields_bylines_and_tags_as_a_new_revision(story, user):
    old_version = versions_of(story)[-1]
    token_before = story.version
    restorer = make_user("desk")

    restored = restore(old_version, user=restorer)

    assert restored.headline == "River fishermen return"
    assert sorted(restored.tags.names()) == ["Iraq", "rivers"]
    assert [(b.role, b.author.name) for b in restored.bylines.all()] == [
        ("By", "Ann"),
        ("Additional reporting by", "Bob"),
    ]
    assert restored.version != token_before
    versions = versions_of(story)
    assert len(versions) == 3
    assert versions[0].revision.user == restorer
    assert versions[0].revision.comment.startswith("Restored the revision of ")
    assert snapshot(versions[0]) == snapshot(old_version)


def test_restore_removes_photos_and_corrections_added_since(story, user):
    """A photo attached after the revision leaves the story; the photo itself stays."""
    old_version = versions_of(story)[-1]
    later = make_photo(caption="Attached later")
    with revision_by(user):
        ArticlePhoto.objects.create(article=story, photo=later, position=1)
        Correction.objects.create(article=story, text="A later correction.")
        story.save()

    restore(old_version, user=user)

    assert [use.photo.caption for use in story.article_photos.all()] == [
        "Boats on the river."
    ]
    assert not story.corrections.exists()
    assert Photo.objects.filter(pk=later.pk).exists()


def test_restore_brings_back_a_caption_override_but_not_a_shared_photos_caption(
    story, user
):
    old_version = versions_of(story)[-1]
    use = story.article_photos.get()
    with revision_by(user):
        use.caption_override = "A caption for this story only"
        use.save()
    use.photo.caption = "The photo desk's corrected caption."
    use.photo.save()

    restore(old_version, user=user)

    use.refresh_from_db()
    use.photo.refresh_from_db()
    assert use.caption_override == ""
    assert use.photo.caption == "The photo desk's corrected caption."


def test_restore_leaves_out_a_byline_whose_author_was_deleted_and_says_so(story):
    old_version = versions_of(story)[-1]
    Author.objects.filter(name="Bob").delete()  # his byline went in revision two

    restored = restore(old_version, user=None)

    assert [b.author.name for b in restored.bylines.all()] == ["Ann"]
    comment = versions_of(story)[0].revision.comment
    assert comment.endswith("left out a byline whose author was deleted")


def test_restore_brings_back_a_deleted_story_with_its_rows(story):
    old_version = versions_of(story)[-1]
    pk = story.pk
    story.delete()

    restored = restore(old_version, user=None)

    assert restored.pk == pk
    assert restored.headline == "River fishermen return"
    assert [b.author.name for b in restored.bylines.all()] == ["Ann", "Bob"]
    assert restored.article_photos.count() == 1


def test_restore_of_the_revision_holding_the_current_state_changes_nothing(story):
    current = versions_of(story)[0]

    restore(current, user=None)

    assert diff(snapshot(current), snapshot(versions_of(story)[0])) == []


def test_history_page_renders_for_a_story_without_revisions(client):
    """Holds before and after the mixin is wired: the template falls back."""
    client.force_login(make_user("editor"))
    article = make_article()

    response = client.get(reverse("admin:articles_article_history", args=[article.pk]))

    assert response.status_code == 200


# Admin: these run once RevisionAdminMixin is wired into ArticleAdmin.


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:articles_article_{name}", args=args)


@pytest.fixture
def editor_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def reporter():
    reporter = make_user("reporter", superuser=False)
    reporter.groups.add(Group.objects.get(name="Reporter"))
    return reporter


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client


def test_history_page_lists_revisions_newest_first_with_their_user(
    editor_client, story
):
    new, old = versions_of(story)
    restore(old, user=make_user("desk"))

    response = editor_client.get(admin_url("history", story.pk))

    assert response.status_code == 200
    assert [v.pk for v in response.context["revisions"]][1:] == [new.pk, old.pk]
    content = response.content.decode()
    assert content.index("desk") < content.index("editor", content.index("desk"))
    assert "Restored the revision of" in content
    assert "Compare selected" in content
    assert admin_url("compare", story.pk) in content
    assert admin_url("restore", story.pk, old.pk) in content
    assert "csrfmiddlewaretoken" in content


def test_compare_page_shows_word_level_changes_of_headline_tags_and_bylines(
    editor_client, story
):
    new, old = versions_of(story)

    response = editor_client.get(
        admin_url("compare", story.pk), {"old": old.pk, "new": new.pk}
    )

    assert response.status_code == 200
    changes = {change.label: change for change in response.context["changes"]}
    assert list(changes) == ["Headline", "Bylines", "Tags"]
    content = response.content.decode()
    assert "River fishermen <del>return</del><ins>go back to work</ins>" in content
    assert "By Ann<del>; Additional reporting by Bob</del><ins> and Cy</ins>" in (
        content
    )
    assert "<ins>Fishing, </ins>Iraq<del>, rivers</del>" in content


def test_compare_page_says_no_differences_for_equal_revisions(editor_client, story):
    new = versions_of(story)[0]

    response = editor_client.get(
        admin_url("compare", story.pk), {"old": new.pk, "new": new.pk}
    )

    assert response.status_code == 200
    assert "No differences" in response.content.decode()


def test_compare_page_escapes_the_story_text(editor_client, user):
    with revision_by(user):
        article = make_article(headline="Plain")
    with revision_by(user):
        article.headline = "<script>alert(1)</script>"
        article.save()
    new, old = versions_of(article)

    response = editor_client.get(
        admin_url("compare", article.pk), {"old": old.pk, "new": new.pk}
    )

    content = response.content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert" in content


def test_compare_with_a_version_of_another_story_is_not_found(editor_client, story):
    with revision_by(make_user("other")):
        other = make_article()
    new = versions_of(story)[0]

    response = editor_client.get(
        admin_url("compare", story.pk),
        {"old": versions_of(other)[0].pk, "new": new.pk},
    )

    assert response.status_code == 404


def test_reversions_revision_page_leads_to_the_comparison_with_now(
    editor_client, story
):
    new, old = versions_of(story)

    response = editor_client.get(admin_url("revision", story.pk, old.pk))

    assert response.status_code == 302
    assert response.url == (
        f"{admin_url('compare', story.pk)}?old={old.pk}&new={new.pk}"
    )


def test_restore_brings_back_old_headline_tags_and_bylines_as_a_new_revision(
    editor_client, story
):
    old = versions_of(story)[-1]

    response = editor_client.post(admin_url("restore", story.pk, old.pk))

    assert response.status_code == 302
    assert response.url == admin_url("change", story.pk)
    story.refresh_from_db()
    assert story.headline == "River fishermen return"
    assert sorted(story.tags.names()) == ["Iraq", "rivers"]
    assert [b.author.name for b in story.bylines.all()] == ["Ann", "Bob"]
    newest = versions_of(story)
    assert len(newest) == 3
    assert newest[0].revision.user.username == "editor"
    assert newest[0].revision.comment.startswith("Restored the revision of ")
    log = LogEntry.objects.get(object_id=str(story.pk))
    assert log.get_change_message().startswith("Restored the revision of ")


def test_restore_only_accepts_post(editor_client, story):
    old = versions_of(story)[-1]

    response = editor_client.get(admin_url("restore", story.pk, old.pk))

    assert response.status_code == 405


def test_reporter_cannot_restore_a_published_story(reporter_client, story):
    old = versions_of(story)[-1]

    response = reporter_client.post(admin_url("restore", story.pk, old.pk))

    assert response.status_code == 403
    story.refresh_from_db()
    assert story.headline == "River fishermen go back to work"
    assert len(versions_of(story)) == 2


def test_reporter_cannot_publish_their_draft_by_restoring_a_published_revision(
    reporter_client, reporter, user
):
    with revision_by(user):
        article = make_article(created_by=reporter)  # published
    with revision_by(user):
        article.status = Article.Status.DRAFT
        article.save()

    response = reporter_client.post(
        admin_url("restore", article.pk, versions_of(article)[-1].pk)
    )

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_reporter_restores_their_draft(reporter_client, reporter):
    with revision_by(reporter):
        draft = make_article(
            headline="First draft", status=Article.Status.DRAFT, created_by=reporter
        )
    with revision_by(reporter):
        draft.headline = "Second draft"
        draft.save()

    response = reporter_client.post(
        admin_url("restore", draft.pk, versions_of(draft)[-1].pk)
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.headline == "First draft"
    assert versions_of(draft)[0].revision.user == reporter
