"""Training records: the courses a person has completed, and where each record came from.

One :class:`TrainingRecord` per completion, from one of four sources: a closed
register (``session``), a file of e-learning completions a coordinator imported
(``elearning``, :class:`RecordImport`), a learner's :class:`Declaration` of
training done elsewhere once approved (``external``), or a record moved from
another partnership with the person's :class:`RecordShare` code (``moved``).
Each record keeps the framework version, tier and level it counts under, as
they were when it was recorded, and whether the training was inter-agency.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from interagency.core.dates import govuk_date
from interagency.core.validation import HOURS
from interagency.records.evidence import evidence_path, evidence_storage
from interagency.tenancy.models import PartnershipOwned


class TrainingRecord(PartnershipOwned):
    class Source(models.TextChoices):
        SESSION = "session", "Attended a session"
        EXTERNAL = "external", "Recorded from elsewhere"
        ELEARNING = "elearning", "E-learning"
        MOVED = "moved", "Moved from another partnership"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="training")
    course = models.ForeignKey("catalogue.Course", on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=1, validators=HOURS.validators())
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SESSION)
    # What the record counts under, as the course stood when it was recorded.
    framework = models.ForeignKey(
        "catalogue.CompetenceFramework",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    tier = models.ForeignKey(
        "catalogue.Tier", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    # Inter-agency (people of several agencies trained together) or single-agency.
    inter_agency = models.BooleanField(default=True)
    # Set when the record came from closing a register; one record per booking.
    booking = models.OneToOneField(
        "delivery.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_record",
    )
    declaration = models.OneToOneField(
        "records.Declaration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_record",
    )
    record_import = models.ForeignKey(
        "records.RecordImport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
    )
    # A moved record: the partnership it came from, and the provenance in words.
    moved_from = models.ForeignKey(
        "tenancy.Partnership", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provenance = models.CharField(max_length=300, blank=True)
    partly_completed = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="session") | Q(booking__isnull=False),
                name="training_record_session_has_booking",
            ),
            models.CheckConstraint(
                condition=~Q(source="moved") | Q(moved_from__isnull=False),
                name="training_record_moved_has_origin",
            ),
            models.UniqueConstraint(
                fields=["person", "course", "completed_on"],
                condition=Q(source="elearning"),
                name="training_record_one_elearning_completion",
            ),
            HOURS.constraint("hours", "training_record_hours_in_range"),
        ]
        indexes = [models.Index(fields=["person", "course", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.person}: {self.course} on {govuk_date(self.completed_on)}"


class Declaration(PartnershipOwned):
    """A learner's word that they did a course elsewhere, with a certificate as evidence.

    A line manager or coordinator approves it (which writes an ``external``
    training record) or rejects it with a reason; both are audited.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="declarations"
    )
    # The catalogue course declared. For training described in words (``external_title``),
    # the course whoever approved it decided it counts as; empty while it awaits a decision
    # and when it was decided to count as no course.
    course = models.ForeignKey(
        "catalogue.Course", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    external_title = models.CharField(
        max_length=200, blank=True, help_text="The training's name, when not a catalogue course."
    )
    completed_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=1, validators=HOURS.validators())
    provider = models.CharField(max_length=200, help_text="Who ran the training, and where.")
    inter_agency = models.BooleanField(default=False)
    evidence = models.FileField(storage=evidence_storage, upload_to=evidence_path, max_length=200)
    evidence_name = models.CharField(max_length=150)
    evidence_type = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "course", "completed_on"],
                condition=Q(status="pending"),
                name="declaration_one_pending_per_completion",
            ),
            HOURS.constraint("hours", "declaration_hours_in_range"),
            models.CheckConstraint(
                condition=Q(course__isnull=False) | ~Q(external_title=""),
                name="declaration_names_its_training",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "status"])]

    def __str__(self) -> str:
        return f"{self.person}: {self.training_title} on {govuk_date(self.completed_on)}"

    @property
    def training_title(self) -> str:
        """What the learner declared: the training's own name, else the course's."""
        return self.external_title or str(self.course)

    @property
    def is_described(self) -> bool:
        """Training described in words, not chosen from the catalogue."""
        return bool(self.external_title)


class RecordImport(PartnershipOwned):
    """A file of e-learning completions: previewed, then applied once when confirmed."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        APPLIED = "applied", "Applied"

    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    already_recorded = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name


class RecordShare(PartnershipOwned):
    """A code a person gives another partnership so it can take their records with them.

    Only a digest of the code is kept; the code is shown once, when it is made.
    The receiving coordinator needs the person's work email and the code.
    """

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    code_digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        "tenancy.Partnership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Share of {self.person}'s records"


class ComplianceStanding(PartnershipOwned):
    """A person's worst status (its rank in ``STATUS_ORDER``) on ``as_of``, stored so the
    partnership's compliance reads one row a person instead of ranking their courses.

    Written only by ``services.standings``; database triggers (``staleness.py``) delete
    a person's row whenever their records, bookings, sessions booked, person row or posts
    change, so a row present for today is exact. Decision 0035.
    """

    person = models.OneToOneField(
        "people.Person",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="compliance_standing",
    )
    as_of = models.DateField()
    rank = models.PositiveSmallIntegerField()
    # The person's latest completion of anything in the partnership: participation.
    last_trained_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["partnership", "as_of"])]


class StandingCourses(PartnershipOwned):
    """How many of a person's required courses of one tier are in one status (its rank in
    ``STATUS_ORDER``) on the day of their standing: the training status page's and My
    team's course counts, summed instead of ranked.

    Written with the standing, in the same transaction (``services.standings``), and read
    only through a standing held for the day: the triggers delete the standing, not
    these rows, so a person whose standing is gone is ranked live. ``tier`` is empty for
    the hours-based row. Decision 0035.
    """

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    tier = models.ForeignKey(
        "catalogue.Tier", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    rank = models.PositiveSmallIntegerField()
    courses = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["person", "rank"])]


class ComplianceRefresh(PartnershipOwned):
    """The partnership's last refresh of its standings: the day they hold for and a
    fingerprint of the rules (pathways, equivalences, hours) they were ranked under."""

    as_of = models.DateField()
    rules = models.CharField(max_length=64)
    # The people that refresh ranked (everyone current, or those whose rows were stale).
    people = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership"], name="compliance_refresh_one")
        ]


class YearEndRefresh(PartnershipOwned):
    """A partnership's compliance counted as at a financial year's end (31 March), stored
    beside today's standings so a closed year is not ranked live on every request.

    Present only while exact: triggers (``year_end.py``) delete it when a row naming one
    of the partnership's people changes; ``rules`` is the fingerprint of the catalogue
    rules it was counted under, as ``ComplianceRefresh``'s. Decision 0036.
    """

    year_end = models.DateField()
    rules = models.CharField(max_length=64)
    people = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "year_end"], name="year_end_refresh_one_a_year"
            )
        ]


class YearEndCount(PartnershipOwned):
    """How many of the partnership's people of one agency and main role had one worst status
    at a year's end, and how many of them had trained in the twelve months to it: counts
    only, no person. Read only while its ``YearEndRefresh`` is present. Decision 0036."""

    year_end = models.DateField()
    agency = models.ForeignKey("people.Agency", on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey(
        "catalogue.Role", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    rank = models.PositiveSmallIntegerField()
    people = models.PositiveIntegerField()
    trained = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["partnership", "year_end"])]
