"""Settings for the test suite: the production settings with the testing switches on."""

import os

os.environ.setdefault("INTERAGENCY_TESTING", "1")
os.environ.setdefault("EMAIL_URL", "locmem://")
# Not the address a demo run in this checkout left in its data folder (var/site_url).
os.environ.setdefault("SITE_URL", "http://localhost:8000")

from interagency.settings import *  # noqa: F403

# WhiteNoise warns on every request when STATIC_ROOT does not exist; tests
# serve from the apps' static folders, so an empty directory is enough.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
