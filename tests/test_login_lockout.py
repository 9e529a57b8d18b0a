"""Admin login: password guessing is stopped per user name and address (django-axes).

After ``AXES_FAILURE_LIMIT`` failed logins for one user name from one address that
pair is locked out, even with the right password; the same user from elsewhere and
other users from that address still get in. Superusers see the lockout in the admin
and lift it there or with ``axes_reset_username``.
"""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from .factories import make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
ATTACKER = "203.0.113.5"
ELSEWHERE = "198.51.100.7"
PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def failure_limit(settings) -> int:
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def log_in(username: str, password: str, address: str, **headers) -> Client:
    """Post the admin login form from ``address``; return the client (for its
    response and session)."""
    client = Client(REMOTE_ADDR=address, **headers)
    client.response = client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}
    )
    return client


def is_logged_in(client: Client) -> bool:
    return client.response.status_code == 302 and "_auth_user_id" in client.session


def fail_until_locked(username: str, address: str, limit: int, **headers) -> None:
    for attempt in range(1, limit + 1):
        response = log_in(username, "wrong guess", address, **headers).response
        expected = 429 if attempt == limit else 200
        assert response.status_code == expected, attempt


def test_repeated_failures_lock_the_user_out_even_with_the_right_password(
    failure_limit,
):
    make_user("editor", superuser=False)
    fail_until_locked("editor", ATTACKER, failure_limit)
    locked = log_in("editor", PASSWORD, ATTACKER)
    assert locked.response.status_code == 429
    assert not is_logged_in(locked)
    page = locked.response.content.decode()
    assert "Too many failed logins" in page
    assert f"After {failure_limit} failed attempts" in page
    assert "30 minutes" in page


def test_failures_below_the_limit_do_not_lock(failure_limit):
    make_user("editor", superuser=False)
    for _ in range(failure_limit - 1):
        assert log_in("editor", "wrong guess", ATTACKER).response.status_code == 200
    assert is_logged_in(log_in("editor", PASSWORD, ATTACKER))


def test_the_same_user_from_another_address_can_still_log_in(failure_limit):
    make_user("editor", superuser=False)
    fail_until_locked("editor", ATTACKER, failure_limit)
    assert is_logged_in(log_in("editor", PASSWORD, ELSEWHERE))


def test_another_user_from_the_locked_address_can_still_log_in(failure_limit):
    make_user("editor", superuser=False)
    make_user("subeditor", superuser=False)
    fail_until_locked("editor", ATTACKER, failure_limit)
    assert is_logged_in(log_in("subeditor", PASSWORD, ATTACKER))


def test_superuser_sees_the_lockout_in_the_admin(failure_limit):
    make_user("editor", superuser=False)
    fail_until_locked("editor", ATTACKER, failure_limit)
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == ("editor", ATTACKER)
    assert attempt.failures_since_start == failure_limit
    chief = Client()
    chief.force_login(make_user("chief"))
    listing = chief.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "editor" in listing.content.decode()
    assert ATTACKER in listing.content.decode()


def test_staff_without_superuser_rights_cannot_see_lockouts():
    reporter = Client()
    reporter.force_login(make_user("reporter", superuser=False))
    response = reporter.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 403


def test_superuser_lifts_the_lockout_by_deleting_the_attempt(failure_limit):
    make_user("editor", superuser=False)
    fail_until_locked("editor", ATTACKER, failure_limit)
    chief = Client()
    chief.force_login(make_user("chief"))
    attempt = AccessAttempt.objects.get()
    response = chief.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert is_logged_in(log_in("editor", PASSWORD, ATTACKER))


def test_reset_command_lifts_the_lockout(failure_limit, capsys):
    make_user("editor", superuser=False)
    fail_until_locked("editor", ATTACKER, failure_limit)
    call_command("axes_reset_username", "editor")
    assert "1 attempts removed" in capsys.readouterr().out
    assert is_logged_in(log_in("editor", PASSWORD, ATTACKER))


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(failure_limit):
    """Without a proxy in front, X-Forwarded-For is whatever the client says."""
    make_user("editor", superuser=False)
    fail_until_locked("editor", ATTACKER, failure_limit)
    forged = log_in("editor", PASSWORD, ATTACKER, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert forged.response.status_code == 429


def test_behind_the_proxy_the_address_it_forwarded_is_the_one_locked(
    settings, failure_limit
):
    """Everybody arrives from the proxy's address; the proxy appends the client's
    address to X-Forwarded-For (anything before it was sent by the client)."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.IPWARE_STRICT = False
    proxy = "10.0.0.2"
    make_user("editor", superuser=False)
    fail_until_locked(
        "editor", proxy, failure_limit, HTTP_X_FORWARDED_FOR=f"{ELSEWHERE}, {ATTACKER}"
    )
    assert AccessAttempt.objects.get().ip_address == ATTACKER
    assert (
        log_in(
            "editor", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ATTACKER
        ).response.status_code
        == 429
    )
    assert is_logged_in(
        log_in("editor", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    )
