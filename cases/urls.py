from django.urls import path

import config.converters  # noqa: F401  (registers <id:…>)
from cases.views import detail, lists, meetings

app_name = "cases"
urlpatterns = [
    path("", lists.dashboard, name="dashboard"),
    path("cases/", lists.case_list, name="list"),
    path("cases/new/", detail.case_create, name="create"),
    path("cases/<id:pk>/", detail.case_detail, name="detail"),
    path("cases/<id:pk>/edit/", detail.case_edit, name="edit"),
    path("cases/<id:pk>/steps/<str:code>/", detail.step_form, name="step"),
    path("cases/<id:pk>/submit/<str:code>/", detail.submit, name="submit"),
    path("cases/<id:pk>/publicity/", detail.publicity, name="publicity"),
    path("cases/<id:pk>/entries/<str:code>/", detail.periodic_entry, name="entry"),
    path("cases/<id:pk>/materials/", detail.upload, name="upload"),
    path("cases/<id:pk>/materials/waive/", detail.waive, name="waive"),
    path("cases/<id:pk>/outcome/", detail.outcome, name="outcome"),
    path("cases/<id:pk>/transfer/", detail.transfer, name="transfer"),
    path("cases/<id:pk>/reveal-id/", detail.reveal_id, name="reveal_id"),
    path("materials/<id:pk>/", detail.material, name="material"),
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/<id:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<id:pk>/minutes/", meetings.meeting_minutes, name="meeting_minutes"),
    path("meetings/entitled/", meetings.meeting_entitled, name="meeting_entitled"),
    path("queue/", lists.queue, name="queue"),
]
