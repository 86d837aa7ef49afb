"""Writing a checked plan: new services, new people, updates, line managers, leavers.

Creating people is most of an import's writing. Django's ``bulk_create``
builds a model instance and compiles every value of every row (about 0.2 ms
a row: 20 s for 100,000 people), so new people are inserted by one
parameterised INSERT run by ``executemany`` per batch (``COPY`` on
PostgreSQL), with values prepared by the model's own fields. Rows are
prepared before the write transaction begins (:func:`prepare_writes`); inside
it only the ids of new services and new line managers are filled in, so
SQLite's write lock is held for the SQL alone. The caller owns the
transaction (``services.imports.apply.run_people_import``), so an import is
applied whole or not at all.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Field, Q
from django.utils import timezone

from interagency.core.errors import ServiceError
from interagency.people.importing.checking import PERSON_FIELDS, Plan
from interagency.people.importing.confirming import is_new_role, new_role_marker
from interagency.people.importing.posts import POST_FIELDS
from interagency.people.models import Agency, Person, Post, Service

BATCH_SIZE = 1000

# The Person columns an import inserts, in order; the others take their NULL default.
INSERT_FIELDS = (
    "partnership",
    "agency",
    *(
        name.removesuffix("_id") if name in ("role_id", "service_id") else name
        for name in PERSON_FIELDS
    ),
    "line_manager",
    "created_at",
    "updated_at",
)
_SERVICE_AT = INSERT_FIELDS.index("service")
_ROLE_AT = INSERT_FIELDS.index("role")
_MANAGER_AT = INSERT_FIELDS.index("line_manager")


def _field(name: str) -> Field:
    return cast(Field, Person._meta.get_field(name))


@dataclass
class Writes:
    """A plan turned into rows of column values, ready for :func:`write_prepared`."""

    new_services: list[str]
    # Waves of new people (managers before their teams): (plan row, column values,
    # new service's lower-case name or "", manager's lower-case email or "").
    waves: list[list[tuple[dict, list, str, str]]]
    # Whether a wave's people manage people of a later wave (their ids are then read back).
    waves_manage: list[bool]
    updates: list[tuple[int, dict]]
    update_fields: list[str]
    leavers: list[Person]
    line_managers: list[tuple[dict, str]]
    known_emails: dict[str, int]
    post_creates: list[tuple[dict, dict]]
    post_updates: list[tuple[int, dict]]
    posts_ended: list[Post]


def _date_preparer(connection: Any) -> Callable[[datetime.date | None], object]:
    """A date as the database takes it; each day prepared once, however many rows hold it."""
    date_field = _field("started_on")
    dates: dict[datetime.date, object] = {}

    def prep_date(value: datetime.date | None) -> object:
        if value is None:
            return None
        if value not in dates:
            dates[value] = date_field.get_db_prep_save(value, connection)
        return dates[value]

    return prep_date


def _creation_order(
    creates: list[dict], manager_of: dict[int, str], known: Iterable[str]
) -> list[list[dict]]:
    """The people to create in waves: a person after the new person who manages them."""
    new_emails = {v["work_email"].lower() for v in creates if v.get("work_email")}
    will_know = set(known)
    waves = []
    pending = list(creates)
    while pending:
        ready: list[dict] = []
        waiting: list[dict] = []
        for values in pending:
            manager = manager_of.get(id(values), "")
            blocked = manager in new_emails and manager not in will_know
            (waiting if blocked else ready).append(values)
        if not ready:  # managers in a loop: create them all, then set managers by update
            ready, waiting = waiting, []
        waves.append(ready)
        will_know |= {v["work_email"].lower() for v in ready if v.get("work_email")}
        pending = waiting
    return waves


def _insert_row(
    values: dict, agency: Agency, prep_date: Callable[[Any], object], stamp: object
) -> list:
    """A new person's values in ``INSERT_FIELDS`` order, as the database takes them."""
    return [
        agency.partnership_id,
        agency.pk,
        values["full_name"],
        values.get("work_email", ""),
        values.get("job_title", ""),
        values.get("role_id"),
        values.get("service_id"),
        values["employment_type"],
        prep_date(values.get("started_on")),
        prep_date(values.get("left_on")),
        values.get("external_id", ""),
        values.get("registration_number", ""),
        None,
        stamp,
        stamp,
    ]


def _waves_manage(waves: list[list[tuple[dict, list, str, str]]]) -> list[bool]:
    """Whether a later wave names each wave's people as managers: only then are its ids
    read back."""
    manage = [False] * len(waves)
    managers_later: set[str] = set()
    for number in range(len(waves) - 1, -1, -1):
        wave = waves[number]
        emails = {values["work_email"].lower() for values, *_ in wave if values.get("work_email")}
        manage[number] = not managers_later.isdisjoint(emails)
        managers_later |= {manager for *_, manager in wave if manager}
    return manage


def prepare_writes(plan: Plan, *, agency: Agency) -> Writes:
    """Turn ``plan`` into column values; reads the agency's emails, writes nothing."""
    from django.db import connection

    now = timezone.now()
    stamp = _field("updated_at").get_db_prep_save(now, connection)
    prep_date = _date_preparer(connection)
    known = _agency_emails(agency) if plan.line_managers else {}
    manager_of = {id(values): email.lower() for values, email in plan.line_managers}
    waves = [
        [
            (
                values,
                _insert_row(values, agency, prep_date, stamp),
                values["service_name"].lower() if "service_name" in values else "",
                manager_of.get(id(values), ""),
            )
            for values in ready
        ]
        for ready in _creation_order(plan.creates, manager_of, known)
    ]
    return Writes(
        new_services=plan.new_services,
        waves=waves,
        waves_manage=_waves_manage(waves),
        updates=[(pk, values) for pk, values, _ in plan.updates],
        update_fields=sorted({name for _, _, names in plan.updates for name in names}),
        leavers=[Person(pk=pk, left_on=day, updated_at=now) for pk, day in plan.mark_left],
        line_managers=plan.line_managers,
        known_emails=known,
        post_creates=plan.post_creates,
        post_updates=plan.post_updates,
        posts_ended=[Post(pk=pk, left_on=day, updated_at=now) for pk, day in plan.posts_ended],
    )


def write_plan(plan: Plan, *, agency: Agency) -> None:
    """Carry out ``plan``. Call inside one ``transaction.atomic``; prefer preparing first."""
    role_ids = create_new_roles(plan.new_roles, partnership=agency.partnership)
    write_prepared(prepare_writes(plan, agency=agency), agency=agency, role_ids=role_ids)


def create_new_roles(new_roles: dict[str, dict], *, partnership) -> dict[str, int]:
    """Create the roles the importer chose to create (``Plan.new_roles``), once each, local to
    the partnership; ``{role marker: role id}``. Call inside the apply's one transaction, so a
    failed apply creates no role. A tier no longer of an adopted framework raises
    ServiceError (``catalogue.services.add_local_role``) and the apply writes nothing."""
    from interagency.catalogue.selectors import tiers_of
    from interagency.catalogue.services import add_local_role

    if not new_roles:
        return {}
    tiers = {tier.pk: tier for tier in tiers_of(partnership)}
    created: dict[str, int] = {}
    for key, entry in sorted(new_roles.items()):
        tier = tiers.get(entry["tier"])
        if tier is None:
            raise ServiceError(
                f"The role '{entry['name']}' cannot be created: its tier is no longer in a "
                "framework the partnership has adopted. Choose again on the preview."
            )
        role = add_local_role(
            partnership=partnership, framework=tier.framework, tier=tier, name=entry["name"]
        )
        created[new_role_marker(key)] = role.pk
    return created


def _resolve_new_roles(writes: Writes, role_ids: dict[str, int]) -> None:
    """Give the rows whose role was created by this apply its id (in place)."""
    for wave in writes.waves:
        for values, row, *_ in wave:
            if is_new_role(row[_ROLE_AT]):
                row[_ROLE_AT] = values["role_id"] = role_ids[row[_ROLE_AT]]
    for values in (
        *(values for _, values in writes.updates),
        *(values for _, values in writes.post_creates),
        *(values for _, values in writes.post_updates),
    ):
        if is_new_role(values.get("role_id")):
            values["role_id"] = role_ids[values["role_id"]]


def write_prepared(
    writes: Writes, *, agency: Agency, role_ids: dict[str, int] | None = None
) -> None:
    """Write what :func:`prepare_writes` prepared. Call inside one ``transaction.atomic``;
    ``role_ids`` the roles :func:`create_new_roles` created in it."""
    now = timezone.now()
    _resolve_new_roles(writes, role_ids or {})
    service_ids = _create_services(writes.new_services, agency)
    created = _create_people(writes, agency, service_ids)

    if writes.updates:
        people = []
        for pk, values in writes.updates:
            if "service_name" in values:
                values = {**values, "service_id": service_ids[values["service_name"].lower()]}
            person = Person(pk=pk, **{k: values[k] for k in PERSON_FIELDS})
            person.updated_at = now
            people.append(person)
        fields = [*writes.update_fields, "updated_at"]
        for start in range(0, len(people), BATCH_SIZE):
            _update_batch(people[start : start + BATCH_SIZE], fields)

    _set_line_managers(writes, agency, created)
    _write_posts(writes, agency, service_ids, created)
    if writes.posts_ended:
        Post.objects.for_partnership(agency.partnership).bulk_update(
            writes.posts_ended, ["left_on", "updated_at"], batch_size=BATCH_SIZE
        )

    for start in range(0, len(writes.leavers), BATCH_SIZE):
        _update_batch(writes.leavers[start : start + BATCH_SIZE], ["left_on", "updated_at"])


def _create_services(names: list[str], agency: Agency) -> dict[str, int]:
    if not names:
        return {}
    Service.objects.bulk_create(
        [Service(partnership_id=agency.partnership_id, agency=agency, name=n) for n in names]
    )
    return {
        name.lower(): pk
        for pk, name in Service.objects.for_partnership(agency.partnership)
        .filter(agency=agency)
        .values_list("pk", "name")
    }


def _columns() -> tuple[str, str]:
    from django.db import connection

    quote = connection.ops.quote_name
    columns = ", ".join(quote(_field(name).column or name) for name in INSERT_FIELDS)
    return quote(Person._meta.db_table), columns


def _create_batch(rows: list[list]) -> None:
    """Insert new people from prepared column values.

    SQLite runs in the process: one prepared INSERT run by ``executemany`` is
    fastest. PostgreSQL runs each statement of an ``executemany`` on its own
    (about 0.2 ms a row here), and a many-row INSERT costs psycopg seconds
    turning its placeholders into PostgreSQL's, so PostgreSQL gets ``COPY``.
    """
    from django.db import connection

    table, columns = _columns()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({columns}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(INSERT_FIELDS))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)
        cursor.executemany(sql, rows)


def _create_people_returning_ids(people: list[Person]) -> list[Person]:
    """The few new people whose ids are needed at once (their line manager is set later)."""
    return Person.objects.bulk_create(people)


def _update_batch(people: list[Person], fields: list[str]) -> None:
    """Set ``fields`` of each person to the values ``people`` hold, by primary key.

    One parameterised UPDATE run for many rows (``executemany``) rather than
    ``bulk_update``, whose CASE expression per field and row costs seconds of
    Python for a few thousand people. Values are prepared by the model's own
    fields; the ids come from the agency's people read by the plan.
    """
    from django.db import connection

    columns: list[Field] = [Person._meta.get_field(name) for name in fields]  # type: ignore[misc]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column.column or column.name)} = %s" for column in columns)
    table = quote(Person._meta.db_table)
    sql = f"UPDATE {table} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608 (names from the model)
    rows = [
        [column.get_db_prep_save(getattr(person, column.attname), connection) for column in columns]
        + [person.pk]
        for person in people
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _agency_emails(agency: Agency, *, newer_than: int = 0) -> dict[str, int]:
    """Work email (lower case) → id of the agency's unmerged people, current ones preferred."""
    emails: dict[str, int] = {}
    rows = (
        Person.objects.for_partnership(agency.partnership)
        .filter(agency=agency, merged_into__isnull=True, pk__gt=newer_than)
        .exclude(work_email="")
        .values_list("pk", "work_email", "left_on")
    )
    for pk, email, left_on in rows:
        if left_on is None or email.lower() not in emails:
            emails[email.lower()] = pk
    return emails


def _create_people(writes: Writes, agency: Agency, service_ids: dict[str, int]) -> dict:
    """Insert the prepared new people wave by wave; ``{id(plan row): Person}`` of the few
    created with their ids (those whose line manager could not be set on creation).

    A wave's managers are known when it is inserted, so nearly everyone is
    created with their line manager already set; a loop of managers, or a
    manager whose email this import changes, is set by :func:`_set_line_managers`.
    """
    from django.db.models import Max

    known = dict(writes.known_emails)
    created: dict[int, Person] = {}
    for wave, manages in zip(writes.waves, writes.waves_manage, strict=True):
        newest = 0
        if manages:  # the people of this wave are those with a greater id
            # cross-partnership: the highest id in the table, a watermark, reads no row
            newest = Person.objects.aggregate(newest=Max("pk"))["newest"] or 0
        rows: list[list] = []
        later: list[tuple[dict, Person]] = []
        for values, row, new_service, manager in wave:
            if new_service:
                row[_SERVICE_AT] = service_ids[new_service]
            if manager:
                manager_id = known.get(manager)
                if manager_id is None:
                    later.append((values, _person_of(values, agency, row[_SERVICE_AT])))
                    continue
                row[_MANAGER_AT] = manager_id
            rows.append(row)
        for start in range(0, len(rows), BATCH_SIZE):
            _create_batch(rows[start : start + BATCH_SIZE])
        for start in range(0, len(later), BATCH_SIZE):
            chunk = later[start : start + BATCH_SIZE]
            people = _create_people_returning_ids([person for _, person in chunk])
            for (values, _), person in zip(chunk, people, strict=True):
                created[id(values)] = person
        if manages:
            for email, pk in _agency_emails(agency, newer_than=newest).items():
                known.setdefault(email, pk)
        for person in created.values():
            if person.work_email:
                known.setdefault(person.work_email.lower(), person.pk)
    return created


def _person_of(values: dict, agency: Agency, service_id: int | None) -> Person:
    fields = {k: v for k, v in values.items() if k in PERSON_FIELDS}
    fields["service_id"] = service_id
    return Person(partnership_id=agency.partnership_id, agency=agency, **fields)


def _set_line_managers(writes: Writes, agency: Agency, created: dict[int, Person]) -> None:
    """Set the line managers the creation could not (updated people, loops of managers)."""
    pending = [
        (values, email)
        for values, email in writes.line_managers
        if "pk" in values or id(values) in created
    ]
    if not pending:
        return
    emails = _agency_emails(agency)
    changes = []
    for values, manager_email in pending:
        manager_id = emails.get(manager_email.lower()) if manager_email else None
        if "pk" in values:
            pk, current = values["pk"], values.get("_line_manager_id")
        else:
            person = created[id(values)]
            pk, current = person.pk, person.line_manager_id
            if manager_id is None:
                continue
        if manager_id in (pk, current):
            continue
        changes.append(Person(pk=pk, line_manager_id=manager_id, updated_at=timezone.now()))
    for start in range(0, len(changes), BATCH_SIZE):
        _update_batch(changes[start : start + BATCH_SIZE], ["line_manager", "updated_at"])


def _write_posts(
    writes: Writes, agency: Agency, service_ids: dict[str, int], created: dict[int, Person]
) -> None:
    """Add and change further posts (``importing.posts``), once their people have ids."""
    if not writes.post_creates and not writes.post_updates:
        return
    new_people = [person for person, _ in writes.post_creates if "pk" not in person]
    ids = _ids_of_new_people(agency, new_people, created)
    needs_managers = any(
        values.get("_line_manager_email")
        for _, values in [*writes.post_creates, *((None, v) for _, v in writes.post_updates)]
    )
    emails = _agency_emails(agency) if needs_managers else {}
    now = timezone.now()

    def fields(values: dict) -> dict:
        found = {name: values.get(name) for name in POST_FIELDS}
        found["job_title"] = found["job_title"] or ""
        if values.get("service_name"):
            found["service_id"] = service_ids[values["service_name"].lower()]
        manager = values.get("_line_manager_email", "")
        found["line_manager_id"] = (
            emails.get(manager.lower()) if manager else values.get("line_manager_id")
        )
        return found

    posts = [
        Post(
            partnership_id=agency.partnership_id,
            agency=agency,
            person_id=person.get("pk") or ids[id(person)],
            **fields(values),
        )
        for person, values in writes.post_creates
    ]
    Post.objects.bulk_create(posts, batch_size=BATCH_SIZE)
    changed = [Post(pk=pk, updated_at=now, **fields(values)) for pk, values in writes.post_updates]
    Post.objects.for_partnership(agency.partnership).bulk_update(
        changed, [*POST_FIELDS, "line_manager_id", "updated_at"], batch_size=BATCH_SIZE
    )


def _ids_of_new_people(
    agency: Agency, people: list[dict], created: dict[int, Person]
) -> dict[int, int]:
    """``{id(plan row): person id}`` of the new people with further posts (one query)."""
    ids = {id(values): created[id(values)].pk for values in people if id(values) in created}
    wanted = [values for values in people if id(values) not in ids]
    if not wanted:
        return ids
    emails = {values["work_email"] for values in wanted if values.get("work_email")}
    numbers = {values["external_id"] for values in wanted if values.get("external_id")}
    rows = (
        Person.objects.for_partnership(agency.partnership)
        .filter(agency=agency, merged_into__isnull=True)
        .filter(Q(work_email__in=emails) | Q(external_id__in=numbers))
        .order_by("pk")
        .values_list("pk", "work_email", "external_id")
    )
    by_key: dict[str, int] = {}
    for pk, email, number in rows:  # the newest person with an email or number wins
        by_key["e:" + email.lower()] = pk
        by_key["n:" + number] = pk
    for values in wanted:
        email = values.get("work_email", "")
        key = "e:" + email.lower() if email else "n:" + values.get("external_id", "")
        ids[id(values)] = by_key[key]
    return ids
