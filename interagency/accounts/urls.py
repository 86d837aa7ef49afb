from django.urls import path

from interagency.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("", views.account_settings, name="settings"),
    path("two-factor/set-up/", views.account_settings, name="two-factor-setup"),
    path("two-factor/verify/", views.account_settings, name="two-factor-verify"),
]
