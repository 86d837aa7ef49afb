"""Regions group partnerships; partnerships own everything else.

Every row a partnership owns inherits :class:`PartnershipOwned`, and is read
through ``Model.objects.for_partnership(partnership)`` in a selector. The
tenancy lint test fails when a view or API module touches a manager directly.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from interagency.core.permissions import Role

gss_code_validator = RegexValidator(
    r"^[EWSN]\d{8}$", "Enter a GSS code like E09000007: a letter and eight digits."
)
partnership_code_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$",
    "Use 1 to 32 lowercase letters, digits and hyphens, starting and ending with a letter "
    "or digit.",
)


class Region(models.Model):
    name = models.CharField(max_length=100, unique=True)
    code = models.SlugField(max_length=32, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partnership(models.Model):
    """A safeguarding children partnership (formerly an LSCB)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="partnerships")
    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(
        max_length=32,
        unique=True,
        validators=[partnership_code_validator],
        help_text="Short code used in addresses, for example camden.",
    )
    # GSS codes of the local authorities the partnership covers (E09000007 is Camden).
    local_authority_codes = models.JSONField(default=list, blank=True)
    # Training emails the coordinator may switch off for the partnership.
    sends_manager_digests = models.BooleanField(
        default=True,
        help_text="Each line manager gets a monthly email of their team's due and overdue "
        "training.",
    )
    sends_training_reminders = models.BooleanField(
        default=True,
        help_text="Each person gets an email a month before a required course falls due.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = []
        for code in self.local_authority_codes or []:
            try:
                gss_code_validator(code)
            except ValidationError:
                errors.append(f"{code!r} is not a GSS code like E09000007.")
        if errors:
            raise ValidationError({"local_authority_codes": errors})


class PartnershipScopedQuerySet(models.QuerySet):
    def for_partnership(self, partnership: Partnership | int) -> "PartnershipScopedQuerySet":
        return self.filter(partnership=partnership)


class PartnershipOwned(models.Model):
    """Base for every row a partnership owns."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="%(class)s_set"
    )

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class Membership(PartnershipOwned):
    """One role a user holds in one partnership; several rows give several roles."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "user", "role"], name="membership_unique_role"
            ),
        ]
        indexes = [models.Index(fields=["user", "partnership"])]
        ordering = ["partnership", "user", "role"]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.partnership}"
