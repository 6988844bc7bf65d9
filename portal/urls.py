from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, reverse_lazy

from . import views
from .admin import hide_internal_fields

# Staff sign in through allauth like everybody else (its rate limits and, later, its
# two-factor step apply), then land in the admin.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME
# No admin page shows the portal's internal fields (search vectors, keys, secrets, ...).
hide_internal_fields(admin.site)
# "View site" opens the home page in the admin page's language (/fr/ from /fr/admin/).
admin.site.site_url = reverse_lazy("home")

urlpatterns = [
    path("media/<path:path>", views.media, name="media"),
    # For load balancers: no language prefix, no redirect.
    path("health/", views.health, name="health"),
    # What browsers and the admin ask for at the root: no language prefix either.
    path("favicon.ico", views.favicon, name="favicon"),
    # The public API (api/): versioned, no language prefix (Accept-Language or ?lang=).
    path("api/v1/", include("api.urls")),
]
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("notifications/", views.notification_preferences, name="notification_preferences"),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.notification_unsubscribe,
        name="notification_unsubscribe",
    ),
    path("privacy/", views.privacy, name="privacy"),
    path("account/privacy/", views.account_privacy, name="account_privacy"),
    path("account/privacy/export/", views.account_export, name="account_export"),
    path("account/privacy/delete/", views.account_delete, name="account_delete"),
    path("accounts/", include("allauth.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("companies.urls")),
    path("", include("vacancies.urls")),
    path("", include("vouchers.urls")),
    path("", include("events.urls")),
    path("", include("procurement.urls")),
    path("", include("api.page_urls")),
    prefix_default_language=False,
)
