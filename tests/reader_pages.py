"""The reader-facing pages that the validators check, built from the demo content."""

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, Author, Section
from tests import images
from tests.factories import make_live_entry, make_photo


def build_reader_pages() -> dict[str, str]:
    """Load the demo content (with the seed story), give one story a real photo, and
    return the pages to check by name."""
    call_command("load_demo", verbosity=0)
    seed = Article.objects.get(source_id="plain:000_0d1dbcd964e78a06.txt")
    arabic = Article.objects.filter(language="ar").first()
    pictured = Article.objects.get(source_id="plain:northfield-library-reopens.txt")
    photo = make_photo(
        caption="Readers in the restored reading room", credit="Newsroom demo",
        alt_text="People reading at long wooden tables under a glass roof",
    )  # fmt: skip
    photo.image.save("reading-room.jpg", ContentFile(images.jpeg((1600, 900))))
    photo.width, photo.height = 1600, 900
    photo.save()
    pictured.article_photos.create(photo=photo, is_lead=True)
    live = Article.objects.get(source_id="plain:tram-line-consultation.txt")
    live.is_live = True
    live.save()
    reporter = Author.objects.get(slug="maria-lindqvist")
    make_live_entry(live, author=reporter, body="The consultation opens at 9.")
    make_live_entry(
        live, author=reporter, title="First objections", is_key_moment=True,
        body="Residents of Mill Street object.\n\nThe council will answer.",
        photo=photo, photo_caption="Residents at the meeting",
    )  # fmt: skip
    tag = seed.tags.first()
    return {
        "home": reverse("articles:home"),
        "story": seed.get_absolute_url(),
        "story-arabic": arabic.get_absolute_url(),
        "story-photo": pictured.get_absolute_url(),
        "story-live": live.get_absolute_url(),
        "section": Section.objects.get(slug="world").get_absolute_url(),
        "tag": reverse("articles:tag", args=[tag.slug]),
        "author": Author.objects.get(slug="maria-lindqvist").get_absolute_url(),
        "search": reverse("articles:search") + "?q=Hatra",
        "search-empty": reverse("articles:search") + "?q=zzzzzz",
    }
