"""DJANGO_ENV=production: the one settings module, configured for the open internet.

Settings are read once per process, so each case starts ``manage.py`` in a child
process with exactly the environment under test (nothing inherited that could
change the answer).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "a-production-secret-key-that-is-long-and-random-0123456789abcdefghij"
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": SECRET,
    "ALLOWED_HOSTS": "news.example.org",
}
SETTINGS_TO_SHOW = [
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_TIME",
    "CONTENT_SECURITY_POLICY",
]
# Variables of the developer's shell that would change what is being tested.
SCRUBBED = {
    "DJANGO_ENV",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "BEHIND_TLS_PROXY",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "IMAGE_ORIGINS",
    "CLIENT_IP_HEADER",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_COOLOFF_MINUTES",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_SETTINGS_MODULE",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_under(env: dict[str, str]) -> dict:
    """Return the settings a process started with ``env`` sees."""
    code = (
        "import json; from django.conf import settings; print(json.dumps("
        f"{{name: getattr(settings, name) for name in {SETTINGS_TO_SHOW!r}}}, "
        "default=str))"
    )
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_deploy_check_reports_nothing_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNING" not in result.stderr and "?:" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = {k: v for k, v in PRODUCTION.items() if k != "ALLOWED_HOSTS"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: ALLOWED_HOSTS must be set" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = manage("check", env={**PRODUCTION, "DEBUG": "1"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be off" in result.stderr


def test_production_turns_every_https_protection_on():
    seen = settings_under(PRODUCTION)
    assert seen["DEBUG"] is False
    assert seen["ALLOWED_HOSTS"] == ["news.example.org"]
    assert seen["SECURE_SSL_REDIRECT"] is True
    assert seen["SECURE_HSTS_SECONDS"] >= 31536000
    assert seen["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and seen["SECURE_HSTS_PRELOAD"]
    assert seen["SESSION_COOKIE_SECURE"] and seen["SESSION_COOKIE_HTTPONLY"]
    assert seen["CSRF_COOKIE_SECURE"] and seen["CSRF_COOKIE_HTTPONLY"]
    assert seen["SECURE_PROXY_SSL_HEADER"] is None
    assert seen["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["REMOTE_ADDR"]


def test_without_any_variable_the_site_runs_locally_with_debug_on():
    seen = settings_under({})
    assert seen["DEBUG"] is True
    assert seen["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert seen["SECURE_SSL_REDIRECT"] is False
    assert seen["SESSION_COOKIE_SECURE"] is False


def test_plain_http_loopback_serving_can_turn_redirect_and_secure_cookies_off():
    seen = settings_under(
        {**PRODUCTION, "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0"}
    )
    assert seen["DEBUG"] is False
    assert seen["SECURE_SSL_REDIRECT"] is False
    assert seen["SESSION_COOKIE_SECURE"] is False
    assert seen["SESSION_COOKIE_HTTPONLY"] and seen["CSRF_COOKIE_HTTPONLY"]


def test_behind_a_tls_proxy_its_headers_are_trusted_and_only_then():
    seen = settings_under({**PRODUCTION, "BEHIND_TLS_PROXY": "1"})
    assert seen["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert seen["AXES_IPWARE_META_PRECEDENCE_ORDER"] == [
        "HTTP_X_FORWARDED_FOR",
        "REMOTE_ADDR",
    ]
    custom = settings_under(
        {**PRODUCTION, "BEHIND_TLS_PROXY": "1", "CLIENT_IP_HEADER": "HTTP_X_REAL_IP"}
    )
    assert custom["AXES_IPWARE_META_PRECEDENCE_ORDER"][0] == "HTTP_X_REAL_IP"


def test_login_lockout_limits_come_from_the_environment():
    assert settings_under(PRODUCTION)["AXES_FAILURE_LIMIT"] == 5
    seen = settings_under(
        {**PRODUCTION, "LOGIN_FAILURE_LIMIT": "3", "LOGIN_COOLOFF_MINUTES": "90"}
    )
    assert seen["AXES_FAILURE_LIMIT"] == 3
    assert seen["AXES_COOLOFF_TIME"] == "1:30:00"


def test_pictures_may_come_from_listed_origins():
    seen = settings_under({**PRODUCTION, "IMAGE_ORIGINS": "https://media.example.org"})
    img_src = seen["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    assert img_src == ["'self'", "data:", "https://media.example.org"]
