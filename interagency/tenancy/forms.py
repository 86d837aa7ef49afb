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
