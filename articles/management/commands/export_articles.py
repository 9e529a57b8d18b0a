"""Export stories: ``manage.py export_articles --format json|ninjs --output PATH``."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.interchange.native import ExportError, export_native
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Export stories. --format json (the default) writes the newsroom's own "
        "format to one file: every story in every status, with its bylines, photos "
        "(their files included), corrections and tags, and every section, author, "
        "tag and photo. It is a lossless backup: import_articles reads it back, and "
        "exporting again gives the same bytes. --format ninjs writes only the "
        "stories readers can see now (published, not scheduled, not under "
        "embargo), one ninjs document per story, named YYYY-MM-DD-slug.json after "
        "the story's address, into the --output directory."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--format",
            choices=["json", "ninjs"],
            default="json",
            help="json: one lossless file; ninjs: one file per published story.",
        )
        parser.add_argument(
            "--output",
            required=True,
            metavar="PATH",
            help="The file to write for json (- for standard output); the "
            "directory to write into for ninjs (created if missing).",
        )
        parser.add_argument(
            "--base-url",
            default="http://localhost:8000",
            help="For ninjs: the site's address, which the stories' links start "
            "with (default: %(default)s).",
        )

    def handle(self, *args, **options) -> None:
        if options["format"] == "json":
            self._export_json(options["output"])
        else:
            self._export_ninjs(Path(options["output"]), options["base_url"])

    def _export_json(self, output: str) -> None:
        try:
            data = export_native()
        except ExportError as error:
            raise CommandError(f"Nothing exported: {error}") from error
        if output == "-":
            self.stdout.write(data.decode(), ending="")
            return
        path = Path(output)
        if path.is_dir():
            raise CommandError(f"--output {path} is a directory; name a file")
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"cannot write {path}: {error.strerror}") from error
        self.stdout.write(f"Exported {Article.objects.count()} stories to {path}")

    def _export_ninjs(self, directory: Path, base_url: str) -> None:
        try:
            from articles.interchange.ninjs import to_ninjs
        except ImportError as error:
            raise CommandError(
                f"the ninjs serializer is unavailable: {error}"
            ) from error
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"--output {directory} is a file; name a directory")
        directory.mkdir(parents=True, exist_ok=True)
        count = 0
        for article in (
            Article.objects.published().with_relations().iterator(chunk_size=500)
        ):
            document = to_ninjs(article, base_url=base_url)
            day = timezone.localtime(article.published_at).date().isoformat()
            path = directory / f"{day}-{article.slug}.json"
            text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)
            path.write_text(text + "\n", encoding="utf-8")
            count += 1
        self.stdout.write(f"Exported {count} published stories to {directory}")
