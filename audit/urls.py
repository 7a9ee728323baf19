from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("", views.browser, name="browser"),
    path("record/<slug:origin>/<int:pk>/", views.record, name="record"),
    path("case/<int:pk>/", views.case, name="case"),
    path("<slug:tab>/", views.browser, name="tab"),
    path("<slug:tab>/export.<slug:fmt>", views.export, name="export"),
]
