"""Change a partnership's catalogue: adopt and tailor frameworks, add local courses and roles.

Every write names the partnership it acts for and checks that the rows it
touches belong to that partnership's catalogue. Regional and national
frameworks are never edited by a partnership, only adopted and tailored;
frameworks a partnership owns (imported or home-grown) it may edit. A new
version of a framework is a copy: records made under the old version keep
pointing at the old rows.

One module per concern: ``adoption``, ``tailoring``, ``local_courses``,
``equivalences`` (a course counting for another), ``frameworks`` (a framework
the partnership owns, and its tiers), ``pathways`` (local
roles and the pathways of the roles a partnership may edit) and ``versions``.

Catalogue data is not personal data, so these writes are not audited.
"""

from interagency.catalogue.services.adoption import adopt_framework, stop_adopting
from interagency.catalogue.services.equivalences import add_equivalence, remove_equivalence
from interagency.catalogue.services.frameworks import (
    MAX_MONTHS,
    add_tier,
    update_framework_details,
    update_tier,
)
from interagency.catalogue.services.local_courses import (
    LEVEL_TWO_NEEDS_LEVEL_ONE,
    add_local_course,
    delete_local_course,
    update_local_course,
)
from interagency.catalogue.services.pathways import (
    add_local_role,
    role_is_editable,
    set_pathway_items,
)
from interagency.catalogue.services.tailoring import UNCHANGED, tailor_course
from interagency.catalogue.services.versions import new_framework_version

__all__ = [
    "LEVEL_TWO_NEEDS_LEVEL_ONE",
    "MAX_MONTHS",
    "UNCHANGED",
    "add_equivalence",
    "add_local_course",
    "add_local_role",
    "add_tier",
    "adopt_framework",
    "delete_local_course",
    "new_framework_version",
    "remove_equivalence",
    "role_is_editable",
    "set_pathway_items",
    "stop_adopting",
    "tailor_course",
    "update_framework_details",
    "update_local_course",
    "update_tier",
]
