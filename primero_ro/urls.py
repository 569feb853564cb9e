from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.language import set_language
from home.views import health, home
from registration.offline_pages import manifest, service_worker

# faults: the database going away outside any view answers 503 "try again", not 500.
handler500 = "primero_ro.db_faults.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("health/", health, name="health"),
    # Offline registration (docs/offline.md): the worker's scope is the site's root.
    path("sw.js", service_worker, name="service_worker"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("accounts/", include("accounts.urls")),
    # Django's language switch, which also keeps the choice on the user's account.
    path("i18n/setlang/", set_language, name="set_language"),
    path("cases/", include("cases.urls")),
    path("register/", include("registration.urls")),
    path("referrals/", include("referrals.urls")),
    path("reports/", include("reporting.urls")),
    path("import/", include("imports.urls")),
    path("audit/", include("audit.urls")),
    path("emergency/", include("emergency.urls")),
    path("info/", include("information.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
