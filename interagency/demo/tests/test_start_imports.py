"""What a start imports: the heavy analysis libraries wait until a page needs them.

SciPy (p-values), pandas and pyreadstat (the SPSS download) took about half
of a second start's CPU when Django's setup and the URL map imported them;
each is imported inside the function that uses it. Checked in a fresh
Python, as a server process starts.
"""

import json
import os
import subprocess
import sys

LATER = ("scipy", "pandas", "pyreadstat")

START = """
import importlib, json, sys
import django
django.setup()
from django.conf import settings
importlib.import_module(settings.ROOT_URLCONF)
from django.urls import get_resolver
get_resolver().url_patterns
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {later})))
"""


def test_setting_up_django_and_its_url_map_leave_scipy_pandas_and_pyreadstat_unimported():
    started = subprocess.run(
        [sys.executable, "-c", START.format(later=set(LATER))],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "interagency.settings_test"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert started.returncode == 0, started.stderr
    assert json.loads(started.stdout.strip().splitlines()[-1]) == []
