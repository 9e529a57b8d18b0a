"""Make every change to a pin or a banner visible at once on cached pages."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from pagecache import invalidate

from .banner import forget_banner
from .models import Banner, Pin


@receiver([post_save, post_delete], sender=Pin)
def fronts_changed(sender, **kwargs) -> None:
    # Pins change a few times a day: recomputing every page then costs little,
    # and a hit on the home page reads one version instead of two.
    invalidate("content")


@receiver([post_save, post_delete], sender=Banner)
def banner_changed(sender, **kwargs) -> None:
    forget_banner()
    invalidate("content")  # the banner is on every page, as all content is
