"""People import pages: upload a staff list, confirm its columns, preview, apply, follow progress.

Coordinators import for any agency; agency leads only for the agencies they
lead. Another agency's (or partnership's) import answers 404.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from interagency.core.choice_search import NONE, ChoiceSearchMixin, form_data, matches_response
from interagency.core.errors import show_on_form
from interagency.core.permissions import Action
from interagency.people import selectors
from interagency.people.access import people_import_for
from interagency.people.forms import ImportChoicesForm, ImportSettingsForm
from interagency.people.forms.fields import agency_search_field
from interagency.people.importing import mapping, reading, rejecting
from interagency.people.models import PeopleImport
from interagency.people.services.imports import (
    applies_in_background,
    apply_people_import,
    as_polled,
    save_import_choices,
    save_import_mapping,
    save_import_settings,
    start_people_import,
)
from interagency.tenancy.access import PartnershipRequest, partnership_view

# The upload's agency choice for a list across agencies: each row's from its organisation
# column. It is the searched field's "none" radio, always offered next to the search.
FROM_FILE = NONE


class UploadForm(ChoiceSearchMixin, forms.Form):
    """The staff list and whose it is: one agency found by a search step, or several."""

    agency = agency_search_field(
        search_label="Find the agency whose staff list this is",
        none_label="Several agencies: taken from the file's organisation column",
        error_messages={
            "required": "Choose the agency whose staff list this is",
            "invalid_choice": "Choose the agency whose staff list this is",
        },
    )
    file = forms.FileField(
        label="Upload the staff list",
        help_text="A CSV or Excel (.xlsx) file with a header row naming the columns. Up to 20 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={
            "required": "Select a CSV or XLSX file",
            "empty": "The selected file is empty",
        },
    )
    is_full_staff_list = forms.BooleanField(
        required=False,
        label="This is the agency's full staff list",
        help_text="People of the agency who are not in the file will be marked as left today. "
        "Their records are kept.",
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].rows = agencies  # type: ignore[attr-defined]
        # Required: nothing chosen is an error; "several agencies" is an explicit choice.
        self.fields["agency"].required = True

    def choice_options(self, name: str) -> dict[str, Any]:
        """The "several agencies" radio shows before any search, and is never preselected."""
        options = super().choice_options(name)
        options["shown"] = True
        options["none_chosen"] = self.raw(name) == FROM_FILE
        return options

    def clean(self):
        cleaned = super().clean() or {}
        if "agency" in cleaned and cleaned["agency"] is None and cleaned.get("is_full_staff_list"):
            self.add_error(
                "is_full_staff_list",
                "A full staff list is one agency's: choose its agency, or untick this",
            )
        return cleaned

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > reading.MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 20 MB")
        return upload


class MappingForm(forms.Form):
    """One choice per field of ours: which column of the file holds it."""

    def __init__(self, *args, headers: list[str], agency_from_file: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Not in the file"), *((h, h) for h in headers if h)]
        for name, label in mapping.FIELDS.items():
            if name in mapping.ORGANISATION_FIELDS and not agency_from_file:
                continue  # one agency's list: every row is that agency's
            # What must be chosen depends on the partnership's required fields: the service checks.
            self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False)


def _roles(request: PartnershipRequest):
    return request.access.roles


@partnership_view(Action.IMPORT_PEOPLE)
def import_list(request: PartnershipRequest) -> HttpResponse:
    """The imports the member may see, newest first."""
    partnership = request.access.partnership
    imports = selectors.people_imports(partnership, request.user, _roles(request))
    page = Paginator(imports, 25).get_page(request.GET.get("page"))
    return render(request, "people/imports/list.html", {"page": page})


@partnership_view(Action.IMPORT_PEOPLE)
def import_new(request: PartnershipRequest) -> HttpResponse:
    """Upload a staff list for one agency; an unreadable file is refused with the reason."""
    partnership = request.access.partnership
    agencies = selectors.import_agencies(partnership, request.user, _roles(request))
    data, finding = form_data(request, UploadForm)
    files = request.FILES or None if data is not None else None
    form = UploadForm(data, files, agencies=agencies, finding=finding)
    if matches := matches_response(request, form):
        return matches
    if request.method == "POST" and not finding and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(reading.MAX_UPLOAD_BYTES + 1)
        try:
            people_import = start_people_import(
                partnership=partnership,
                agency=form.cleaned_data["agency"],
                uploaded_by=request.user,
                file_name=upload.name or "upload",
                content=content,
                is_full_staff_list=form.cleaned_data["is_full_staff_list"],
            )
        except reading.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect(
                "people:import-mapping", code=partnership.code, import_id=people_import.pk
            )
    return render(request, "people/imports/new.html", {"form": form})


@partnership_view(Action.IMPORT_PEOPLE)
def import_mapping(request: PartnershipRequest, import_id: int) -> HttpResponse:
    """Confirm which column holds which field; suggested from the headers and the last import."""
    partnership = request.access.partnership
    people_import = as_polled(people_import_for(request.access, import_id, with_content=True))
    if people_import.status not in PeopleImport.MAPPABLE:
        return redirect("people:import-status", code=partnership.code, import_id=import_id)
    table = reading.read_table(bytes(people_import.content or b""), people_import.file_name)
    agency = people_import.agency
    if agency is None:
        remembered = dict(people_import.columns or {})
    else:
        remembered = selectors.column_mapping_of(agency)
    initial = mapping.suggest_mapping(table.headers, remembered)
    form = MappingForm(
        request.POST or None,
        headers=table.headers,
        initial=initial,
        agency_from_file=agency is None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            save_import_mapping(
                people_import=people_import, columns=form.cleaned_data, changed_by=request.user
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            return redirect("people:import-preview", code=partnership.code, import_id=import_id)
    examples = dict(zip(table.headers, next((r for r in table.rows if r), []), strict=False))
    return render(
        request,
        "people/imports/mapping.html",
        {"form": form, "people_import": people_import, "examples": examples},
    )


@partnership_view(Action.IMPORT_PEOPLE)
def import_preview(request: PartnershipRequest, import_id: int) -> HttpResponse:
    """What applying would do: counts, new services, and every row's problems; the file's
    contract words and unknown roles to confirm (posting them checks the rows again)."""
    partnership = request.access.partnership
    people_import = as_polled(
        people_import_for(request.access, import_id, with_content=request.method == "POST")
    )
    if people_import.status == PeopleImport.Status.UPLOADED:
        return redirect("people:import-mapping", code=partnership.code, import_id=import_id)
    choices_form = ImportChoicesForm(
        request.POST or None,
        review=people_import.review or {},
        chosen=people_import.choices or {},
        roles=_roles_of(partnership),
        agencies=selectors.import_agencies(partnership, request.user, _roles(request)),
        tiers=_creatable_tiers(request, partnership),
    )
    can_choose = people_import.status in PeopleImport.APPLICABLE
    if request.method == "POST" and can_choose and choices_form.is_valid():
        try:
            save_import_choices(
                people_import=people_import, choices=choices_form.choices(), changed_by=request.user
            )
        except ValidationError as error:
            show_on_form(choices_form, error)
        else:
            messages.success(request, "Your choices are saved and every row checked again.")
            return redirect("people:import-preview", code=partnership.code, import_id=import_id)
    problems = people_import.problems or []
    page = Paginator(problems, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "people/imports/preview.html",
        {
            "people_import": people_import,
            "page": page,
            "choices_form": choices_form,
            "has_errors": any(p.get("level") == "error" for p in problems),
            "background": applies_in_background(people_import),
        },
    )


def _creatable_tiers(request: PartnershipRequest, partnership) -> list:
    """The tiers a coordinator may create an unknown role in; none for anyone else."""
    from interagency.catalogue.selectors import tiers_of
    from interagency.core.permissions import role_allows

    if not role_allows(_roles(request), Action.MANAGE_CATALOGUE):
        return []
    return list(tiers_of(partnership))


def _roles_of(partnership):
    from interagency.catalogue.selectors import roles_of

    return roles_of(partnership).order_by("name")


@partnership_view(Action.MANAGE_AGENCIES)
def import_settings(request: PartnershipRequest) -> HttpResponse:
    """What every row of the partnership's staff lists must have; rows without it are rejected."""
    partnership = request.access.partnership
    required = selectors.import_required_fields(partnership)
    form = ImportSettingsForm(request.POST or None, initial={"required_fields": sorted(required)})
    if request.method == "POST" and form.is_valid():
        save_import_settings(
            partnership=partnership,
            required_fields=form.cleaned_data["required_fields"],
            changed_by=request.user,
        )
        messages.success(request, "The fields every imported person needs are saved.")
        return redirect("people:import-settings", code=partnership.code)
    return render(request, "people/imports/settings.html", {"form": form})


@require_POST
@partnership_view(Action.IMPORT_PEOPLE)
def import_apply(request: PartnershipRequest, import_id: int) -> HttpResponse:
    """Apply the previewed import now, or queue it when the file is large."""
    partnership = request.access.partnership
    people_import = people_import_for(request.access, import_id, with_content=True)
    try:
        status = apply_people_import(people_import=people_import, applied_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("people:import-preview", code=partnership.code, import_id=import_id)
    if status == PeopleImport.Status.APPLIED:
        messages.success(request, f"The staff list for {people_import.agency_label} was imported.")
    return redirect("people:import-status", code=partnership.code, import_id=import_id)


@partnership_view(Action.IMPORT_PEOPLE)
def import_status(request: PartnershipRequest, import_id: int) -> HttpResponse:
    """Where the import is: waiting, checking rows (with progress), applied or failed.

    A running import whose worker stopped (no progress for the reaper's time)
    is shown as failed, without writing: nothing was applied, apply it again.
    """
    people_import = as_polled(people_import_for(request.access, import_id))
    context = {
        "people_import": people_import,
        "percent": people_import.percent,
        "in_progress": people_import.in_progress,
    }
    template = "people/imports/status.html"
    if getattr(request, "htmx", False):
        template += "#progress"
    return render(request, template, context)


@partnership_view(Action.IMPORT_PEOPLE)
def import_rejected_csv(request: PartnershipRequest, import_id: int) -> HttpResponse:
    """The rejected rows as they were in the file, with the reasons, to fix and upload again;
    read from what the check kept, so it is there after applying too."""
    people_import = people_import_for(request.access, import_id, with_content=True)
    if not people_import.rejected_rows:
        raise Http404("This import kept no rejected rows.")
    response = HttpResponse(
        rejecting.rejected_rows_csv(people_import.rejected_rows),
        content_type="text/csv; charset=utf-8",
    )
    name = rejecting.rejected_rows_file_name(people_import.file_name)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
