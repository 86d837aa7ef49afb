"""Staff-list imports: the columns remembered, what every row must have, and each upload."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from interagency.people.models.agencies import Agency
from interagency.tenancy.models import PartnershipOwned


class ColumnMapping(PartnershipOwned):
    """How one agency's HR export names our fields, remembered for the next import."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="column_mapping")
    # {"full_name": "Employee Name", "work_email": "Email", ...}
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Columns for {self.agency}"


class ImportSettings(PartnershipOwned):
    """What every row of the partnership's staff-list imports must have (else it is rejected)."""

    class Required(models.TextChoices):
        FORENAME = "forename", "Forename"
        SURNAME = "surname", "Surname"
        AGENCY = "agency", "Agency (the upload's, or an organisation column)"
        EMAIL_OR_STAFF_NUMBER = "email_or_staff_number", "Work email or staff number"
        WORK_EMAIL = "work_email", "Work email"
        STAFF_NUMBER = "external_id", "Staff or HR number"
        JOB_TITLE = "job_title", "Job title"
        START_DATE = "started_on", "Start date"
        EMPLOYMENT_TYPE = "employment_type", "Employment type"

    DEFAULT_REQUIRED = ("forename", "surname", "agency", "email_or_staff_number")

    # The Required values a row must have, e.g. ["forename", "surname", "agency"].
    required_fields = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership"], name="import_settings_one_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return f"Import settings of {self.partnership}"

    def clean(self) -> None:
        unknown = set(self.required_fields) - set(self.Required.values)
        if unknown:
            raise ValidationError(
                {"required_fields": f"Unknown fields: {', '.join(sorted(unknown))}."}
            )


class PeopleImport(PartnershipOwned):
    """One upload of an agency's staff list, from preview to applied, with its counts."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        PREVIEWED = "previewed", "Previewed"
        QUEUED = "queued", "Waiting to run"
        RUNNING = "running", "Running"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"

    # What each status allows: code compares through these and Status, never through strings.
    # The columns may be chosen (again): nothing has been applied or queued.
    MAPPABLE = (Status.UPLOADED, Status.PREVIEWED, Status.FAILED)
    # The preview's choices may be saved and the import applied: nothing was written.
    APPLICABLE = (Status.PREVIEWED, Status.FAILED)
    # What a run of the worker may claim: queued by apply (or previewed, run by hand).
    CLAIMABLE_BY_WORKER = (Status.PREVIEWED, Status.QUEUED)
    # Waiting for, or held by, a run: a page polls its progress.
    IN_PROGRESS = (Status.QUEUED, Status.RUNNING)

    # None when each row's agency is taken from the file's organisation column.
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="imports"
    )
    # The columns chosen for an import without one agency (an agency's are its ColumnMapping).
    columns = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    # Kept until applied so a background worker can read it; cleared afterwards.
    content = models.BinaryField(null=True, blank=True)
    is_full_staff_list = models.BooleanField(
        default=False, help_text="People missing from a full list are marked as left."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    marked_left = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # Further posts of people (a second row for a person with another service, role or title).
    posts_created = models.PositiveIntegerField(default=0)
    posts_updated = models.PositiveIntegerField(default=0)
    posts_ended = models.PositiveIntegerField(default=0)
    # [{"row": 7, "column": "work_email", "value": "x", "message": "..."}]
    problems = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written when a run claims the import and with each progress report: a
    # running import whose heartbeat stops was left by a worker that died
    # (services.imports.stall.reap_stale_people_imports). Each run counts one attempt, and
    # writes only while the import is still its attempt.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempt = models.PositiveIntegerField(default=0)
    # The preview's plan (importing.keeping.dump_plan) and what it was made from
    # (importing.keeping.plan_fingerprint): applying uses it while nothing has changed.
    plan = models.BinaryField(null=True, blank=True)
    plan_fingerprint = models.CharField(max_length=64, blank=True)
    # How the file was read, for the preview: its text encoding and which kind of dates
    # each date column held (importing.reading.reading_notes).
    reading_notes = models.JSONField(default=list, blank=True)
    # What the preview asks the importer to confirm, from the file: {"contract_words":
    # {"fixed term": {"text": "Fixed term", "rows": 12, "sample": [3, 9], "suggested":
    # "temporary"}}, "unknown_roles": {"snr sw": {"text": ..., "rows": ..., "sample": ...,
    # "close": [role ids]}}}, and the answers: {"contract_words": {"fixed term": "temporary"},
    # "roles": {"snr sw": "12" (a role id) | "none"}}. The plan is made with the answers.
    review = models.JSONField(default=dict, blank=True)
    choices = models.JSONField(default=dict, blank=True)
    # The rejected rows as the check found them (compressed JSON: the header and, per row,
    # its number, cells and reasons); kept after applying, to fix and upload again.
    rejected_rows = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.file_name} for {self.agency_label} ({self.get_status_display()})"

    @property
    def agency_label(self) -> str:
        return str(self.agency) if self.agency_id else "the agencies the file names"

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    @property
    def percent(self) -> int:
        """How far a run has come, from 0 to 100 (100 once applied)."""
        if self.status == self.Status.APPLIED:
            return 100
        return self.rows_done * 100 // self.rows_total if self.rows_total else 0
