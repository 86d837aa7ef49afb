"""Export a framework as JSON or XLSX, and import one.

Coordinators export any framework their partnership may see, with the
partnership's own tailoring applied, and import a framework file as a new
framework their partnership owns and adopts. An import is all or nothing: the
file is read and checked in full first, and if anything is wrong the page lists
every problem (sheet, row, column, value) and nothing is written.
"""

from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify

from interagency.catalogue import interchange, selectors, services, workbook
from interagency.catalogue.interchange import Problem
from interagency.catalogue.models import CompetenceFramework
from interagency.core.errors import found_or_404
from interagency.core.permissions import Action
from interagency.tenancy.access import PartnershipRequest, partnership_view

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _framework(request: PartnershipRequest, framework_id: int) -> CompetenceFramework:
    return found_or_404(lambda: selectors.framework_in(request.access.partnership, framework_id))


def _download(content: bytes | str, *, framework: CompetenceFramework, suffix: str, type_: str):
    name = slugify(f"{framework.slug}-{framework.version}") or "framework"
    response = HttpResponse(content, content_type=type_)
    response["Content-Disposition"] = f'attachment; filename="{name}.{suffix}"'
    return response


def _exported(request: PartnershipRequest, framework: CompetenceFramework) -> dict:
    partnership = request.access.partnership
    return workbook.declare_unmatched(
        interchange.export_document(framework, partnership=partnership)
    )


@partnership_view(Action.MANAGE_CATALOGUE)
def export_json(request: PartnershipRequest, framework_id: int) -> HttpResponse:
    """The framework as the partnership runs it, as JSON (the shape of ``catalogue/data``)."""
    framework = _framework(request, framework_id)
    document = _exported(request, framework)
    return _download(
        workbook.document_to_json(document),
        framework=framework,
        suffix="json",
        type_="application/json; charset=utf-8",
    )


@partnership_view(Action.MANAGE_CATALOGUE)
def export_xlsx(request: PartnershipRequest, framework_id: int) -> HttpResponse:
    """The framework as the partnership runs it, as an XLSX workbook."""
    framework = _framework(request, framework_id)
    document = _exported(request, framework)
    return _download(
        workbook.document_to_workbook(document), framework=framework, suffix="xlsx", type_=XLSX_TYPE
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a framework file",
        help_text="A JSON or Excel (.xlsx) file exported from Interagency, or made from one. "
        "Up to 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.xlsx"}),
        error_messages={"required": "Select a JSON or XLSX file"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix not in (".json", ".xlsx"):
            raise forms.ValidationError("The selected file must be a JSON or XLSX file")
        if upload.size > workbook.MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 5 MB")
        return upload


def read_upload(name: str, data: bytes, *, partnership) -> tuple[dict, list[Problem]]:
    """The document in an uploaded file and every problem with it, placed in the file."""
    if name.lower().endswith(".xlsx"):
        read = workbook.read_workbook(data)
        document, problems = read.document, list(read.problems)
        if not document:  # the file could not be opened at all
            return document, problems
        reported = {(p.sheet, p.row, p.column) for p in problems}
        for problem in workbook.import_problems(document):
            placed = workbook.locate(problem, read.located)
            if (placed.sheet, placed.row, placed.column) not in reported:
                problems.append(placed)
    else:
        document, problems = workbook.json_to_document(data)
        if problems:
            return document, problems
        problems = workbook.import_problems(document)
    if not problems and _already_owned(partnership, document):
        problems.append(_duplicate(document))
    return document, problems


def _duplicate(document: dict) -> Problem:
    version = document.get("version")
    return Problem(
        sheet="framework",
        row=0,
        column="version",
        value=str(version),
        message=f"Your partnership already has version {version} of “{document.get('slug')}”. "
        "Change the version (or the slug) to import it as a new framework.",
    )


def _already_owned(partnership, document: dict) -> bool:
    return (
        selectors.frameworks_available_to(partnership)
        .filter(
            owner_partnership=partnership,
            slug=str(document.get("slug") or "").strip(),
            version=str(document.get("version") or "1").strip(),
        )
        .exists()
    )


@partnership_view(Action.MANAGE_CATALOGUE)
def import_framework(request: PartnershipRequest) -> HttpResponse:
    """Upload a framework file; a file with any problem is refused whole, with every problem."""
    partnership = request.access.partnership
    problems: list[Problem] = []
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(workbook.MAX_UPLOAD_BYTES + 1)
        document, problems = read_upload(upload.name, data, partnership=partnership)
        if not problems:
            try:
                result = _import(document, partnership=partnership, user=request.user)
            except interchange.DocumentInvalid as invalid:
                problems = invalid.problems
            else:
                if result is None:  # another import of this version finished first
                    problems = [_duplicate(document)]
                else:
                    messages.success(request, _imported_message(result))
                    return redirect("catalogue:import", code=partnership.code)
    return render(
        request, "catalogue/interchange/import.html", {"form": form, "problems": problems}
    )


def _import(document: dict, *, partnership, user) -> interchange.LoadResult | None:
    """Build the framework for the partnership and adopt it, together or not at all."""
    with transaction.atomic():
        result = interchange.build_framework(document, owner_partnership=partnership)
        if result.already_loaded:
            return None
        services.adopt_framework(
            partnership=partnership, framework=result.framework, adopted_by=user
        )
    return result


def _imported_message(result: interchange.LoadResult) -> str:
    framework = result.framework
    return (
        f"Imported {framework.name} (version {framework.version}): {result.tiers} tiers, "
        f"{result.courses} courses, {result.roles} roles and {result.pathway_items} pathway "
        "items. Your partnership has adopted it."
    )
