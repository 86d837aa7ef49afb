"""The bulk booking on the team page: the people ticked and the session chosen for them."""

from django import forms

from interagency.delivery.forms_booking import BookPeopleForm


class TeamBookingForm(BookPeopleForm):
    """People of the member's team (those they may book) and one session to book them on."""

    session = forms.IntegerField(
        label="Session to book them on",
        min_value=1,
        error_messages={
            "required": "Choose the session to book the selected people on.",
            "invalid": "Choose the session to book the selected people on.",
            "min_value": "Choose the session to book the selected people on.",
        },
    )
