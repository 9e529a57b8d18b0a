import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create a local editor account if none exists, and print its username and a "
        "random password once. Later runs never show or change the password."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="editor")

    def handle(self, *args, username: str, **options) -> None:
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"Editor account '{username}' exists; its password was shown "
                f"when it was created."
            )
            return
        password = secrets.token_urlsafe(12)
        port = os.environ.get("PORT", "8000")
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the editor account for http://127.0.0.1:{port}/admin/\n"
                f"  username: {username}\n  password: {password}\n"
                "This password is shown only once: note it now."
            )
        )
