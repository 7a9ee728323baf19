from django.urls import path

import config.converters  # noqa: F401  (registers <id:…>)
from audit import views

app_name = "audit"
urlpatterns = [
    path("", views.browser, name="browser"),
    path("record/<slug:origin>/<id:pk>/", views.record, name="record"),
    path("case/<id:pk>/", views.case, name="case"),
    path("<slug:tab>/", views.browser, name="tab"),
    path("<slug:tab>/export.<slug:fmt>", views.export, name="export"),
]
