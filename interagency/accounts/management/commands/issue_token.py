"""``interagency issue-token EMAIL [--name NAME]``: a personal access token for scripts."""

from django.core.management.base import BaseCommand, CommandError

from interagency.accounts import selectors, services


class Command(BaseCommand):
    help = (
        "Issue a personal access token for the account with EMAIL and print it. "
        "The token is shown only this once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", help="The email address the person signs in with.")
        parser.add_argument(
            "--name",
            default="Issued from the command line",
            help="What the token is for; shown on the person's tokens page.",
        )

    def handle(self, *args, email: str, name: str, **options) -> None:
        user = selectors.user_with_email(email)
        if user is None:
            raise CommandError(f"No account has the email address {email!r}.")
        if not user.is_active:
            raise CommandError(
                f"The account for {user.email} is closed; its tokens would not work."
            )
        token, text = services.issue_access_token(user=user, name=name)
        # Only the token on stdout, so scripts can capture it; the note is for people.
        self.stderr.write(
            f"Issued token ‘{token.name}’ for {user.email}. Store it now: it cannot be shown again."
        )
        self.stdout.write(text)
