"""Each field of one staff-list row, checked and read into the values a person takes.

A step of ``checking.plan_import``: it names each problem through the
``problem(column, message)`` it is given, so the row's problems keep the
order the fields are checked in; matching the row to a person comes after.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from interagency.core.validation import control_character_problem
from interagency.people.importing import mapping
from interagency.people.importing.confirming import NO_ROLE, Confirmer
from interagency.people.importing.dates import parse_date

# problem(column, message, level="error"): records one problem of the row.
ProblemFn = Callable[..., None]

REQUIRED_COLUMNS = ("work_email", "external_id", "job_title", "started_on", "employment_type")
MAX_LENGTHS = {
    "full_name": 150,
    "job_title": 150,
    "external_id": 64,
    "registration_number": 64,
    "service": 200,
    "work_email": 254,
}


def full_name(value: dict, positions: dict, required: frozenset[str], problem: ProblemFn) -> str:
    """The row's name: its full-name column, else its forename and surname joined."""
    full = " ".join(value.get("full_name", "").split())
    forename = " ".join(value.get("forename", "").split())
    surname = " ".join(value.get("surname", "").split())
    if "full_name" in positions and (full or "forename" not in positions):
        if not full:
            problem("full_name", "Enter the person's full name: this row has none.")
        elif len(full.split()) < 2 and required & {"forename", "surname"}:
            problem(
                "full_name",
                f"Enter the person's forename and surname: '{full}' is only one name.",
            )
        return full
    for name, label in (("forename", "forename"), ("surname", "surname")):
        if not value.get(name, "").strip() and (name in required or not (forename or surname)):
            problem(name, f"Enter the person's {label}: this row has none.")
    return " ".join(part for part in (forename, surname) if part)


def check_lengths_and_characters(value: dict, name: str, problem: ProblemFn) -> None:
    """Each text within its field's length, and none with a control character."""
    if len(name) > MAX_LENGTHS["full_name"]:
        name_column = "full_name" if value.get("full_name") else "surname"
        problem(name_column, f"The name must be {MAX_LENGTHS['full_name']} characters or fewer.")
    for field in ("job_title", "external_id", "registration_number", "service"):
        if len(value.get(field, "")) > MAX_LENGTHS[field]:
            problem(field, f"Must be {MAX_LENGTHS[field]} characters or fewer.")
    for field, text in value.items():
        if isinstance(text, str) and (bad := control_character_problem(text, multiline=False)):
            problem(field, f"This value {bad}")


def check_required(
    value: dict, positions: dict, required: frozenset[str], problem: ProblemFn
) -> None:
    """A problem for each field the partnership requires that the row leaves blank."""
    has_contact = value.get("work_email", "").strip() or value.get("external_id", "").strip()
    if "email_or_staff_number" in required and not has_contact:
        column = "work_email" if "work_email" in positions else "external_id"
        problem(column, "Enter a work email or a staff number: this row has neither.")
    for name in REQUIRED_COLUMNS:
        if name in required and not value.get(name, "").strip():
            label = mapping.FIELDS[name].lower()
            problem(name, f"Enter the {label}: every person needs one, and this row has none.")


def read_email(value: dict, positions: dict, values: dict, problem: ProblemFn) -> None:
    if "work_email" not in positions:
        return
    email = value.get("work_email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problem(
                "work_email", "Enter a work email in the correct format, like name@example.org."
            )
    values["work_email"] = email


def read_role(
    value: dict,
    positions: dict,
    values: dict,
    confirmer: Confirmer,
    number: int,
    problem: ProblemFn,
) -> None:
    """A role of the catalogue, or one the importer chose for the file's words."""
    if "role" not in positions:
        return
    role_text = value["role"]
    if not role_text:
        values["role_id"] = None
        return
    role_id, reason = confirmer.role(role_text, number)
    if reason:
        problem("role", reason)
    elif role_id != NO_ROLE:  # chosen "no role": a person's role is left as it was
        values["role_id"] = role_id


def read_service(value: dict, positions: dict, values: dict, services: dict[str, int]) -> None:
    """The agency's service of that name (any case), else a new one to add."""
    if "service" not in positions:
        return
    service_text = " ".join(value["service"].split())
    if not service_text:
        values["service_id"] = None
    elif service_text.lower() in services:
        values["service_id"] = services[service_text.lower()]
    else:
        values["service_name"] = service_text


def read_employment_type(
    value: dict,
    positions: dict,
    values: dict,
    confirmer: Confirmer,
    number: int,
    problem: ProblemFn,
) -> None:
    """What the file's contract words mean, as found or as the importer chose."""
    if "employment_type" not in positions:
        return
    words = value["employment_type"].strip()
    if words:
        kind, reason = confirmer.employment_type(words, number)
        if reason:
            problem("employment_type", reason)
        else:
            values["employment_type"] = kind


def read_dates(
    value: dict, positions: dict, values: dict, date_system: int, problem: ProblemFn
) -> None:
    """The start and leaving dates, in the forms exports hold; leaving not before starting."""
    for name in ("started_on", "left_on"):
        if name in positions:
            text = value[name]
            if not text:
                values[name] = None
                continue
            try:
                values[name] = parse_date(text, date_system=date_system)
            except ValueError:
                problem(name, "Enter a real date, like 2024-03-31 or 31/03/2024.")
    started, left = values.get("started_on"), values.get("left_on")
    if started and left and left < started:
        problem("left_on", "The leaving date must be on or after the start date.")


def read_fields(
    value: dict,
    *,
    positions: dict,
    required: frozenset[str],
    confirmer: Confirmer,
    services: dict[str, int],
    date_system: int,
    number: int,
    problem: ProblemFn,
) -> dict:
    """The row's values as a person takes them, each wrong one named through ``problem``."""
    values: dict = {"full_name": full_name(value, positions, required, problem)}
    check_lengths_and_characters(value, values["full_name"], problem)
    check_required(value, positions, required, problem)
    for name in ("job_title", "external_id", "registration_number"):
        if name in positions:
            values[name] = value[name]
    read_email(value, positions, values, problem)
    read_role(value, positions, values, confirmer, number, problem)
    read_service(value, positions, values, services)
    read_employment_type(value, positions, values, confirmer, number, problem)
    read_dates(value, positions, values, date_system, problem)
    return values
