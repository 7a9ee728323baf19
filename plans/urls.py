from django.urls import path

import config.converters  # noqa: F401  (registers <id:…>)
from plans import views

app_name = "plans"
urlpatterns = [
    path("", views.index, name="index"),
    path("<id:pk>/<int:year>/", views.detail, name="detail"),
    path("<id:pk>/<int:year>/edit/", views.edit, name="edit"),
    path("<id:pk>/<int:year>/export.xlsx", views.export, name="export"),
]
