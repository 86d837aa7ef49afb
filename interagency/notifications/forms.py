"""Forms of the coordinator's email pages."""

from django import forms

from interagency.core.validation import CleanTextForm
from interagency.notifications.models import MessageKind, OutboxMessage


class OutboxFilterForm(CleanTextForm):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *OutboxMessage.Status.choices],
        error_messages={"invalid_choice": "Choose a status from the list"},
    )
    kind = forms.ChoiceField(
        label="Kind of email",
        required=False,
        choices=[("", "Any kind"), *MessageKind.choices],
        error_messages={"invalid_choice": "Choose a kind of email from the list"},
    )


class MessageTemplateForm(CleanTextForm):
    """The subject and body; the service checks them (placeholders only, no tags)."""

    subject = forms.CharField(
        label="Subject",
        max_length=200,
        error_messages={
            "required": "Enter the subject",
            "max_length": "The subject must be 200 characters or fewer",
        },
    )
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=10000,
        error_messages={
            "required": "Enter the message",
            "max_length": "The message must be 10,000 characters or fewer",
        },
    )
