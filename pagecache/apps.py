from django.apps import AppConfig


class PagecacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self) -> None:
        from . import receivers
        from .schedule import register_next_change

        register_next_change(receivers.next_scheduled_story)
