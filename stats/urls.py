from django.urls import path

from stats import views

app_name = "stats"

urlpatterns = [
    path("", views.stages, name="stages"),
    path("dormant/", views.dormant, name="dormant"),
    path("board/", views.board, name="board"),
    path("board/judge/", views.judge, name="judge"),
    path("board/<id:pk>/", views.branch, name="branch"),
    path("follow-ups/<id:pk>/done/", views.follow_up_done, name="follow_up_done"),
]
