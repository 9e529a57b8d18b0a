"""Run the site as ``make serve`` does (gunicorn, production settings, loopback) in a
subprocess, against a database of the caller's choosing, for fault tests and the
load benchmark.
"""

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from tests.pgcluster import free_port

ROOT = Path(__file__).resolve().parent.parent
# Variables of the caller's shell that would change what the server is.
OWN_VARIABLES = {
    "DEBUG",
    "DJANGO_ENV",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "MEDIA_ROOT",
    "PRIVATE_MEDIA_ROOT",
    "STATIC_ROOT",
    "PORT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_SETTINGS_MODULE",
    "REDIS_URL",
    "CACHE_DIR",
}


class ServedSite:
    """Migrate, collect static files, then serve with gunicorn until closed."""

    def __init__(self, database_url: str, *, workers: int = 2, **environment: str):
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-site-"))
        self.log = self.folder / "gunicorn.log"
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in OWN_VARIABLES},
            # As `make serve`: production settings, plain HTTP on loopback.
            "DJANGO_ENV": "production",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(self.folder / "media"),
            "PRIVATE_MEDIA_ROOT": str(self.folder / "private-media"),
            "STATIC_ROOT": str(self.folder / "static"),
            "CACHE_DIR": str(self.folder / "cache"),
            "PORT": str(self.port),
            "WEB_CONCURRENCY": str(workers),
            **environment,
        }
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str, **extra_env: str) -> str:
        """Run a management command with the server's settings; give its output."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **extra_env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stderr}")
        return result.stdout

    def __enter__(self) -> "ServedSite":
        try:
            self.manage("migrate", "--noinput")
            self.manage("collectstatic", "--noinput")
            gunicorn = Path(sys.executable).parent / "gunicorn"
            with self.log.open("wb") as log:
                self.process = subprocess.Popen(
                    [str(gunicorn), "--config", "gunicorn.conf.py"],
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            self.wait_until_up()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.server_log()[-3000:]}")
            try:
                requests.get(self.url("/robots.txt"), timeout=10)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer in {timeout} s")

    def __exit__(self, *exc_info) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, path: str) -> str:
        return self.base_url + path

    def server_log(self) -> str:
        return self.log.read_text(errors="replace")
