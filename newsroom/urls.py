from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from operations.health import healthz

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME

# 400 and 500 pages render without the request's context processors (no database).
handler400 = "newsroom.errors.bad_request"
handler500 = "newsroom.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("img/", include("photos.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
