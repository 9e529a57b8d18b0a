"""``manage.py restore ARCHIVE [--force]``: put a backup back into an empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive made by the backup command: its database into this "
        "site's database, which must be empty (no tables: not even migrated), and "
        "its files into the public media and private originals storages. A "
        "non-empty database is refused unless --force, which first drops everything "
        "in it. Cached pages are invalidated afterwards."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path, help="A newsroom-*.tar.gz backup.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already has tables (its data is lost).",
        )

    def handle(self, *args, archive: Path, force: bool, **options) -> None:
        try:
            summary = restore_backup(archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        files = ", ".join(
            f"{count} in {alias}" for alias, count in summary.files.items()
        )
        self.stdout.write(f"Restored the {summary.vendor} database and files ({files})")
