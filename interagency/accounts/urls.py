from django.urls import path

from interagency.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("", views.account_settings, name="settings"),
    path("two-factor/set-up/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/recovery/", views.two_factor_recovery, name="two-factor-recovery"),
    path("recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password-reset/sent/",
        views.PasswordResetSentView.as_view(),
        name="password-reset-sent",
    ),
    path(
        "password-reset/done/",
        views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("tokens/", views.access_tokens, name="tokens"),
    path("tokens/new/", views.access_token_new, name="token-new"),
    path("tokens/<int:token_id>/revoke/", views.access_token_revoke, name="token-revoke"),
]
