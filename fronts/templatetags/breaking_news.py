from django import template

from ..banner import current_banner

register = template.Library()


@register.inclusion_tag("fronts/_banner.html")
def breaking_news() -> dict:
    """Render the breaking-news banner, or nothing when there is none."""
    return {"banner": current_banner()}
