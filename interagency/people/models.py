"""Agencies, their services and people: who works with children and needs training.

Everything here belongs to one partnership. ``Person`` is personal data: it is
changed only through ``services/`` (which audits), and read through
``selectors.py`` with the visibility rules of ``visibility.py`` (agency leads
see their agency, line managers their team, learners themselves).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from interagency.core.validation import PEOPLE, YEAR
from interagency.tenancy.models import PartnershipOwned, PartnershipScopedQuerySet


class Sector(models.TextChoices):
    HEALTH = "health", "Health"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    EDUCATION = "education", "Education"
    EARLY_YEARS = "early_years", "Early years and childminding"
    POLICE = "police", "Police"
    PROBATION_YOUTH_JUSTICE = "probation_youth_justice", "Probation and youth justice"
    HOUSING = "housing", "Housing"
    VOLUNTARY = "voluntary", "Voluntary and community"
    FAITH = "faith", "Faith"
    SPORT_LEISURE = "sport_leisure", "Sport and leisure"
    OTHER = "other", "Other"


class Agency(PartnershipOwned):
    name = models.CharField(max_length=200)
    # Staff lists may name the agency by a short code (an ODS or school URN) instead.
    code = models.CharField(
        max_length=30, blank=True, help_text="A short code staff lists may use, like an ODS code."
    )
    sector = models.CharField(max_length=30, choices=Sector.choices)
    is_statutory_partner = models.BooleanField(
        default=False, help_text="One of the statutory safeguarding partners."
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    # The agency lead's account, when they have one: they see this agency's people.
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_agencies",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                F("partnership"), Lower("name"), name="agency_unique_name_in_partnership"
            ),
            models.UniqueConstraint(
                F("partnership"),
                Lower("code"),
                condition=~Q(code=""),
                name="agency_unique_code_in_partnership",
            ),
        ]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class AgencyAlias(PartnershipOwned):
    """Another name a staff list's organisation column gives an agency, remembered once chosen.

    ``text`` is normalised (``importing.organisations.organisation_key``): the
    same words in any case and spacing are one alias.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="aliases")
    text = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["text"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "text"], name="agency_alias_unique_in_partnership"
            ),
        ]
        verbose_name_plural = "agency aliases"

    def __str__(self) -> str:
        return f"{self.text} → {self.agency}"


class Service(PartnershipOwned):
    """A team or department of an agency (a hospital's A&E, a council's homeless persons team)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(
                F("agency"), Lower("name"), name="service_unique_name_in_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.name}"


class EmploymentType(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    AGENCY_LOCUM = "agency_locum", "Agency or locum"
    VOLUNTEER = "volunteer", "Volunteer"
    TEMPORARY = "temporary", "Temporary"
    # Students on placement are neither employed nor volunteering, and are trained differently.
    STUDENT = "student", "Student or trainee on placement"


def current_on(day: datetime.date, prefix: str = "") -> Q:
    """Who is current on ``day``: no leaving date, or one still to come (they leave that day)."""
    return Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": day})


class PersonQuerySet(PartnershipScopedQuerySet):
    def current(self, today: datetime.date | None = None) -> "PersonQuerySet":
        """People not yet gone: a leaving date in the future keeps them current until then."""
        return self.filter(current_on(today or timezone.localdate()))


class Person(PartnershipOwned):
    """A professional or volunteer who works with children, parents or families."""

    full_name = models.CharField(max_length=150)
    work_email = models.EmailField(blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    role = models.ForeignKey(
        "catalogue.Role", on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="people")
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    line_manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    employment_type = models.CharField(
        max_length=20, choices=EmploymentType.choices, default=EmploymentType.PERMANENT
    )
    started_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    external_id = models.CharField(
        max_length=64, blank=True, help_text="The agency's own id, such as an HR number."
    )
    registration_number = models.CharField(
        max_length=64, blank=True, help_text="Professional registration (GMC, NMC, SWE...)."
    )
    # The person's sign-in account, when they have one.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    # Set when a coordinator merged this record into another; kept for history.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    # When the leaving took effect in the records: at once for a day already come, else the
    # daily ``mark-leavers`` job on the day (people.services.people.mark_due_leavers).
    leaving_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "external_id"],
                condition=~Q(external_id=""),
                name="person_unique_external_id_in_agency",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(left_on__gte=F("started_on")),
                name="person_leaves_after_starting",
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "agency", "left_on"]),
            models.Index(Lower("work_email"), name="person_work_email_ci"),
            models.Index(fields=["partnership", "registration_number"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    def is_current(self, today: datetime.date | None = None) -> bool:
        return self.left_on is None or self.left_on > (today or timezone.localdate())

    def clean(self) -> None:
        if self.left_on and self.started_on and self.left_on < self.started_on:
            raise ValidationError(
                {"left_on": "The leaving date must be on or after the start date."}
            )
        service = self.service
        if service is not None and self.agency_id and service.agency_id != self.agency_id:
            raise ValidationError({"service": "Choose a service of the person's own agency."})


class PostQuerySet(PartnershipScopedQuerySet):
    def current(self, today: datetime.date | None = None) -> "PostQuerySet":
        """Posts not yet ended, by the same rule as people (``current_on``)."""
        return self.filter(current_on(today or timezone.localdate()))


class Post(PartnershipOwned):
    """A further post a person holds besides their main one (the ``Person``'s own fields).

    HR systems export one row per post; the first is the person's main post, the
    others are kept here so their roles' training counts too (decision 0015).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="posts")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="posts")
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    role = models.ForeignKey(
        "catalogue.Role", on_delete=models.PROTECT, null=True, blank=True, related_name="posts"
    )
    job_title = models.CharField(max_length=150, blank=True)
    line_manager = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="post_reports"
    )
    employment_type = models.CharField(
        max_length=20, choices=EmploymentType.choices, default=EmploymentType.PERMANENT
    )
    started_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(left_on__gte=F("started_on")),
                name="post_ends_after_starting",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "person", "left_on"])]

    def __str__(self) -> str:
        return f"{self.person}: {self.title}"

    @property
    def title(self) -> str:
        """What the post is called: its job title, else its role, else its agency."""
        return self.job_title or str(self.role or self.agency)

    def is_current(self, today: datetime.date | None = None) -> bool:
        return self.left_on is None or self.left_on > (today or timezone.localdate())

    def clean(self) -> None:
        if self.left_on and self.started_on and self.left_on < self.started_on:
            raise ValidationError(
                {"left_on": "The leaving date must be on or after the start date."}
            )
        service = self.service
        if service is not None and self.agency_id and service.agency_id != self.agency_id:
            raise ValidationError({"service": "Choose a service of the post's own agency."})


class Headcount(PartnershipOwned):
    """Staff numbers for an agency that will not give named lists."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="headcounts")
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="headcounts"
    )
    role = models.ForeignKey(
        "catalogue.Role", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tier = models.ForeignKey(
        "catalogue.Tier", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    count = models.PositiveIntegerField(validators=PEOPLE.validators())
    as_of = models.DateField(help_text="The date the figure describes.")
    source = models.CharField(max_length=200, help_text="Where the figure came from.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency__name", "-as_of"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__isnull=False) | Q(tier__isnull=False),
                name="headcount_counts_a_role_or_tier",
            ),
            PEOPLE.constraint("count", "headcount_count_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.count} ({self.as_of})"


class PlannedPlaces(PartnershipOwned):
    """Places the partnership offers or plans on a course in a year (until sessions exist)."""

    course = models.ForeignKey("catalogue.Course", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(validators=YEAR.validators())
    places = models.PositiveIntegerField(validators=PEOPLE.validators())

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "course", "year"], name="planned_places_unique"
            ),
            YEAR.constraint("year", "planned_places_year_in_range"),
            PEOPLE.constraint("places", "planned_places_places_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.places} places in {self.year}"


class SurveyRequest(PartnershipOwned):
    """The mapping survey sent to one agency: a private link to a form its lead fills in."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        REPLIED = "replied", "Replied"
        ACCEPTED = "accepted", "Accepted"

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="survey_requests")
    sent_to = models.EmailField()
    # The link carries a random token; only its hash is stored.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    sent_at = models.DateTimeField(auto_now_add=True)
    chased_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The lead's return: [{"service": "...", "role_id": 1 | null, "tier_id": 2 | null,
    # "count": 12}], held until the coordinator accepts it into services and headcounts.
    reply = models.JSONField(default=list, blank=True)
    respondent_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["agency__name", "-sent_at"]

    def __str__(self) -> str:
        return f"Survey for {self.agency} ({self.get_status_display()})"


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
    # (services.import_runs.reap_stale_people_imports). Each run counts one attempt, and
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
