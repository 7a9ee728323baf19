"""The account pages (branches/views.py), mounted at /account/."""

from django.urls import path

from branches import views

app_name = "account"

urlpatterns = [
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("two-factor/", views.TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("two-factor/verify/", views.TwoFactorVerifyView.as_view(), name="two_factor_verify"),
]
