"""Sign in and out, two-factor sign-in, passwords, the account page and access tokens."""

from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice

from interagency.accounts import selectors, services, two_factor
from interagency.accounts.forms import (
    AccessTokenForm,
    ChangePasswordForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    ProfileForm,
    RecoveryCodeForm,
    SignInForm,
    TwoFactorCodeForm,
)
from interagency.accounts.models import User
from interagency.accounts.services import CodeCheck, CodeOutcome


class SignedInRequest(HttpRequest):
    """A request to a ``login_required`` view: its user is an account, never anonymous."""

    user: User


def _safe_next(request: HttpRequest) -> str:
    """Where to go after a two-factor page: ``next`` if it stays on this site, else home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _posted(request: HttpRequest):
    """The submitted data on POST (even if empty, so blank forms show errors), else None."""
    return request.POST if request.method == "POST" else None


def _with_next(url_name: str, target: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': target})}"


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        # Straight to the second step, rather than bouncing off the page asked
        # for. The user has only just signed in, so has not verified a device.
        target = super().get_success_url()
        user = self.request.user
        if user_has_device(user, confirmed=True):
            return _with_next("accounts:two-factor-verify", target)
        if settings.INTERAGENCY_ENFORCE_ADMIN_2FA and two_factor.needs_setup(user):
            return _with_next("accounts:two-factor-setup", target)
        return target


class SignOutView(auth_views.LogoutView):
    pass


# Passwords.


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link. The answer is the same whether or not the address has an account."""

    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")

    @property
    def extra_email_context(self) -> dict:  # type: ignore[override]
        return {"valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60))}


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.note_password_changed(user=form.user, changed_by=form.user)
        return response


class PasswordResetDoneView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_done.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ChangePasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:settings")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The form's user is the signed-in person (the view is login_required).
        services.note_password_changed(user=form.user, changed_by=form.user)
        messages.success(self.request, "Your password has been changed")
        return response


# Two-factor sign-in.


def _code_error(check: CodeCheck) -> str:
    if check.outcome is CodeOutcome.TOO_MANY_ATTEMPTS:
        wait = ""
        if check.retry_at is not None:
            seconds = max(1, round((check.retry_at - timezone.now()).total_seconds()))
            wait = f" Wait {seconds} second{'s' if seconds != 1 else ''}, then"
        else:
            wait = " Wait a moment, then"
        return f"You have entered too many wrong codes.{wait} enter the current code"
    return "The code is not correct. Enter the current code from your authenticator app"


@never_cache
@login_required
def two_factor_setup(request: SignedInRequest) -> HttpResponse:
    """Scan a QR code (or type the key), then prove it worked with a code."""
    # Signed in with a recovery code: the person may set up the app again on a new phone.
    recovering = isinstance(getattr(request.user, "otp_device", None), StaticDevice)
    if user_has_device(request.user, confirmed=True) and not recovering:
        # Adding a second app must not be a way round verifying the first.
        if two_factor.needs_verification(request.user):
            return redirect(_with_next("accounts:two-factor-verify", _safe_next(request)))
        messages.info(request, "Two-factor authentication is already set up for your account")
        return redirect("accounts:settings")

    device = services.start_two_factor_setup(user=request.user)
    form = TwoFactorCodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        check = services.confirm_two_factor_device(device=device, code=form.cleaned_data["code"])
        if check.accepted:
            django_otp.login(request, device)
            messages.success(request, "Two-factor authentication is now set up")
            return redirect(_safe_next(request))
        form.add_error("code", _code_error(check))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(device),
            "manual_key": two_factor.manual_entry_key(device),
            "next": _safe_next(request),
            "required": settings.INTERAGENCY_ENFORCE_ADMIN_2FA
            and two_factor.needs_setup(request.user),
            "recovering": recovering,
        },
    )


@never_cache
@login_required
def two_factor_verify(request: SignedInRequest) -> HttpResponse:
    """The second step of signing in for anyone with an authenticator app."""
    device = selectors.confirmed_totp_device(request.user)
    if device is None or not two_factor.needs_verification(request.user):
        return redirect(_safe_next(request))

    form = TwoFactorCodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        check = services.check_two_factor_code(device=device, code=form.cleaned_data["code"])
        if check.accepted:
            django_otp.login(request, device)
            return redirect(_safe_next(request))
        form.add_error("code", _code_error(check))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {
            "form": form,
            "next": _safe_next(request),
            "has_recovery_codes": selectors.recovery_device(request.user) is not None,
        },
    )


def _recovery_code_error(check: CodeCheck) -> str:
    if check.outcome is CodeOutcome.TOO_MANY_ATTEMPTS:
        return _code_error(check).replace("the current code", "a recovery code")
    return "That recovery code is not one of yours, or it has been used. Enter another one"


@never_cache
@login_required
def two_factor_recovery(request: SignedInRequest) -> HttpResponse:
    """The second step of signing in with a recovery code instead of the lost app's code."""
    device = selectors.recovery_device(request.user)
    if not two_factor.needs_verification(request.user):
        return redirect(_safe_next(request))
    if device is None:
        return redirect(_with_next("accounts:two-factor-verify", _safe_next(request)))
    form = RecoveryCodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        check = services.sign_in_with_recovery_code(device=device, code=form.cleaned_data["code"])
        if check.accepted:
            django_otp.login(request, device)
            left = selectors.recovery_codes_left(request.user)
            messages.warning(
                request,
                f"You signed in with a recovery code. You have {left} left. If you have lost "
                "your phone, set up your authenticator app on your new one now.",
            )
            return redirect(_with_next("accounts:two-factor-setup", _safe_next(request)))
        form.add_error("code", _recovery_code_error(check))
    return render(
        request, "accounts/two_factor_recovery.html", {"form": form, "next": _safe_next(request)}
    )


@never_cache
@login_required
def recovery_codes(request: SignedInRequest) -> HttpResponse:
    """How many recovery codes are left, and a button to make a new set (shown once)."""
    if not user_has_device(request.user, confirmed=True):
        return redirect("accounts:two-factor-setup")
    if request.method == "POST":
        codes = services.make_recovery_codes(user=request.user)
        # Rendered, not redirected: the codes are shown in this response only.
        return render(request, "accounts/recovery_codes_made.html", {"codes": codes})
    return render(
        request,
        "accounts/recovery_codes.html",
        {"left": selectors.recovery_codes_left(request.user)},
    )


# The account page.


@login_required
def account_settings(request: SignedInRequest) -> HttpResponse:
    """Name, email, two-factor status, and links to passwords and tokens."""
    user = request.user
    form = ProfileForm(_posted(request), initial={"full_name": user.full_name})
    if request.method == "POST" and form.is_valid():
        services.update_profile(
            user=user, changed_by=user, full_name=form.cleaned_data["full_name"]
        )
        messages.success(request, "Your name has been updated")
        return redirect("accounts:settings")
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form,
            "has_two_factor": user_has_device(user, confirmed=True),
            "recovery_codes_left": selectors.recovery_codes_left(user),
        },
    )


# Personal access tokens.


@login_required
def access_tokens(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": selectors.access_tokens_of(request.user)},
    )


@never_cache
@login_required
def access_token_new(request: SignedInRequest) -> HttpResponse:
    form = AccessTokenForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        token, text = services.issue_access_token(user=request.user, name=form.cleaned_data["name"])
        # Rendered, not redirected: the text exists only in this response and
        # is never stored anywhere it could be shown again.
        return render(request, "accounts/token_created.html", {"token": token, "text": text})
    return render(request, "accounts/token_new.html", {"form": form})


@login_required
def access_token_revoke(request: SignedInRequest, token_id: int) -> HttpResponse:
    # Only the user's own tokens: anyone else's is "not found", not "forbidden".
    token = get_object_or_404(selectors.access_tokens_of(request.user), pk=token_id)
    if not token.is_active:
        messages.info(request, f"The token ‘{token.name}’ was already revoked")
        return redirect("accounts:tokens")
    if request.method == "POST":
        services.revoke_access_token(token=token)
        messages.success(request, f"The token ‘{token.name}’ has been revoked")
        return redirect("accounts:tokens")
    return render(request, "accounts/token_revoke.html", {"token": token})
