"""``/healthz`` tells a monitor whether the database and the cache answer."""

import pytest
from django.urls import reverse

from tests.pgcluster import free_port


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_cache_work(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):
        answer = client.get(reverse("healthz"))
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in answer["Cache-Control"]
    assert not answer.cookies, "a health check must not start a session"


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_cache_when_it_is_away(client, settings):
    """A Redis that nobody listens on: a real connection refusal, not a stand-in."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    answer = client.get(reverse("healthz"))
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert body["cache"].startswith("unavailable: ConnectionError")


@pytest.mark.django_db
def test_healthz_needs_no_login_even_for_staff_only_sites(client):
    assert client.get(reverse("healthz")).status_code == 200
    assert client.post(reverse("healthz")).status_code == 405
