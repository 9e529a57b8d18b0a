"""No lost updates: two people save the same story from the same copy."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles.models import Article, StaleEdit

from .factories import make_article, make_user
from .test_workflow import form_data

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real concurrent transactions need PostgreSQL (CI runs this in its "
    "PostgreSQL pass)",
)


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.mark.django_db
def test_second_save_from_a_stale_copy_is_refused_and_keeps_their_text(client):
    article = make_article(headline="Council meets", body="The council met.")
    ann, bob = make_user("ann"), make_user("bob")
    stale_copy = form_data(article)

    client.force_login(ann)
    first = client.post(
        change_url(article), stale_copy | {"body": "The council met at noon."}
    )
    assert first.status_code == 302

    client.force_login(bob)
    second = client.post(
        change_url(article), stale_copy | {"body": "Bob's own wording."}
    )
    assert second.status_code == 200
    html = second.content.decode()
    assert "ann saved this story while you were editing it" in html
    assert "Bob&#x27;s own wording." in html  # still in the form, nothing lost
    assert "<del>The council met at noon</del><ins>Bob&#x27;s own wording</ins>" in html
    article.refresh_from_db()
    assert article.body == "The council met at noon."

    # Having seen the differences, Bob saves again on purpose: it goes through.
    form = second.context["adminform"].form
    retry = stale_copy | {
        "body": "Bob's own wording.",
        "version_seen": form.data["version_seen"],
    }
    assert client.post(change_url(article), retry).status_code == 302
    article.refresh_from_db()
    assert article.body == "Bob's own wording."


@pytest.mark.django_db
def test_model_save_from_an_old_version_raises_stale_edit():
    article = make_article()
    old_version = article.version
    article.headline = "First change"
    article.save(expected_version=old_version)
    copy = Article.objects.get(pk=article.pk)
    copy.headline = "Second change from the old copy"
    with pytest.raises(StaleEdit):
        copy.save(expected_version=old_version)
    assert Article.objects.get(pk=article.pk).headline == "First change"


def run_together(*jobs):
    """Start the jobs at the same instant in their own threads (own connections)."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def runner(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - the outcome is what we assert
            results[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_admin_saves_exactly_one_wins():
    article = make_article(headline="Race", body="Start.")
    users = [make_user("ann"), make_user("bob")]
    stale_copy = form_data(article)

    def save_as(user, body):
        def job():
            client = Client()
            client.force_login(user)
            response = client.post(change_url(article), stale_copy | {"body": body})
            return response.status_code, response.content.decode()

        return job

    results = run_together(
        save_as(users[0], "Ann's text."), save_as(users[1], "Bob's text.")
    )
    codes = sorted(code for code, _ in results)
    assert codes == [200, 302], results
    loser = next(html for code, html in results if code == 200)
    assert "saved this story while you were editing it" in loser
    article.refresh_from_db()
    winner_text = "Ann's text." if "Bob&#x27;s text." in loser else "Bob's text."
    assert article.body == winner_text


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_model_saves_from_one_version_exactly_one_wins():
    article = make_article(headline="Race")
    version = article.version

    def save(headline):
        def job():
            copy = Article.objects.get(pk=article.pk)
            copy.headline = headline
            copy.save(expected_version=version)
            return headline

        return job

    results = run_together(save("From Ann"), save("From Bob"))
    winners = [r for r in results if isinstance(r, str)]
    losers = [r for r in results if isinstance(r, StaleEdit)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert Article.objects.get(pk=article.pk).headline == winners[0]
