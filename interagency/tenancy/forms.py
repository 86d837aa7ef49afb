from django import forms

from interagency.core.permissions import Role


class MemberRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Roles in this partnership",
        help_text=(
            "Select all that apply. Clearing every role removes the person from the partnership."
        ),
    )


class TrainingEmailsForm(forms.Form):
    emails = forms.MultipleChoiceField(
        choices=[
            ("sends_manager_digests", "A monthly digest to each line manager"),
            ("sends_training_reminders", "A reminder to each person before training falls due"),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Training emails this partnership sends",
        help_text="Select all that apply. The digest lists each manager's team's overdue "
        "training and training due in the next three months; the reminder goes a month before "
        "a required course falls due, unless the person is booked on it.",
    )
