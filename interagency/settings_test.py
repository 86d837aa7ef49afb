"""Settings for the test suite: the production settings with the testing switches on."""

import os

os.environ.setdefault("INTERAGENCY_TESTING", "1")
os.environ.setdefault("EMAIL_URL", "locmem://")

from interagency.settings import *  # noqa: F403
