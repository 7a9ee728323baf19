from django.urls import path

from cases.views import detail, lists

app_name = "cases"
urlpatterns = [
    path("", lists.dashboard, name="dashboard"),
    path("cases/", lists.case_list, name="list"),
    path("cases/new/", detail.case_create, name="create"),
    path("cases/<int:pk>/", detail.case_detail, name="detail"),
    path("cases/<int:pk>/edit/", detail.case_edit, name="edit"),
    path("cases/<int:pk>/steps/<str:code>/", detail.step_form, name="step"),
    path("cases/<int:pk>/submit/<str:code>/", detail.submit, name="submit"),
    path("cases/<int:pk>/publicity/", detail.publicity, name="publicity"),
    path("cases/<int:pk>/materials/", detail.upload, name="upload"),
    path("cases/<int:pk>/outcome/", detail.outcome, name="outcome"),
    path("cases/<int:pk>/transfer/", detail.transfer, name="transfer"),
    path("cases/<int:pk>/reveal-id/", detail.reveal_id, name="reveal_id"),
    path("materials/<int:pk>/", detail.material, name="material"),
    path("queue/", lists.queue, name="queue"),
    path("submissions/<int:pk>/forward/", detail.forward, name="forward"),
    path("submissions/<int:pk>/return/", detail.return_submission, name="return"),
]
