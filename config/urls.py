import os

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from branches.forms import LoginForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="registration/login.html", authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("branches.urls")),
    path("roles/", include("branches.role_urls")),
    path("admin/", admin.site.urls),
    path("reviews/", include("reviews.urls")),
    path("io/", include("imports.urls")),
    path("", include("reminders.urls")),
    path("audit/", include("audit.urls")),
    path("plans/", include("plans.urls")),
    path("stats/", include("stats.urls")),
    path("partystats/", include("partystats.urls")),
    path("dossier/", include("dossier.urls")),
    path("", include("cases.urls")),
]

if os.environ.get("DJANGO_BENCH_BARE") == "1":  # benchmark baseline page, never in production
    urlpatterns.append(path("bench/", include("bench.bare_urls")))
