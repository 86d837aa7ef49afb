"""Synthetic data: the demo, one borough, or a whole region, with five years of delivery.

One module per part: ``partnerships`` (London's authorities and partnerships),
``catalogue`` (the shipped frameworks adopted), ``people`` and ``names``
(synthetic accounts), ``workforce`` (agencies, services and person records),
``scales`` (a borough, a county or the region, each partnership in its own
transaction), ``demo`` (the demo partnership and accounts) with ``demo_borough``
(its ten agencies and 300 people) and ``demo_history`` (its year); delivery history:
``delivery_plans`` (what is planned), ``delivery_history`` (five years at
random), ``demo_delivery`` (the demo's story), ``delivery_writing`` and
``registers`` (the rows), ``bulk`` (inserts by ``bulk_create``, ``executemany``
or ``COPY``).

Every scale is repeatable for a given seed and idempotent: running it twice
leaves the database as after the first run.
"""

from interagency.demo.seeding.catalogue import (
    LONDON_FRAMEWORK,
    SHIPPED_FRAMEWORKS,
    Progress,
    adopt_shipped_frameworks,
    london_courses,
    london_roles,
)
from interagency.demo.seeding.delivery_history import seed_delivery
from interagency.demo.seeding.delivery_plans import DeliveryCounts
from interagency.demo.seeding.demo import (
    DEMO_ACCOUNTS,
    DEMO_AGENCIES,
    DEMO_DOMAIN,
    DEMO_PARTNERSHIPS,
    DEMO_PEOPLE,
    ensure_demo_workforce,
    load_demo,
)
from interagency.demo.seeding.demo_borough import DEMO_BOROUGH_AGENCIES, DEMO_PEOPLE_TOTAL
from interagency.demo.seeding.demo_delivery import seed_demo_delivery
from interagency.demo.seeding.demo_history import DEMO_SESSIONS
from interagency.demo.seeding.partnerships import (
    LocalAuthority,
    ensure_london,
    london_local_authorities,
    partnership_code,
    people_by_population,
)
from interagency.demo.seeding.people import (
    AGENCIES,
    SyntheticPerson,
    agency_domains,
    board_size,
    is_seeded,
    synthetic_people,
)
from interagency.demo.seeding.scales import (
    BOROUGH_GSS_CODE,
    BOROUGH_PEOPLE,
    COUNTY_PEOPLE,
    SeedResult,
    seed_borough,
    seed_partnership,
    seed_region,
)
from interagency.demo.seeding.workforce import SECTOR_SHARES, agency_plan, seed_workforce

__all__ = [
    "AGENCIES",
    "BOROUGH_GSS_CODE",
    "BOROUGH_PEOPLE",
    "COUNTY_PEOPLE",
    "DEMO_ACCOUNTS",
    "DEMO_AGENCIES",
    "DEMO_BOROUGH_AGENCIES",
    "DEMO_DOMAIN",
    "DEMO_PARTNERSHIPS",
    "DEMO_PEOPLE",
    "DEMO_PEOPLE_TOTAL",
    "DEMO_SESSIONS",
    "LONDON_FRAMEWORK",
    "SECTOR_SHARES",
    "SHIPPED_FRAMEWORKS",
    "DeliveryCounts",
    "LocalAuthority",
    "Progress",
    "SeedResult",
    "SyntheticPerson",
    "adopt_shipped_frameworks",
    "agency_domains",
    "agency_plan",
    "board_size",
    "ensure_demo_workforce",
    "ensure_london",
    "is_seeded",
    "load_demo",
    "london_courses",
    "london_local_authorities",
    "london_roles",
    "partnership_code",
    "people_by_population",
    "seed_borough",
    "seed_delivery",
    "seed_demo_delivery",
    "seed_partnership",
    "seed_region",
    "seed_workforce",
    "synthetic_people",
]
