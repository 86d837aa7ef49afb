"""Competence frameworks, their tiers and courses, and the pathway each role follows.

A framework is versioned: a new version is a new row, and records made under
an old version keep pointing at it. Frameworks are owned nationally (the
intercollegiate health framework), by a region (London's Competence
Matters) or by one partnership (an imported or home-grown framework).
A partnership *adopts* frameworks and tailors them (``CourseTailoring``:
hide a course, rename it, change its local duration) and may add local
courses (``Course.local_to``) with the same structure.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Lower

from interagency.core.validation import COURSE_HOURS, HOURS, MONTHS, ORDER
from interagency.tenancy.models import Partnership, PartnershipOwned, Region


class DeliveryMode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    VIRTUAL_CLASSROOM = "virtual_classroom", "Virtual classroom"
    E_LEARNING = "e_learning", "E-learning"
    MODULAR_TWILIGHT = "modular_twilight", "Modular twilight or lunchtime sessions"


class CompetenceFramework(models.Model):
    class Owner(models.TextChoices):
        NATIONAL = "national", "National"
        REGIONAL = "regional", "Regional"
        PARTNERSHIP = "partnership", "One partnership"

    slug = models.SlugField(max_length=60)
    version = models.CharField(max_length=60, default="1")
    name = models.CharField(max_length=200)
    owner = models.CharField(max_length=12, choices=Owner.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="frameworks"
    )
    owner_partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="owned_frameworks",
    )
    source = models.CharField(max_length=300, blank=True)
    # Refresher period for hour-based frameworks (the intercollegiate: 36 months).
    period_months = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=MONTHS.validators()
    )
    # The framework's own questions that place a person in a tier:
    # [{"text": "...", "tier": "B"}], asked from the highest tier down.
    questions = models.JSONField(default=list, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                F("slug"),
                F("version"),
                Coalesce("owner_partnership", 0),
                name="framework_unique_version_per_owner",
            ),
            models.CheckConstraint(
                condition=Q(owner="partnership", owner_partnership__isnull=False)
                | (~Q(owner="partnership") & Q(owner_partnership__isnull=True)),
                name="framework_partnership_owner_consistent",
            ),
            MONTHS.constraint("period_months", "framework_period_months_in_range", nullable=True),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class Tier(models.Model):
    """A level of the framework: Group A, B, C; Level 1 to 5 for health staff."""

    framework = models.ForeignKey(
        CompetenceFramework, on_delete=models.CASCADE, related_name="tiers"
    )
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(validators=ORDER.validators())
    audience = models.TextField(blank=True, help_text="Who this tier is for.")
    outcomes = models.JSONField(default=list, blank=True)
    example_roles = models.JSONField(default=list, blank=True)
    hours_per_period = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, validators=HOURS.validators()
    )
    hours_per_period_max = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, validators=HOURS.validators()
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="tier_unique_code"),
            ORDER.constraint("order", "tier_order_in_range"),
            HOURS.constraint("hours_per_period", "tier_hours_in_range", nullable=True),
            HOURS.constraint("hours_per_period_max", "tier_hours_max_in_range", nullable=True),
        ]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    class Category(models.TextChoices):
        INTRODUCTION = "introduction", "Introduction"
        CORE = "core", "Core"
        SPECIALIST = "specialist", "Specialist"

    class Level(models.IntegerChoices):
        ONE = 1, "Level 1"
        TWO = 2, "Level 2"

    framework = models.ForeignKey(
        CompetenceFramework, on_delete=models.CASCADE, related_name="courses"
    )
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="courses")
    # Set for a course one partnership added to an adopted framework.
    local_to = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=12, choices=Category.choices)
    level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    duration_hours = models.DecimalField(
        max_digits=5, decimal_places=1, validators=COURSE_HOURS.validators()
    )
    duration_is_minimum = models.BooleanField(default=False)
    duration_text = models.CharField(max_length=60, blank=True, help_text="As the source says it.")
    aims = models.TextField(blank=True)
    outcomes = models.JSONField(default=list, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="courses")
    delivery_modes = models.JSONField(default=list, blank=True)
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_for"
    )
    prerequisite_note = models.CharField(max_length=200, blank=True)
    refresh_months = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=MONTHS.validators()
    )

    class Meta:
        ordering = ["tier__order", "category", "title", "level"]
        constraints = [
            COURSE_HOURS.constraint("duration_hours", "course_duration_hours_in_range"),
            MONTHS.constraint("refresh_months", "course_refresh_months_in_range", nullable=True),
            models.UniqueConstraint(
                F("framework"),
                F("tier"),
                Lower("title"),
                Coalesce("level", 0),
                Coalesce("local_to", 0),
                name="course_unique_title_level_in_tier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} – Level {self.level}" if self.level else self.title

    def clean(self) -> None:
        if self.tier_id and self.framework_id and self.tier.framework_id != self.framework_id:
            raise ValidationError({"tier": "Choose a tier of the course's own framework."})
        unknown = set(self.delivery_modes or []) - set(DeliveryMode.values)
        if unknown:
            raise ValidationError({"delivery_modes": f"Unknown delivery mode: {sorted(unknown)}"})


class Role(models.Model):
    """A job as the framework names it (General Practitioner, Children's Social Worker)."""

    framework = models.ForeignKey(
        CompetenceFramework, on_delete=models.CASCADE, related_name="roles"
    )
    local_to = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=150)
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="roles")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["tier__order", "name"]
        constraints = [
            models.UniqueConstraint(
                F("framework"),
                Lower("name"),
                Coalesce("local_to", 0),
                name="role_unique_name_in_framework",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Pathway(models.Model):
    """What a role must and should complete, and how often to refresh."""

    role = models.OneToOneField(Role, on_delete=models.CASCADE, related_name="pathway")
    window_months = models.PositiveSmallIntegerField(
        default=24,
        validators=MONTHS.validators(),
        help_text="Months from starting the role to complete the pathway.",
    )
    # Hour-based frameworks: learning hours per period (e.g. 6 hours every 36 months).
    hours_per_period = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, validators=HOURS.validators()
    )
    period_months = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=MONTHS.validators()
    )
    # Whether courses of the adjoining tiers may count towards this pathway.
    adjoining_tiers_allowed = models.BooleanField(default=True)
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [
            MONTHS.constraint("window_months", "pathway_window_months_in_range"),
            HOURS.constraint("hours_per_period", "pathway_hours_in_range", nullable=True),
            MONTHS.constraint("period_months", "pathway_period_months_in_range", nullable=True),
        ]

    def __str__(self) -> str:
        return f"Pathway for {self.role}"


class PathwayItem(models.Model):
    class Kind(models.TextChoices):
        REQUIRED = "required", "Required"
        RECOMMENDED = "recommended", "Recommended"

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="items")
    # Null while the name the source used matches no course: shown, never dropped.
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, null=True, blank=True, related_name="pathway_items"
    )
    named_as = models.CharField(max_length=200, help_text="The name the source used.")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.REQUIRED)
    repeat_every_months = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=MONTHS.validators()
    )
    order = models.PositiveSmallIntegerField(default=0, validators=ORDER.validators())

    class Meta:
        ordering = ["pathway", "kind", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "course"],
                condition=Q(course__isnull=False),
                name="pathway_item_unique_course",
            ),
            MONTHS.constraint(
                "repeat_every_months", "pathway_item_repeat_months_in_range", nullable=True
            ),
            ORDER.constraint("order", "pathway_item_order_in_range"),
        ]

    def __str__(self) -> str:
        return str(self.course) if self.course_id else f"{self.named_as} (not in the catalogue)"


class Equivalence(models.Model):
    """Course X, or external training Y, counts for course Z.

    The framework's own (``partnership`` empty) hold for every partnership that
    adopts it; a coordinator's hold for their partnership alone.
    """

    counts_for = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="equivalences")
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    external_training = models.CharField(max_length=200, blank=True)
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(course__isnull=False) | ~Q(external_training=""),
                name="equivalence_names_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course or self.external_training} counts for {self.counts_for}"


class Adoption(PartnershipOwned):
    """A partnership runs its programme on this framework version."""

    framework = models.ForeignKey(
        CompetenceFramework, on_delete=models.PROTECT, related_name="adoptions"
    )
    adopted_at = models.DateTimeField(auto_now_add=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "framework"], name="adoption_unique_framework"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} adopts {self.framework}"


class CourseTailoring(PartnershipOwned):
    """A partnership's local changes to a framework course."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="tailorings")
    hidden = models.BooleanField(default=False, help_text="The partnership does not run it.")
    local_title = models.CharField(max_length=200, blank=True)
    local_duration_hours = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, validators=HOURS.validators()
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "course"], name="tailoring_unique_course"
            ),
            HOURS.constraint(
                "local_duration_hours", "tailoring_duration_hours_in_range", nullable=True
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.course}"
