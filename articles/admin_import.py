"""The admin's Import page: upload stories, see what importing them would do, confirm.

Uploads are kept on the server, in a folder named by a random token that only the
uploader's session knows, between the preview and the confirmation. Confirming
imports those very files with the options chosen at upload (also kept in the
session): nothing the browser sends back besides the token is trusted.
"""

import os
import re
import secrets
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from . import workflow
from .interchange.batch import (
    MAX_FILE_BYTES,
    FileOutcome,
    import_sources,
    iter_sources,
)
from .models import Section

SESSION_KEY = "article_imports"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_PENDING = 5  # previews one session may keep waiting for a decision
KEEP_SECONDS = 24 * 3600  # an upload nobody confirmed or cancelled is then removed
SHOWN_ROWS = 500
OUTCOMES = ("created", "updated", "unchanged", "conflict", "skipped", "failed")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else [data]
        if not any(files):
            raise forms.ValidationError("Choose at least one file.")
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ImportForm(forms.Form):
    files = MultipleFileField(
        label="Files",
        help_text=(
            "Plain text, ninjs, NITF, NewsML-G2 or the newsroom's own JSON; or a zip "
            "of them (best for more than a hundred files). Each file's format is "
            "told by its content."
        ),
    )
    section = forms.ModelChoiceField(
        Section.objects.all(),
        required=False,
        to_field_name="slug",
        help_text="File the stories in this section.",
    )
    publish = forms.BooleanField(
        required=False, help_text="Publish the stories (new stories are drafts)."
    )
    overwrite = forms.BooleanField(
        required=False,
        help_text=(
            "Replace stories an editor changed since their last import (otherwise "
            "they are reported as conflicts and left alone)."
        ),
    )

    def clean_files(self) -> list:
        files = self.cleaned_data["files"]
        names = [_safe_name(upload.name) for upload in files]
        if "" in names:
            raise forms.ValidationError("A file has no usable name.")
        if len(set(names)) != len(names):
            raise forms.ValidationError("Two files have the same name.")
        if any(upload.size > MAX_FILE_BYTES for upload in files):
            raise forms.ValidationError(
                f"A file is larger than {MAX_FILE_BYTES // 2**20} MB."
            )
        if sum(upload.size for upload in files) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The files come to more than {MAX_UPLOAD_BYTES // 2**20} MB."
            )
        return files


def import_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    """Upload → preview (a dry run) → confirm or cancel. Editors only."""
    if not workflow.can_publish(request.user):
        raise PermissionDenied("Only editors can import stories.")
    action = request.POST.get("action")
    if request.method == "POST" and action in ("confirm", "cancel"):
        return _decide(model_admin, request, action)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token, options = _keep_upload(request, form)
        folder = upload_folder(token)
        outcomes = import_sources(iter_sources([folder]), dry_run=True, **options)
        return _render(
            model_admin,
            request,
            "Check the import",
            outcomes,
            folder,
            token=token,
            overwrite=options["overwrite"],
        )
    context = {"form": form, "max_mb": MAX_UPLOAD_BYTES // 2**20}
    return _render(model_admin, request, "Import stories", None, None, **context)


def upload_folder(token: str) -> Path:
    """Return the folder of one pending upload (refusing anything but a token)."""
    if not TOKEN.match(token):
        raise PermissionDenied("Not an import of yours.")
    return _uploads_root() / token


def _uploads_root() -> Path:
    configured = getattr(settings, "ARTICLE_IMPORT_UPLOADS", None)
    return Path(configured or Path(tempfile.gettempdir()) / "newsroom-imports")


def _keep_upload(request: HttpRequest, form: ImportForm) -> tuple[str, dict]:
    """Store the uploaded files under a new token known to this session only."""
    _remove_stale_uploads()
    token = secrets.token_urlsafe(16)
    folder = upload_folder(token)
    folder.mkdir(parents=True, mode=0o700)
    for upload in form.cleaned_data["files"]:
        with (folder / _safe_name(upload.name)).open("wb") as file:
            for chunk in upload.chunks():
                file.write(chunk)
    section = form.cleaned_data["section"]
    options = {
        "section_slug": section.slug if section else None,
        "publish": form.cleaned_data["publish"],
        "overwrite": form.cleaned_data["overwrite"],
    }
    pending = request.session.get(SESSION_KEY, {})
    while len(pending) >= MAX_PENDING:
        oldest = min(pending, key=lambda key: pending[key]["at"])
        shutil.rmtree(upload_folder(oldest), ignore_errors=True)
        del pending[oldest]
    pending[token] = {"options": options, "at": time.time()}
    request.session[SESSION_KEY] = pending
    return token, options


def _decide(
    model_admin: admin.ModelAdmin, request: HttpRequest, action: str
) -> HttpResponse:
    """Run the import kept under the posted token, or drop it."""
    token = request.POST.get("token", "")
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    folder = upload_folder(token) if entry else None
    if folder is None or not folder.is_dir():
        messages.error(
            request, "This import was already done or cancelled, or has expired."
        )
        return HttpResponseRedirect(request.path)
    try:
        if action == "cancel":
            messages.info(request, "Import cancelled: nothing was stored.")
            return HttpResponseRedirect(reverse("admin:articles_article_changelist"))
        outcomes = import_sources(
            iter_sources([folder]), user=request.user, **entry["options"]
        )
        return _render(model_admin, request, "Imported", outcomes, folder, done=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _render(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    title: str,
    outcomes: Iterable[FileOutcome] | None,
    folder: Path | None,
    **extra,
) -> HttpResponse:
    """Render the page; with ``outcomes``, a table of the first rows and counts.

    Files are named as uploaded: the server's folder is not shown.
    """
    rows: list[FileOutcome] = []
    counts: Counter[str] = Counter()
    prefix = f"{folder}{os.sep}"
    for outcome in outcomes or ():
        counts[outcome.outcome] += 1
        if len(rows) < SHOWN_ROWS:
            rows.append(replace(outcome, name=outcome.name.removeprefix(prefix)))
    request.current_app = model_admin.admin_site.name
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.opts,
        "rows": rows,
        "counts": [(outcome, counts[outcome]) for outcome in OUTCOMES],
        "total": sum(counts.values()),
        "hidden_rows": sum(counts.values()) - len(rows),
        **extra,
    }
    return TemplateResponse(request, "admin/articles/article/import.html", context)


def _safe_name(name: str) -> str:
    """Keep the last part of an uploaded file's name; hidden names are refused."""
    base = re.split(r"[\\/]", name or "")[-1].strip()
    return "" if base.startswith(".") or base in ("", "..") else base


def _remove_stale_uploads() -> None:
    """Remove uploads nobody confirmed or cancelled within a day."""
    root = _uploads_root()
    if not root.is_dir():
        return
    limit = time.time() - KEEP_SECONDS
    for folder in root.iterdir():
        if TOKEN.match(folder.name) and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)
