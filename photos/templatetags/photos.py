"""``{% picture %}``: a responsive <picture> of a photo's renditions."""

from django import template

from articles.models import ArticlePhoto, Photo

from ..renditions import (
    FALLBACK_WIDTH,
    output_size,
    rendition_url,
    source_size,
    srcset,
    srcset_widths,
)

register = template.Library()

# The story column (see site.css): 46rem wide with 1rem padding, full width below.
COLUMN_SIZES = "(min-width: 46rem) 44rem, calc(100vw - 2rem)"


@register.inclusion_tag("photos/_picture.html")
def picture(
    use: ArticlePhoto | Photo | None,
    ratio: str = "16x9",
    sizes: str = COLUMN_SIZES,
    lazy: bool = True,
) -> dict:
    """Render WebP and JPEG sources with width and height set; nothing without image.

    ``use`` is an ArticlePhoto or a Photo; ``lazy`` False for pictures likely in the
    first screen (they are then fetched with high priority).
    """
    photo = getattr(use, "photo", use)
    if photo is None or not photo.image or source_size(photo) is None:
        return {"photo": None}
    widths = srcset_widths(photo, ratio)
    fallback = max(
        (pair for pair in widths if pair[0] <= FALLBACK_WIDTH), default=widths[0]
    )
    width, height = output_size(*source_size(photo), ratio, fallback[0])
    return {
        "photo": photo,
        "webp_srcset": srcset(photo, ratio, "webp"),
        "jpg_srcset": srcset(photo, ratio, "jpg"),
        "src": rendition_url(photo, ratio, fallback[0], "jpg"),
        "sizes": sizes,
        "width": width,
        "height": height,
        "lazy": lazy,
    }
