from django.apps import AppConfig


class FrontsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "fronts"
    verbose_name = "Fronts and breaking news"

    def ready(self) -> None:
        from pagecache.schedule import register_next_change

        from . import signals  # noqa: F401  (connects the receivers)
        from .schedule import next_front_change

        register_next_change(next_front_change)
