from django.urls import path

import config.converters  # noqa: F401  (registers <id:…>)
from reviews.views import desk, letters, public, reports

app_name = "reviews"
urlpatterns = [
    path("", desk.desk, name="desk"),
    path("q/<slug:slug>/", desk.queue, name="queue"),
    path("q/<slug:slug>/<id:pk>/", desk.item, name="item"),
    path("q/<slug:slug>/decide/", desk.decide, name="decide"),
    path("results/<str:key>/", desk.result, name="result"),
    path("reports/<id:pk>/forward/", reports.forward, name="forward"),
    path("reports/<id:pk>/return/", reports.return_report, name="return"),
    path("letters/", letters.letter_list, name="letters"),
    path("letters/<id:pk>/", letters.letter_detail, name="letter"),
    path("letters/<id:pk>/pdf/", letters.letter_pdf, name="letter_pdf"),
    path("letters/<id:pk>/regenerate/", letters.letter_regenerate, name="letter_regenerate"),
    path("cases/<id:pk>/publicity-notice/", letters.publicity_notice, name="publicity_notice"),
    path("v/", public.verify_lookup, name="verify_lookup"),
    path("v/<str:code>/", public.verify, name="verify"),
]
