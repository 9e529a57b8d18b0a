import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.interchange.plaintext import parse_plain_text
from articles.interchange.writer import write_story
from articles.models import Article, Author, Byline, Section

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


class Command(BaseCommand):
    help = (
        "Load the demo content: sections, authors and the stories listed in "
        "articles/demo/manifest.json, including the seed story from the shared "
        "samples folder (NEWSROOM_SHARED). Stories already present are left as "
        "editors left them."
    )

    def handle(self, *args, **options) -> None:
        manifest = json.loads((DEMO_DIR / "manifest.json").read_text(encoding="utf-8"))
        with transaction.atomic():
            for section in manifest["sections"]:
                Section.objects.get_or_create(
                    slug=section.pop("slug"), defaults=section
                )
            for author in manifest["authors"]:
                Author.objects.get_or_create(slug=author.pop("slug"), defaults=author)
        loaded = kept = 0
        for story in manifest["stories"]:
            path = Path(
                story["path"].replace("{shared}", str(settings.NEWSROOM_SHARED))
            )
            path = path if path.is_absolute() else DEMO_DIR / path
            source_id = f"plain:{path.name}"
            if Article.objects.filter(source_id=source_id).exists():
                kept += 1
                continue
            if not path.is_file():
                self.stderr.write(
                    f"Skipped {path}: not found (the shared samples sit beside the "
                    f"clone)."
                )
                continue
            self.load_story(path, source_id, story)
            loaded += 1
        linked = self.link_translations(manifest["stories"])
        self.stdout.write(
            f"Demo content: {loaded} stories loaded, {kept} already present, "
            f"{linked} translations linked."
        )

    def link_translations(self, stories: list[dict]) -> int:
        """Link each translation to its original once both are in the database."""
        linked = 0
        for story in stories:
            if "translation_of" not in story:
                continue
            path = story["path"]
            translation = Article.objects.filter(
                source_id=f"plain:{Path(path).name}", translation_of__isnull=True
            ).first()
            original = Article.objects.filter(source_id=story["translation_of"]).first()
            if translation and original:
                translation.translation_of = original
                translation.full_clean()
                translation.save(update_fields=["translation_of"])
                linked += 1
        return linked

    @transaction.atomic
    def load_story(self, path: Path, source_id: str, story: dict) -> None:
        published_at = timezone.now() - timedelta(hours=story.get("hours_ago", 0))
        write_story(
            parse_plain_text(path.read_bytes()),
            source_id=source_id,
            section_slug=story["section"],
            publish=True,
            published_at=published_at,
        )
        article = Article.objects.get(source_id=source_id)
        article.kicker = story.get("kicker", "")
        article.dateline = story.get("dateline", "")
        article.save(update_fields=["kicker", "dateline"])
        article.tags.set(story.get("tags", []))
        for position, (slug, role) in enumerate(story.get("bylines", [])):
            Byline.objects.create(
                article=article,
                author=Author.objects.get(slug=slug),
                role=role,
                position=position,
            )
