"""The public address of every rendition: made on first request, then served as is."""

import logging

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe
from PIL import Image, UnidentifiedImageError

from articles.models import Article, Photo

from . import renditions

logger = logging.getLogger(__name__)

FOREVER = "public, max-age=31536000, immutable"
# A stale address may become current again (focal point set back): never cache the
# redirect for long, or browsers could loop between two addresses.
STALE_REDIRECT = "public, max-age=300"


@require_safe
def rendition(
    request: HttpRequest,
    photo_id: str,
    source_key: str,
    ratio: str,
    width: str,
    fmt: str,
) -> HttpResponse:
    """Serve one rendition; its address never changes content, so cache it forever.

    An address made for an older file or focal point redirects to the current one
    while the photo is in a published story (old cached pages keep their
    pictures); otherwise it is not found, so old addresses reveal nothing.
    """
    if width != str(int(width)):  # one address per rendition: no "0640"
        raise Http404("No such rendition.")
    width = int(width)
    if not renditions.is_valid_spec(ratio, width, fmt):
        raise Http404("No such rendition.")
    photo = get_object_or_404(Photo, pk=photo_id)
    if not photo.image:
        raise Http404("This photo has no image.")
    if source_key != renditions.source_key(photo):
        if Article.objects.published().filter(article_photos__photo=photo).exists():
            response = redirect(renditions.rendition_url(photo, ratio, width, fmt))
            response["Cache-Control"] = STALE_REDIRECT
            return response
        raise Http404("This address is out of date.")
    etag = f'"{source_key}-{ratio}-{width}-{fmt}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        try:
            made = renditions.ensure_rendition(photo, ratio, width, fmt)
        except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as error:
            logger.warning("Cannot make %s of photo %s: %s", fmt, photo.pk, error)
            raise Http404("This photo cannot be shown.") from error
        response = FileResponse(
            default_storage.open(made.file, "rb"),
            content_type=renditions.CONTENT_TYPES[fmt],
        )
        response["Content-Length"] = made.bytes
    response["Cache-Control"] = FOREVER
    response["ETag"] = etag
    return response
