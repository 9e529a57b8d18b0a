"""The photo desk in a real browser: a click on the picture sets the focal point."""

import pytest
from django.core.files.base import ContentFile

from articles.models import Photo
from tests import images
from tests.factories import make_article, make_photo, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_photo_editor_clicks_the_picture_to_set_the_focal_point(page, live_server):
    make_user("desk", password="desk-passw0rd-123")
    photo = make_photo(caption="Boats in the harbour", alt_text="Fishing boats")
    photo.image.save("harbour.jpg", ContentFile(images.jpeg((800, 400))))
    photo.width, photo.height = 800, 400
    photo.save()
    page.goto(f"{live_server.url}/admin/articles/photo/{photo.pk}/change/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", "desk-passw0rd-123")
    page.click("input[type=submit]")
    picker = page.locator("[data-focal-picker]")
    picker.wait_for()
    page.wait_for_function("document.querySelector('[data-focal-picker]').complete")
    box = picker.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)
    assert abs(float(page.input_value("#id_focal_x")) - 0.25) < 0.02
    assert abs(float(page.input_value("#id_focal_y")) - 0.75) < 0.02
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/photo/")
    photo.refresh_from_db()
    assert abs(photo.focal_x - 0.25) < 0.02 and abs(photo.focal_y - 0.75) < 0.02


def test_reader_gets_a_rendition_not_the_original(page, live_server):
    photo = make_photo(caption="Market day", alt_text="Stalls under awnings")
    photo.image.save(
        "market.jpg", ContentFile(images.jpeg_with_gps_and_iptc(size=(1600, 900)))
    )
    photo.width, photo.height = 1600, 900
    photo.save()
    article = make_article(headline="Market day returns", photos=[photo])
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + article.get_absolute_url())
    lead = page.locator("figure img").first
    page.wait_for_function("document.querySelector('figure img').complete")
    source = lead.evaluate("img => img.currentSrc")
    assert "/img/" in source and source.endswith((".webp", ".jpg"))
    natural = lead.evaluate("img => img.naturalWidth")
    assert natural <= 768
    assert Photo.objects.get().image.url not in page.content()
