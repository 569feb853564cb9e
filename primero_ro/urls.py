from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from home.views import health, home

urlpatterns = [
    path("", home, name="home"),
    path("health/", health, name="health"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
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
