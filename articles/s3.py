"""Photo originals in an S3-compatible bucket (see README, "Configuration").

Its own module so that boto3 is imported only by sites that store media in S3.
"""

from django.urls import reverse
from storages.backends.s3 import S3Storage


class OriginalsS3Storage(S3Storage):
    """Originals addressed as on disk: through the admin, which checks who asks;
    never a link into the bucket, not even a signed one."""

    def url(self, name: str, *args, **kwargs) -> str:
        return reverse("admin:articles_photo_original", args=[name])
