"""Fixtures for calling the API as a token holder."""

import pytest
from django.test import Client

from interagency.accounts.services import issue_access_token


@pytest.fixture
def token_client(db):
    """``token_client(user)``: a client that sends a new personal access token of ``user``."""

    def make(user) -> Client:
        _, text = issue_access_token(user=user, name="Tests")
        return Client(headers={"Authorization": f"Bearer {text}"})

    return make
