from django.urls import path, re_path

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
    # A feed key is what ReminderPreference.new_token() makes (URL-safe base64); nothing else reaches the query.
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{1,64})\.ics$", views.calendar_feed, name="feed"),
]
