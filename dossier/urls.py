from django.urls import path

import config.converters  # noqa: F401  (registers <id:…>)
from dossier import views

app_name = "dossier"
urlpatterns = [
    path("cases/<id:pk>/", views.archive_panel, name="panel"),
    path("cases/<id:pk>/build/", views.archive_request, name="request"),
    path("archives/<id:pk>/<str:kind>/", views.archive_download, name="download"),
    path("bundles/", views.bundles, name="bundles"),
]
