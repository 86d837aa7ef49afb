import re

from django import forms
from django.contrib.auth import forms as auth_forms

from interagency.accounts.models import AccessToken, normalise_email


class SignInForm(auth_forms.AuthenticationForm):
    """Email and password. The error never says whether the email exists."""

    username = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "Enter a correct email address and password. Both are case-sensitive "
        "except the email address.",
        "inactive": (
            "This account has been closed. Contact your partnership's training coordinator."
        ),
    }

    def clean_username(self) -> str:
        # django-axes counts failures per username as authenticate() receives it:
        # without this, Jo@… and jo@… would each get their own five attempts.
        return normalise_email(self.cleaned_data["username"])


class TwoFactorCodeForm(forms.Form):
    """The six digits from an authenticator app. Whether they are right is the view's job."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code changes every 30 seconds.",
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-5 govuk-input--extra-letter-spacing",
            }
        ),
    )

    def clean_code(self) -> str:
        # Apps show the code as "123 456"; people copy it with the space.
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("The code must be 6 digits, like 123456")
        return code


class RecoveryCodeForm(forms.Form):
    """One of the recovery codes the person saved. Whether it is right is the view's job."""

    code = forms.CharField(
        label="Recovery code",
        help_text="8 letters and numbers, like abcd-2345.",
        error_messages={"required": "Enter one of your recovery codes"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "govuk-input--width-10 govuk-input--extra-letter-spacing",
            }
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()
        if not re.fullmatch(r"[a-z2-7]{8}", code):
            raise forms.ValidationError("A recovery code is 8 letters and numbers, like abcd-2345")
        return code


class PasswordResetRequestForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The address you sign in with.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


def _label_new_password_fields(fields: dict[str, forms.Field]) -> None:
    """GOV.UK wording for the two new-password fields Django's forms share."""
    fields["new_password1"].label = "New password"
    fields[
        "new_password1"
    ].help_text = "Use at least 12 characters. A few unrelated words make a strong password."
    fields["new_password1"].error_messages["required"] = "Enter a new password"
    fields["new_password2"].label = "Confirm new password"
    fields["new_password2"].help_text = ""
    fields["new_password2"].error_messages["required"] = "Confirm your new password"


_PASSWORD_MISMATCH = "Enter the same new password in both fields"  # noqa: S105 (a message)


class NewPasswordForm(auth_forms.SetPasswordForm):
    error_messages = {"password_mismatch": _PASSWORD_MISMATCH}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _label_new_password_fields(self.fields)


class ChangePasswordForm(auth_forms.PasswordChangeForm):
    error_messages = {
        "password_mismatch": _PASSWORD_MISMATCH,
        "password_incorrect": "Your current password is not correct",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        _label_new_password_fields(self.fields)


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={
            "required": "Enter your full name",
            "max_length": "Full name must be 150 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )


class AccessTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        help_text="What the token is for, so you can recognise it later. "
        "For example, ‘Nightly attendance export’.",
        max_length=AccessToken._meta.get_field("name").max_length,
        error_messages={
            "required": "Enter a name for the token",
            "max_length": "Token name must be 100 characters or fewer",
        },
    )
