"""The photo desk's admin: checked uploads (one or many), metadata read from the
files, focal points, thumbnails from public renditions, and where a photo is used."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from articles.models import Photo
from articles.storage import originals_storage

from .renditions import rendition_url
from .validation import CheckedImage, RejectedImage, check_image


def thumbnail(photo: Photo | None, size: int = 80) -> str:
    """An admin thumbnail from a public rendition: never the private original.

    ``size`` (80 or 160) picks a class of css/admin.css: the Content-Security-Policy
    allows no style attributes.
    """
    if not photo or not photo.image:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" class="thumb-{}">',
        rendition_url(photo, "free", 320, "jpg"),
        photo.alt_text,
        size,
    )


def apply_checked_image(
    photo: Photo, checked: CheckedImage, filename: str
) -> list[str]:
    """Fill what the file tells and the editor left empty; return what was filled."""
    photo.width, photo.height = checked.width, checked.height
    photo.original_filename = filename
    photo.embedded_metadata = dict(checked.metadata.fields)
    filled = []
    for field in ("caption", "credit", "copyright"):
        value = getattr(checked.metadata, field)
        if value and not getattr(photo, field):
            setattr(
                photo, field, value[: Photo._meta.get_field(field).max_length or None]
            )
            filled.append(field)
    return filled


class PhotoAdminForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = [
            "image",
            "caption",
            "credit",
            "copyright",
            "alt_text",
            "focal_x",
            "focal_y",
        ]

        # Our own check (check_image) replaces Django's generic "not an image".
        field_classes = {"image": forms.FileField}

    class Media:
        js = ["photos/focal-point.js"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("focal_x", "focal_y"):
            self.fields[name].required = False

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in ("focal_x", "focal_y"):
            if cleaned.get(name) is None:
                cleaned[name] = 0.5  # the centre, until someone clicks
        return cleaned

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and "image" in self.changed_data:
            try:
                self.checked = check_image(
                    image, name=image.name, max_bytes=settings.PHOTO_MAX_UPLOAD_BYTES
                )
            except RejectedImage as error:
                raise ValidationError(str(error)) from error
        return image


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else [data]
        if not any(files):
            raise ValidationError("Choose at least one file.")
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class BulkUploadForm(forms.Form):
    files = MultipleFileField(
        label="Photos",
        help_text="Choose several JPEG, PNG, WebP or GIF files at once.",
    )
    credit = forms.CharField(
        required=False, help_text="Used for files that carry no credit of their own."
    )


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoAdminForm
    list_display = [
        "preview",
        "caption_excerpt",
        "credit",
        "original_filename",
        "dimensions",
        "created_at",
    ]
    list_display_links = ["preview", "caption_excerpt"]
    list_filter = ["credit"]
    search_fields = ["caption", "credit", "alt_text", "original_filename", "copyright"]
    readonly_fields = [
        "focal_point_picker",
        "used_in",
        "metadata_read",
        "original_filename",
        "width",
        "height",
    ]
    fieldsets = [
        (None, {"fields": ["image", "focal_point_picker", ("focal_x", "focal_y")]}),
        ("Words", {"fields": ["caption", "credit", "copyright", "alt_text"]}),
        (
            "File",
            {
                "fields": [
                    "used_in",
                    "metadata_read",
                    "original_filename",
                    ("width", "height"),
                ]
            },
        ),
    ]

    def get_urls(self):
        upload = path(
            "upload/",
            self.admin_site.admin_view(self.bulk_upload_view),
            name="articles_photo_bulk_upload",
        )
        original = path(
            "original/<path:name>",
            self.admin_site.admin_view(self.original_view),
            name="articles_photo_original",
        )
        return [upload, original, *super().get_urls()]

    def original_view(self, request: HttpRequest, name: str) -> FileResponse:
        """Serve an original, camera data and all, only to those who may see photos."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        photo = Photo.objects.filter(image=name).first()
        if photo is None or not originals_storage.exists(name):
            raise Http404("No such original.")
        response = FileResponse(
            originals_storage.open(name), filename=photo.original_filename or None
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    def save_model(self, request: HttpRequest, obj: Photo, form, change: bool) -> None:
        checked = getattr(form, "checked", None)
        if checked is not None:
            filled = apply_checked_image(obj, checked, form.cleaned_data["image"].name)
            if checked.metadata.fields:
                read = "; ".join(
                    f"{k}: {v}" for k, v in checked.metadata.fields.items()
                )
                self.message_user(request, f"Read from the file — {read}")
            if filled:
                self.message_user(
                    request, f"Filled in from the file: {', '.join(filled)}."
                )
        elif not obj.image:
            obj.width = obj.height = None
        super().save_model(request, obj, form, change)

    def bulk_upload_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BulkUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            stored, refused = 0, []
            for upload in form.cleaned_data["files"]:
                try:
                    checked = check_image(
                        upload,
                        name=upload.name,
                        max_bytes=settings.PHOTO_MAX_UPLOAD_BYTES,
                    )
                except RejectedImage as error:
                    refused.append(str(error))
                    continue
                with transaction.atomic():
                    photo = Photo(credit=form.cleaned_data["credit"])
                    apply_checked_image(photo, checked, upload.name)
                    photo.credit = checked.metadata.credit or photo.credit
                    photo.image.save(upload.name, upload, save=False)
                    photo.save()
                    self.log_addition(request, photo, "Uploaded in bulk")
                stored += 1
            if stored:
                self.message_user(
                    request, f"Stored {stored} photo{'s' if stored != 1 else ''}."
                )
            for reason in refused:
                self.message_user(request, reason, messages.ERROR)
            if not refused:
                return HttpResponseRedirect(reverse("admin:articles_photo_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Upload photos",
            "opts": self.opts,
            "form": form,
        }
        return TemplateResponse(request, "admin/photos/bulk_upload.html", context)

    @admin.display(description="image")
    def preview(self, photo: Photo) -> str:
        return thumbnail(photo)

    @admin.display(description="focal point")
    def focal_point_picker(self, photo: Photo) -> str:
        if not photo.image:
            return "Upload an image, save, then click on it to set the focal point."
        return format_html(
            '<div class="focal-point">'
            '<img src="{}" alt="Click the most important point of the picture" '
            "data-focal-picker></div>"
            "<p class=help>Click the most important point: crops keep it in view.</p>",
            rendition_url(photo, "free", 960, "jpg"),
        )

    @admin.display(description="used in")
    def used_in(self, photo: Photo) -> str:
        uses = photo.uses.select_related("article").order_by("-article__published_at")
        if not uses:
            return "no story yet"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({}){}</li>',
                (
                    (
                        reverse("admin:articles_article_change", args=[use.article_id]),
                        use.article.headline,
                        use.article.get_status_display(),
                        " — lead photo" if use.is_lead else "",
                    )
                    for use in uses
                ),
            ),
        )

    @admin.display(description="caption", ordering="caption")
    def caption_excerpt(self, photo: Photo) -> str:
        return str(photo)

    @admin.display(description="size")
    def dimensions(self, photo: Photo) -> str:
        return f"{photo.width}×{photo.height}" if photo.width else "no image yet"

    @admin.display(description="read from the file")
    def metadata_read(self, photo: Photo) -> str:
        if not photo.embedded_metadata:
            return "nothing"
        return format_html(
            "<dl>{}</dl>",
            format_html_join(
                "", "<dt>{}</dt><dd>{}</dd>", photo.embedded_metadata.items()
            ),
        )
