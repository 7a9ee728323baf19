"""The role screen and one's own roles (branches/role_views.py), mounted at /roles/."""

from django.urls import path

from branches import role_views

app_name = "roles"

urlpatterns = [
    path("", role_views.index, name="index"),
    path("grants/<int:pk>/revoke/", role_views.revoke, name="revoke"),
    path("users/<int:pk>/", role_views.user_roles, name="user"),
    path("mine/", role_views.mine, name="mine"),
    path("delegations/<int:pk>/end/", role_views.end_delegation, name="end_delegation"),
]
