"""``manage.py backup [--output-dir DIR]``: the database and every stored file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write one dated archive (newsroom-<UTC time>.tar.gz) holding a dump of the "
        "database (PostgreSQL: pg_dump custom format; SQLite: a copy made with the "
        "online backup API) and every file of the public media and of the private "
        "photo originals. Restore it with the restore command."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output-dir",
            default="backups",
            type=Path,
            help="Folder for the archive (created if missing; default: backups).",
        )

    def handle(self, *args, output_dir: Path, **options) -> None:
        try:
            summary = create_backup(output_dir)
        except BackupError as error:
            raise CommandError(str(error)) from None
        files = ", ".join(
            f"{count} in {alias}" for alias, count in summary.files.items()
        )
        self.stdout.write(
            f"Backed up the {summary.vendor} database and files ({files})"
        )
        self.stdout.write(str(summary.archive))
