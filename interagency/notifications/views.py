"""Coordinator pages for emails: the outbox (with retry) and the wording of each kind.

Both live in the Sessions area (``p/<code>/sessions/messages/``) and need
MANAGE_SESSIONS. Another partnership's message answers 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from interagency.core.errors import show_on_form
from interagency.core.permissions import Action
from interagency.notifications import selectors, services
from interagency.notifications.forms import MessageTemplateForm, OutboxFilterForm
from interagency.notifications.models import OutboxMessage
from interagency.notifications.rendering import PLACEHOLDERS, SAMPLE, render_source
from interagency.tenancy.access import PartnershipRequest, partnership_view


@partnership_view(Action.MANAGE_SESSIONS)
def outbox(request: PartnershipRequest) -> HttpResponse:
    """The partnership's emails, newest first, by status and kind; failed ones stand out."""
    partnership = request.access.partnership
    form = OutboxFilterForm(request.GET or None)
    status = kind = ""
    if form.is_valid():
        status = form.cleaned_data["status"]
        kind = form.cleaned_data["kind"]
    rows = selectors.outbox_messages(partnership, status=status, kind=kind)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/outbox.html",
        {
            "form": form,
            "page": page,
            "counts": selectors.outbox_counts(partnership),
            "is_filtered": bool(status or kind),
            "FAILED": OutboxMessage.Status.FAILED,
        },
    )


@require_POST
@partnership_view(Action.MANAGE_SESSIONS)
def retry(request: PartnershipRequest, message_id: int) -> HttpResponse:
    """Send a failed email again (its attempts start again)."""
    partnership = request.access.partnership
    try:
        message = selectors.outbox_message(partnership, message_id)
    except OutboxMessage.DoesNotExist as missing:
        raise Http404("No email with that id in this partnership.") from missing
    if services.retry_message(message=message, retried_by=request.user):
        messages.success(request, f"The email to {message.to_email} will be sent again.")
    elif not message.to_email:
        messages.error(
            request,
            "This email has no address to go to. Add the person's work email, "
            "then make the booking change again.",
        )
    else:
        messages.info(
            request,
            f"The email to {message.to_email} is already {message.get_status_display().lower()}.",
        )
    return redirect("notifications:outbox", code=partnership.code)


@require_POST
@partnership_view(Action.MANAGE_SESSIONS)
def retry_failed(request: PartnershipRequest) -> HttpResponse:
    """Send every failed email again, after the mail server was down for a while."""
    partnership = request.access.partnership
    count = services.retry_failed_messages(partnership=partnership, retried_by=request.user)
    if count:
        messages.success(request, f"{count} failed email{pluralize(count)} will be sent again.")
    else:
        messages.info(request, "There are no failed emails with an address to send again.")
    return redirect("notifications:outbox", code=partnership.code)


@partnership_view(Action.MANAGE_SESSIONS)
def templates(request: PartnershipRequest) -> HttpResponse:
    """Every kind of email with the subject in use, the partnership's own or the default."""
    partnership = request.access.partnership
    return render(
        request,
        "notifications/templates.html",
        {"rows": selectors.message_templates(partnership)},
    )


@partnership_view(Action.MANAGE_SESSIONS)
def template_edit(request: PartnershipRequest, kind: str) -> HttpResponse:
    """Change the wording of one kind of email, with a preview on sample values."""
    partnership = request.access.partnership
    try:
        row = selectors.message_template(partnership, kind)
    except KeyError as missing:
        raise Http404("No such kind of email.") from missing
    form = MessageTemplateForm(
        request.POST or None, initial={"subject": row.subject, "body": row.body}
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
        try:
            if request.POST.get("action") == "preview":
                services.check_message_template(subject=subject, body=body)
                preview = render_source(subject, body, {**SAMPLE, "partnership": partnership.name})
            else:
                services.save_message_template(
                    partnership=partnership,
                    kind=kind,
                    subject=subject,
                    body=body,
                    changed_by=request.user,
                )
                messages.success(request, f"The “{row.label}” email now uses your wording.")
                return redirect("notifications:templates", code=partnership.code)
        except ValidationError as error:
            show_on_form(form, error)
    return render(
        request,
        "notifications/template_form.html",
        {"form": form, "row": row, "placeholders": PLACEHOLDERS, "preview": preview},
    )


@require_POST
@partnership_view(Action.MANAGE_SESSIONS)
def template_reset(request: PartnershipRequest, kind: str) -> HttpResponse:
    """Go back to the default wording of one kind of email."""
    partnership = request.access.partnership
    try:
        row = selectors.message_template(partnership, kind)
    except KeyError as missing:
        raise Http404("No such kind of email.") from missing
    if services.reset_message_template(partnership=partnership, kind=kind, changed_by=request.user):
        messages.success(request, f"The “{row.label}” email uses the default wording again.")
    return redirect("notifications:templates", code=partnership.code)
