"""URLs of the import/export app, mounted at /io/ under the namespace `imports:`."""

from django.urls import path

import config.converters  # noqa: F401  (registers <id:…>)
from imports import views as imports

app_name = "imports"
urlpatterns = [
    path("", imports.index, name="index"),
    path("template.xlsx", imports.template, name="template"),
    path("upload/", imports.upload, name="upload"),
    path("batches/<id:pk>/", imports.batch, name="batch"),
    path("batches/<id:pk>/confirm/", imports.confirm, name="confirm"),
    path("batches/<id:pk>/retry/", imports.retry, name="retry"),
    path("export/template.xlsx", imports.export_template, name="export_template"),
    path("export/cases.xlsx", imports.export_case_list, name="export_cases"),
    path("export/roster/<str:stage>.xlsx", imports.export_roster, name="export_roster"),
    path("export/members.xlsx", imports.export_members, name="export_members"),
]
