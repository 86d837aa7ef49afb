"""Who may read the annual report and write its narrative, for pages and API alike.

The report sits in the Reports area (``Action.VIEW_REPORTS``) but also shows
the partnership's compliance by sector and participation by profession, which
records keeps to ``Action.VIEW_COMPLIANCE`` (coordinators and board members):
reading needs both, so an agency lead, who may read the other reports, is
refused this one. The narrative is the coordinator's (``Action.MANAGE_FINANCE``,
who keeps the Reports area).
"""

from interagency.core.permissions import Action
from interagency.tenancy.access import PartnershipAccess

READ = (Action.VIEW_REPORTS, Action.VIEW_COMPLIANCE)
WRITE = Action.MANAGE_FINANCE


def require_reader(access: PartnershipAccess) -> None:
    """The one 403 unless the member may read the report."""
    for action in READ:
        access.require(action)


def may_write(access: PartnershipAccess) -> bool:
    return access.allows(WRITE)
