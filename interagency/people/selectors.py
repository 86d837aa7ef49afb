"""Every read of the people app, scoped to one partnership and optimised.

Sections belong to topics (agencies and people, imports, the mapping survey,
training needs). Lists of named people start from visibility.visible_people.
"""

from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from interagency.people.headcount_selectors import (  # noqa: F401 - the one place to read from
    headcount_in,
    latest_headcounts,
    survey_agencies,
    survey_for_token,
    survey_in,
    survey_statuses,
)
from interagency.people.models import Agency, PeopleImport, Person, Post, Service, current_on
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _AnyUser, _User
# Agencies and people ------------------------------------------------------------------
# Lookups by id raise DoesNotExist for another partnership's rows, so views answer 404.


def agencies_of(partnership: Partnership) -> QuerySet[Any]:
    """The partnership's agencies with their lead, services and current people (subqueries:
    counting both over one join multiplied every agency's people by its services)."""
    people = Person.objects.for_partnership(partnership).filter(
        current_on(timezone.localdate()), merged_into__isnull=True
    )
    services = Service.objects.for_partnership(partnership)
    return (
        Agency.objects.for_partnership(partnership)
        .select_related("lead", "parent")
        .annotate(current_people=per_agency(people), service_count=per_agency(services))
        .order_by("name")
    )


def per_agency(rows: Any) -> Coalesce:
    rows = rows.filter(agency=OuterRef("pk")).order_by().values("agency")
    return Coalesce(Subquery(rows.annotate(number=Count("pk")).values("number")), 0)


def agencies_named(agencies: QuerySet[Agency], text: str) -> QuerySet[Agency]:
    """``agencies`` whose name or code holds ``text`` (all of them for no text)."""
    text = text.strip()
    if not text:
        return agencies
    return agencies.filter(Q(name__icontains=text) | Q(code__iexact=text))


def agency_choices(partnership: Partnership) -> QuerySet[Agency]:
    """The partnership's agencies by name, for a form's choices, without ``agencies_of``'s
    counts (seconds at 80,000 people for a list of names)."""
    return Agency.objects.for_partnership(partnership).order_by("name")


def agency_in(partnership: Partnership, pk: int) -> Agency:
    """One agency of the partnership with its services; raises DoesNotExist otherwise."""
    return (
        Agency.objects.for_partnership(partnership)
        .select_related("lead", "parent")
        .prefetch_related("services")
        .get(pk=pk)
    )


def agencies_led_by(partnership: Partnership, user: "_User") -> QuerySet[Agency]:
    """The agencies of the partnership whose lead is ``user``."""
    return Agency.objects.for_partnership(partnership).filter(lead=user).order_by("name")


def services_of(partnership: Partnership) -> QuerySet[Service]:
    """Every service of the partnership's agencies, by agency then name."""
    return Service.objects.for_partnership(partnership).select_related("agency")


def people_counts_by_agency(people: QuerySet[Person]) -> list[dict[str, Any]]:
    """Current and left counts of ``people`` (already visible-filtered) per agency and sector;
    a leaving date still to come counts as current."""
    today = timezone.localdate()
    rows = (
        people.values("agency_id", "agency__name", "agency__sector")
        .annotate(
            current=Count("pk", filter=current_on(today)),
            left=Count("pk", filter=~current_on(today)),
        )
        .order_by("agency__name")
    )
    return [dict(row) for row in rows]


def people_counts_by_service(people: QuerySet[Person]) -> dict[int | None, int]:
    """Current people of ``people`` per service id (None for no service)."""
    return {
        row["service_id"]: row["count"]
        for row in people.filter(current_on(timezone.localdate()))
        .values("service_id")
        .annotate(count=Count("pk"))
        .order_by()
    }


def search_people(
    people: QuerySet[Person],
    *,
    agency: Agency | None = None,
    service: Service | None = None,
    role: Any = None,
    employment_type: str = "",
    status: str = "current",
    search: str = "",
) -> QuerySet[Person]:
    """``people`` (already visible-filtered) narrowed by the people list's filters."""
    if agency is not None:
        people = people.filter(agency=agency)
    if service is not None:
        people = people.filter(service=service)
    if role is not None:
        people = people.filter(role=role)
    if employment_type:
        people = people.filter(employment_type=employment_type)
    if status == "current":  # a leaving date still to come: current until that day
        people = people.filter(current_on(timezone.localdate()))
    elif status == "left":
        people = people.exclude(current_on(timezone.localdate()))
    people = people_matching(people, search)
    return people.select_related("agency", "service", "role").order_by("full_name", "pk")


def people_matching(people: QuerySet[Person], text: str) -> QuerySet[Person]:
    """``people`` whose name or work email has a word beginning with each word of ``text``.

    The one people search (the people list and API, the line manager search,
    booking people from a team), answered by the search index on either
    database (``search_index``): "jo smi" finds Jo Smith and Joanne Smithers.
    Text with no letters or digits narrows nothing; any length is answered.
    """
    from django.db import connections
    from django.db.models import F, Func, TextField
    from django.db.models.expressions import RawSQL

    from interagency.people import search_index

    words = search_index.search_words(text)
    if not words:
        return people
    vendor = connections[people.db].vendor
    if vendor == "sqlite":
        # A constant statement; the words travel as a parameter.
        matching = RawSQL(search_index.SQLITE_MATCHING_IDS, [search_index.sqlite_match(words)])  # noqa: S611
        return people.filter(pk__in=matching)
    if vendor == "postgresql":
        # The indexed expression, exactly: LOWER(full_name || ' ' || work_email).
        people = people.alias(
            search_text=Func(
                F("full_name"),
                F("work_email"),
                template="LOWER(%(expressions)s)",
                arg_joiner=" || ' ' || ",
                output_field=TextField(),
            )
        )
        for word in words:
            people = people.filter(
                search_text__contains=word,
                search_text__regex=search_index.postgres_word_start(word),
            )
        return people
    for word in words:  # another database: the same words, without an index
        people = people.filter(Q(full_name__icontains=word) | Q(work_email__icontains=word))
    return people


def person_detail(people: QuerySet[Person], pk: int) -> Person:
    """One person of ``people`` (already visible-filtered) with what their page shows."""
    return people.select_related(
        "agency__lead", "service", "role__tier", "line_manager", "user"
    ).get(pk=pk)


def posts_of(partnership: Partnership, person: Person) -> QuerySet[Post]:
    """The person's further posts (not their main one), current first, then by start date."""
    return (
        Post.objects.for_partnership(partnership)
        .filter(person=person)
        .select_related("agency", "service", "role", "line_manager")
        .order_by("left_on", "started_on", "pk")
    )


def post_in(partnership: Partnership, person: Person, pk: int) -> Post:
    """One further post of ``person``; raises DoesNotExist for anyone else's."""
    return posts_of(partnership, person).get(pk=pk)


def current_post_roles(
    partnership: Partnership, people: QuerySet[Person], day: date
) -> dict[int, list[dict[str, Any]]]:
    """The roles of each person's further posts current on ``day`` (one query).

    Each person of ``people`` with such a post maps to rows of ``role_id``,
    ``role__name`` and the post's ``started_on``; posts without a role are left out.
    """
    rows = (
        Post.objects.for_partnership(partnership)
        .filter(current_on(day), person__in=people.values("pk"), role__isnull=False)
        .values("person_id", "role_id", "role__name", "started_on")
        .order_by("person_id", "started_on", "pk")
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["person_id"], []).append(row)
    return found


def agency_lead_candidates(partnership: Partnership) -> QuerySet[Any]:
    """Members holding the agency lead role: the accounts an agency's lead may be."""
    from django.contrib.auth import get_user_model

    from interagency.core.permissions import Role

    return (
        get_user_model()
        .objects.filter(memberships__partnership=partnership, memberships__role=Role.AGENCY_LEAD)
        .distinct()
        .order_by("email")
    )


# Duplicates ---------------------------------------------------------------------------
#
# The same person in two agencies' lists: one work email (compared without case)
# or one professional registration number. Merged records are history and never
# grouped. A page of groups costs a fixed number of queries whatever the number of
# people: the groups' keys (the shared emails and the shared numbers, one query,
# paged in the database, plus its count), then the people holding the page's keys.


def _unmerged_people(partnership: Partnership) -> QuerySet[Person]:
    return Person.objects.for_partnership(partnership).filter(merged_into__isnull=True)


def duplicate_keys(partnership: Partnership) -> QuerySet[Any]:
    """``(kind, key)`` of every group of unmerged people sharing a work email ("email",
    lower-cased) or a registration number ("registration"), by kind then key; one query,
    to be paged (slicing and ``count()`` stay in the database)."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Lower

    people = _unmerged_people(partnership)
    emails = (
        people.exclude(work_email="")
        .annotate(kind=Value("email", output_field=CharField()), key=Lower("work_email"))
        .values("kind", "key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("kind", "key")
        .order_by()
    )
    numbers = (
        people.exclude(registration_number="")
        .annotate(
            kind=Value("registration", output_field=CharField()), key=F("registration_number")
        )
        .values("kind", "key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("kind", "key")
        .order_by()
    )
    return emails.union(numbers, all=True).order_by("kind", "key")


def duplicate_groups_of(
    partnership: Partnership, keys: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    """The groups of ``keys`` (from ``duplicate_keys``), in that order, in one query.

    Each group is ``{"kind": "email" | "registration", "key": ..., "people": [...]}``,
    its people ordered by name; a person may appear in an email group and a
    registration group.
    """
    from django.db.models.functions import Lower

    emails = [key for kind, key in keys if kind == "email"]
    numbers = [key for kind, key in keys if kind == "registration"]
    if not emails and not numbers:
        return []
    members = (
        _unmerged_people(partnership)
        .annotate(email_key=Lower("work_email"))
        .filter(Q(email_key__in=emails) | Q(registration_number__in=numbers))
        .select_related("agency", "service", "role", "user")
        .order_by("full_name", "pk")
    )
    groups: dict[tuple[str, str], list[Person]] = {(kind, key): [] for kind, key in keys}
    for person in members:
        if ("email", person.email_key) in groups:
            groups[("email", person.email_key)].append(person)
        if ("registration", person.registration_number) in groups:
            groups[("registration", person.registration_number)].append(person)
    return [
        {"kind": kind, "key": key, "people": people}
        for (kind, key), people in groups.items()
        if people
    ]


def duplicate_groups(partnership: Partnership) -> list[dict[str, Any]]:
    """Every group of duplicates (``duplicate_groups_of`` for all ``duplicate_keys``)."""
    return duplicate_groups_of(partnership, list(duplicate_keys(partnership)))


def duplicates_of(partnership: Partnership, pk: int) -> list[Person]:
    """The unmerged person ``pk`` and everyone sharing their email or registration number.

    Raises DoesNotExist for another partnership's person or a merged one; a
    person with no duplicates gives a list of one.
    """
    from django.db.models.functions import Lower

    people = _unmerged_people(partnership)
    person = people.get(pk=pk)
    same = Q(pk=person.pk)
    if person.work_email:
        same |= Q(email_key=person.work_email.lower())
    if person.registration_number:
        same |= Q(registration_number=person.registration_number)
    return list(
        people.annotate(email_key=Lower("work_email"))
        .filter(same)
        .select_related("agency", "service", "role", "user")
        .order_by("full_name", "pk")
    )


# Headcounts and survey ----------------------------------------------------------------
#
# Lookups by id raise DoesNotExist for another partnership's rows, so views
# answer 404. The one read not scoped by partnership is the survey link's:
# the token is the credential, and it names exactly one request.


# The headcount and survey reads live in headcount_selectors (re-exported above).


# Imports ------------------------------------------------------------------------------
#
# Coordinators import for any agency of the partnership; agency leads only for
# the agencies they lead. Another agency's import raises DoesNotExist (404).


def import_agencies(
    partnership: Partnership, user: "_AnyUser | None", roles: Collection[str]
) -> QuerySet[Agency]:
    """The agencies whose staff lists ``user`` holding ``roles`` may import."""
    from interagency.core.permissions import Role

    agencies = Agency.objects.for_partnership(partnership).order_by("name")
    if Role.COORDINATOR in roles:
        return agencies
    if Role.AGENCY_LEAD in roles and user is not None and user.is_authenticated:
        return agencies.filter(lead=user)
    return agencies.none()


def people_imports(
    partnership: Partnership, user: "_AnyUser | None", roles: Collection[str]
) -> QuerySet[Any]:
    """Imports of the agencies ``user`` may import for, and those across agencies they started
    (a coordinator sees every one), newest first (the file deferred)."""
    from django.db.models import Q

    from interagency.core.permissions import Role
    from interagency.people.models import PeopleImport

    across_agencies = Q(agency__isnull=True)
    if Role.COORDINATOR not in roles:
        across_agencies &= Q(uploaded_by=user) if user and user.is_authenticated else Q(pk=None)
    return (
        PeopleImport.objects.for_partnership(partnership)
        .filter(Q(agency__in=import_agencies(partnership, user, roles)) | across_agencies)
        .select_related("agency", "uploaded_by")
        .defer("content", "plan", "rejected_rows")
        .order_by("-uploaded_at", "-pk")
    )


def people_import_in(
    partnership: Partnership,
    user: "_AnyUser | None",
    roles: Collection[str],
    pk: int,
    *,
    with_content: bool = False,
) -> PeopleImport:
    """One import ``user`` may see; raises DoesNotExist for any other (so views answer 404)."""
    imports = people_imports(partnership, user, roles)
    if with_content:
        imports = imports.defer(None).select_related("agency", "uploaded_by")
    return imports.get(pk=pk)


def column_mapping_of(agency: Agency) -> dict[str, str]:
    """The columns remembered from the agency's last import ({field: header}), or {}."""
    from interagency.people.models import ColumnMapping

    mapping = (
        ColumnMapping.objects.for_partnership(agency.partnership)
        .filter(agency=agency)
        .values_list("columns", flat=True)
        .first()
    )
    return dict(mapping or {})


def import_required_fields(partnership: Partnership) -> frozenset[str]:
    """What every row of the partnership's imports must have (``ImportSettings.Required``)."""
    from interagency.people.models import ImportSettings

    chosen = (
        ImportSettings.objects.for_partnership(partnership)
        .values_list("required_fields", flat=True)
        .first()
    )
    return frozenset(ImportSettings.DEFAULT_REQUIRED if chosen is None else chosen)
