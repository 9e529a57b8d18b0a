"""A story's revisions in the admin: history, comparison of two revisions, restore.

Mix into reversion's admin, first::

    class ArticleAdmin(RevisionAdminMixin, VersionAdmin): ...
"""

from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST
from reversion.errors import RevertError
from reversion.models import Version

from . import workflow
from .revisions import diff, restore, snapshot


class RevisionAdminMixin:
    """Show a story's revisions newest first, compare any two, restore one."""

    object_history_template = "admin/articles/article/object_history.html"
    compare_template = "admin/articles/article/compare.html"

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        # Ahead of ModelAdmin's "<path:object_id>/" catch-all, which would swallow them.
        return [
            path(
                "<path:object_id>/history/compare/",
                view(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                view(require_POST(self.restore_view)),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def versions(self, object_id: str) -> QuerySet[Version]:
        """Return the versions of one story, newest first."""
        return (
            Version.objects.get_for_object_reference(self.model, unquote(object_id))
            .select_related("revision__user")
            .order_by("-revision__date_created", "-pk")
        )

    def history_view(
        self,
        request: HttpRequest,
        object_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        revisions = list(self.versions(object_id)) if obj else []
        context = {
            "revisions": revisions,
            "default_old": revisions[1].pk if len(revisions) > 1 else None,
            "default_new": revisions[0].pk if revisions else None,
            "can_restore": bool(obj) and self.has_change_permission(request, obj),
            **(extra_context or {}),
        }
        # Django's history view checks permissions and renders our template.
        return super().history_view(request, object_id, context)

    def revision_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Show a revision as its changes up to now instead of reversion's form.

        Reversion's view re-saves the change form over a reverted copy, which the
        story's version token (optimistic locking) would reject.
        """
        versions = self.versions(object_id)
        version = get_object_or_404(versions, pk=version_id)
        return HttpResponseRedirect(
            self._compare_url(object_id, old=version.pk, new=versions[0].pk)
        )

    def compare_view(
        self,
        request: HttpRequest,
        object_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Show the fields that differ between revisions ``?old=`` and ``?new=``."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such story.")
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        versions = self.versions(object_id)
        old = self._version(versions, request.GET.get("old"))
        new = self._version(versions, request.GET.get("new"))
        try:
            changes = diff(snapshot(old), snapshot(new))
        except RevertError as error:  # data a later schema cannot read
            messages.error(request, str(error))
            return HttpResponseRedirect(self._admin_url("history", obj.pk))
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare revisions of “{obj}”",
            "opts": self.opts,
            "object": obj,
            "old": old,
            "new": new,
            "changes": changes,
            "can_restore": self.has_change_permission(request, obj),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.compare_template, context)

    def restore_view(
        self, request: HttpRequest, object_id: str, version_id: int
    ) -> HttpResponse:
        """Restore one revision of the story (POST only); it becomes the newest."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such story.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = get_object_or_404(self.versions(object_id), pk=version_id)
        try:
            status = version.field_dict.get("status")
        except RevertError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(self._admin_url("history", obj.pk))
        # A reporter must not publish, unpublish or rewrite a public story this way:
        # from or to published/withdrawn needs articles.publish_article.
        workflow.check_status_change(request.user, obj.status, status)
        was_live = version.field_dict.get("is_live", obj.is_live)
        workflow.check_live_change(request.user, obj.is_live, bool(was_live))
        article = restore(version, user=request.user)
        comment = self.versions(object_id)[0].revision.comment
        self.log_change(request, article, comment)
        messages.success(request, f"{comment}.")
        return HttpResponseRedirect(self._admin_url("change", article.pk))

    def _version(self, versions: QuerySet[Version], version_id: str | None) -> Version:
        """Return one of the story's versions by id; 404 for any other."""
        if not version_id or not version_id.isdigit():
            raise Http404("Choose two revisions to compare.")
        return get_object_or_404(versions, pk=int(version_id))

    def _admin_url(self, name: str, pk: Any) -> str:
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{name}",
            args=[quote(pk)],
        )

    def _compare_url(self, object_id: str, *, old: int, new: int) -> str:
        url = self._admin_url("compare", unquote(object_id))
        return f"{url}?{urlencode({'old': old, 'new': new})}"
