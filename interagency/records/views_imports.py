"""E-learning completions: a coordinator uploads a file, reads the preview, confirms it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from interagency.core.errors import show_on_form
from interagency.core.permissions import Action
from interagency.records import access as records_access
from interagency.records.forms_sources import CompletionsFileForm
from interagency.records.models import RecordImport
from interagency.records.services.elearning import apply_completions, plan_of, upload_completions
from interagency.tenancy.access import PartnershipRequest, partnership_view

SHOWN_ROWS = 200


@partnership_view(Action.VIEW_RECORDS)
def import_new(request: PartnershipRequest) -> HttpResponse:
    """Upload: the file is kept and previewed; nothing is recorded yet."""
    records_access.require_coordinator(request.access)
    form = CompletionsFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record_import = upload_completions(
                partnership=request.access.partnership,
                content=upload.read(),
                file_name=upload.name,
                uploaded_by=request.user,
                today=timezone.localdate(),
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            return redirect(
                "records:import", code=request.access.partnership.code, import_id=record_import.pk
            )
    return render(request, "records/import_new.html", {"form": form})


@partnership_view(Action.VIEW_RECORDS)
def import_preview(request: PartnershipRequest, import_id: int) -> HttpResponse:
    """The preview (GET): the rows with problems by row and column, those already recorded,
    those to record. Confirming (POST) records the good rows in one transaction."""
    record_import = records_access.record_import_for(request.access, import_id)
    error = ""
    if request.method == "POST":
        try:
            made = apply_completions(
                record_import=record_import, applied_by=request.user, today=timezone.localdate()
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request, f"{made} training record{'' if made == 1 else 's'} added from the file."
            )
            return redirect(request.path)
    plan = plan_of(record_import, today=timezone.localdate())
    context = {
        "record_import": record_import,
        "applied": record_import.status == RecordImport.Status.APPLIED,
        "plan": plan,
        "new_rows": plan.new[:SHOWN_ROWS],
        "shown_rows": SHOWN_ROWS,
        "error": error,
    }
    return render(request, "records/import_preview.html", context)
