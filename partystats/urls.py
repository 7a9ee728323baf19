from django.urls import path

from partystats import views

app_name = "partystats"

urlpatterns = [
    path("", views.index, name="index"),
    path("lists/<slug:key>/", views.name_list, name="name_list"),
    path("<slug:key>/", views.table, name="table"),
    path("<slug:key>/people/", views.people, name="people"),
    path("<slug:key>/help/", views.help_page, name="help"),
    path("<slug:key>/freeze/", views.freeze, name="freeze"),
]
