"""``interagency grant-regional-coordinator EMAIL REGION_CODE [--revoke]``: who reads a
region's benchmarks. Audited, as every change of who may see what."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from interagency.regional import services
from interagency.tenancy.models import Region


class Command(BaseCommand):
    help = (
        "Make the account with EMAIL a regional coordinator of the region with REGION_CODE "
        "(or, with --revoke, end it). A regional coordinator reads the benchmarks of the "
        "region's partnerships that share their figures."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", help="The email address the person signs in with.")
        parser.add_argument("region_code", help="The region's code, for example london.")
        parser.add_argument("--revoke", action="store_true", help="End the role instead.")

    def handle(self, *args, email: str, region_code: str, revoke: bool, **options) -> None:
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the email address {email!r}.")
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            codes = ", ".join(Region.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(f"No region has the code {region_code!r}. Regions: {codes}.")
        if revoke:
            if services.revoke_regional_coordinator(user=user, region=region, revoked_by=None):
                self.stdout.write(f"{user.email} is no longer a coordinator of {region.name}.")
            else:
                self.stdout.write(f"{user.email} was not a coordinator of {region.name}.")
            return
        services.grant_regional_coordinator(user=user, region=region, granted_by=None)
        self.stdout.write(
            f"{user.email} is a coordinator of {region.name}: /r/{region.code}/benchmarks/"
        )
