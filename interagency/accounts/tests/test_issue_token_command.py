from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from interagency.accounts.models import AccessToken
from interagency.accounts.selectors import access_token_for
from interagency.accounts.tests.factories import UserFactory


@pytest.mark.django_db
def test_issue_token_prints_a_working_token_for_the_email():
    user = UserFactory.create(email="jo.bloggs@camden.example")
    stdout, stderr = StringIO(), StringIO()

    call_command(
        "issue_token", "Jo.Bloggs@camden.example", "--name", "Nightly export",
        stdout=stdout, stderr=stderr,
    )  # fmt: skip

    text = stdout.getvalue().strip()
    token = access_token_for(text)
    assert token is not None
    assert token.user == user
    assert token.name == "Nightly export"
    assert "cannot be shown again" in stderr.getvalue()


@pytest.mark.django_db
def test_issue_token_for_an_unknown_email_fails_clearly():
    with pytest.raises(
        CommandError, match=r"No account has the email address 'nobody@example\.com'"
    ):
        call_command("issue_token", "nobody@example.com", stdout=StringIO(), stderr=StringIO())

    assert not AccessToken.objects.exists()


@pytest.mark.django_db
def test_issue_token_refuses_a_closed_account():
    UserFactory.create(email="gone@camden.example", is_active=False)

    with pytest.raises(CommandError, match="closed"):
        call_command("issue_token", "gone@camden.example", stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db(transaction=True)  # the command closes its connection when done
def test_the_interagency_command_line_spells_it_issue_token_with_a_hyphen(capsys):
    from interagency.cli import main

    user = UserFactory.create(email="jo.bloggs@camden.example")

    main(["interagency", "issue-token", "jo.bloggs@camden.example"])

    token = access_token_for(capsys.readouterr().out.strip())
    assert token is not None
    assert token.user == user
