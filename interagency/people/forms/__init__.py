"""Forms for the agencies and people pages (GOV.UK markup through crispy-forms-gds).

Choices are always the partnership's own rows, narrowed by what the member
may touch (an agency lead picks only the agencies they lead). Forms read what
was typed; the services decide whether it is allowed. One module per page
group: ``agencies``, ``people`` (a person, their posts, leaving, the list's
filters), ``imports``; ``fields`` holds the choice fields they share.
"""

from interagency.people.forms.agencies import AgencyForm, AgencySearchForm, ServiceForm
from interagency.people.forms.fields import (
    AgencyChoiceField,
    LeadChoiceField,
    RoleChoiceField,
    ServiceChoiceField,
    date_field,
)
from interagency.people.forms.imports import ImportChoicesForm, ImportSettingsForm, rows_label
from interagency.people.forms.people import (
    MANAGER_MATCHES,
    NO_LINE_MANAGER,
    STATUS_CHOICES,
    LeavingForm,
    PeopleFilterForm,
    PersonForm,
    PostFieldsForm,
    PostForm,
)

__all__ = [
    "MANAGER_MATCHES",
    "NO_LINE_MANAGER",
    "STATUS_CHOICES",
    "AgencyChoiceField",
    "AgencyForm",
    "AgencySearchForm",
    "ImportChoicesForm",
    "ImportSettingsForm",
    "LeadChoiceField",
    "LeavingForm",
    "PeopleFilterForm",
    "PersonForm",
    "PostFieldsForm",
    "PostForm",
    "RoleChoiceField",
    "ServiceChoiceField",
    "ServiceForm",
    "date_field",
    "rows_label",
]
