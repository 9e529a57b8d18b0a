"""Store the photos of a newsroom document, their files in the originals storage."""

import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from articles.models import Photo
from articles.storage import originals_storage

from .records import PHOTO_FIELDS, Record, photo_fields
from .stories import clean, insert_as_given


class PhotoWriter:
    """Write photos chunk by chunk; remember them by uid for the stories."""

    def __init__(self, *, keep_files: bool) -> None:
        self.keep_files = keep_files
        self.written: dict[str, Photo] = {}
        self.files: list[str] = []  # stored by this import, removed if it fails

    def write(self, records: list[Record], start: int) -> None:
        """Create or update one chunk of photos: new ones in one insert."""
        by_uid = {
            str(photo.uid): photo
            for photo in Photo.objects.filter(uid__in=[r["uid"] for r in records])
        }
        references = [
            r["source_id"] for r in records if r["uid"] not in by_uid and r["source_id"]
        ]
        by_reference = (
            {p.source_id: p for p in Photo.objects.filter(source_id__in=references)}
            if references
            else {}
        )
        fresh: list[tuple[Photo, Record]] = []
        for n, record in enumerate(records, start=start):
            photo = by_uid.get(record["uid"]) or by_reference.get(record["source_id"])
            if photo is None or not _same_photo(photo, record):
                is_new = photo is None
                photo = photo or Photo()
                photo.uid = record["uid"]
                for field in PHOTO_FIELDS:
                    setattr(photo, field, record[field])
                photo.image = self._store(record["file"])
                clean(photo, f"photos[{n}]")
                if is_new:
                    fresh.append((photo, record))
                else:
                    photo.save()
                    if record["created_at"] is not None:
                        Photo.objects.filter(pk=photo.pk).update(
                            created_at=record["created_at"]
                        )
            self.written[record["uid"]] = photo
        now = timezone.now()
        for photo, record in fresh:
            photo.created_at = record["created_at"] or now
        insert_as_given(Photo, [photo for photo, _ in fresh])

    def remove_files(self) -> None:
        """Delete the files this import wrote: its rows are gone with the rollback."""
        for name in self.files:
            originals_storage.delete(name)
        self.files.clear()

    def _store(self, file: Record | None) -> str:
        """Put a photo's file in the originals storage, under its name if free."""
        if file is None:
            return ""
        name = file["name"]
        if originals_storage.exists(name) and _sha256(name) == file["sha256"]:
            return name  # the very same bytes are there already
        if not self.keep_files:
            return name
        saved = originals_storage.save(name, ContentFile(file["data"]))
        self.files.append(saved)
        return saved


def _same_photo(photo: Photo, record: Record) -> bool:
    """Compare without reading the file when its name already differs."""
    file = record["file"]
    if (file["name"] if file else "") != photo.image.name:
        return False
    if {**photo_fields(photo), "file": None} != {**record, "file": None}:
        return False
    return file is None or (
        originals_storage.exists(file["name"])
        and _sha256(file["name"]) == file["sha256"]
    )


def _sha256(name: str) -> str:
    digest = hashlib.sha256()
    with originals_storage.open(name, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
