"""Official statistics per local authority: reference data, the same for every partnership.

Figures are kept under the code and name they were published with; a code
that changed (a reorganisation) is bridged when figures are read, never by
rewriting what was published. A suppressed or missing figure is NULL: "not
available", never 0.
"""

from django.db import models

from interagency.core.validation import PEOPLE, YEAR

GSS_CODE_LENGTH = 9


class Authority(models.Model):
    """A local authority of the ONS lower-tier to upper-tier lookup, and its upper tier."""

    gss_code = models.CharField(max_length=GSS_CODE_LENGTH, unique=True)
    name = models.CharField(max_length=200)
    # Children's services are run by the upper tier (a county or a unitary authority).
    upper_tier_code = models.CharField(max_length=GSS_CODE_LENGTH)
    upper_tier_name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "authorities"

    def __str__(self) -> str:
        return f"{self.name} ({self.gss_code})"


class AuthorityChange(models.Model):
    """An upper-tier authority's code that a reorganisation replaced."""

    class Kind(models.TextChoices):
        RENAMED = "renamed", "The same area under a new code"
        SPLIT = "split", "The old area is the new ones together"

    old_code = models.CharField(max_length=GSS_CODE_LENGTH)
    old_name = models.CharField(max_length=200)
    new_code = models.CharField(max_length=GSS_CODE_LENGTH)
    new_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["old_code", "new_code"], name="authority_change_once")
        ]
        ordering = ["old_code", "new_code"]

    def __str__(self) -> str:
        return f"{self.old_name} ({self.old_code}) → {self.new_name} ({self.new_code})"


class AuthorityFigure(models.Model):
    """What every yearly figure of one authority holds."""

    gss_code = models.CharField(max_length=GSS_CODE_LENGTH)
    name = models.CharField(max_length=200, help_text="As published that year.")
    year = models.PositiveSmallIntegerField(validators=YEAR.validators())

    class Meta:
        abstract = True
        ordering = ["gss_code", "year"]

    def __str__(self) -> str:
        return f"{self.name} ({self.gss_code}), {self.year}"


class ChildrenInNeed(AuthorityFigure):
    """Children in need of one authority in the year ending 31 March of ``year`` (DfE)."""

    at_31_march = models.PositiveIntegerField(null=True, validators=PEOPLE.validators())
    during_year = models.PositiveIntegerField(
        null=True, validators=PEOPLE.validators(), help_text="At any point in the year."
    )

    class Meta(AuthorityFigure.Meta):
        verbose_name_plural = "children in need"
        constraints = [
            models.UniqueConstraint(fields=["gss_code", "year"], name="children_in_need_once"),
            PEOPLE.constraint(
                "at_31_march", "children_in_need_at_31_march_in_range", nullable=True
            ),
            PEOPLE.constraint(
                "during_year", "children_in_need_during_year_in_range", nullable=True
            ),
        ]


class ChildPopulation(AuthorityFigure):
    """Children aged 0 to 17 of one authority at mid-year ``year`` (ONS estimate)."""

    aged_0_to_17 = models.PositiveIntegerField(null=True, validators=PEOPLE.validators())

    class Meta(AuthorityFigure.Meta):
        constraints = [
            models.UniqueConstraint(fields=["gss_code", "year"], name="child_population_once"),
            PEOPLE.constraint("aged_0_to_17", "child_population_in_range", nullable=True),
        ]
