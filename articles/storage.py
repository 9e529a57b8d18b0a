"""The storage of photo originals, looked up by its alias when it is used.

A FileField keeps the storage object it was given at import time; this lazy proxy
follows the ``STORAGES["originals"]`` setting instead, so a deployment (or a test)
can point originals at another place or backend.
"""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class OriginalsStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = storages["originals"]


originals_storage = OriginalsStorage()


@receiver(setting_changed)
def follow_storage_setting(*, setting: str, **kwargs) -> None:
    if setting == "STORAGES":
        originals_storage._wrapped = empty
