from django.urls import path

import config.converters  # noqa: F401  (registers <id:…>)
from reminders import views

app_name = "reminders"
urlpatterns = [
    path("notifications/", views.notice_list, name="list"),
    path("notifications/read-all/", views.notice_read_all, name="read_all"),
    path("notifications/settings/", views.settings_page, name="settings"),
    path("notifications/settings/calendar/", views.calendar_token, name="calendar_token"),
    path("notifications/<id:pk>/", views.notice_open, name="open"),
    path("notifications/<id:pk>/read/", views.notice_read, name="read"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
]
