"""The demo's collection compresses every file as production does, only quicker."""

import gzip
import json

from django.core.management import call_command
from whitenoise import compress

from interagency.demo.static_storage import PRODUCTION_STORAGE, demo_static_storage


def test_the_demo_collection_serves_the_same_files_compressed(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": PRODUCTION_STORAGE},
    }
    with demo_static_storage():
        call_command("collectstatic", interactive=False, verbosity=0)

    manifest = json.loads((settings.STATIC_ROOT / "staticfiles.json").read_text())
    hashed = settings.STATIC_ROOT / manifest["paths"]["ninja/swagger-ui-bundle.js"]
    original = hashed.read_bytes()
    assert compress.brotli.decompress(hashed.with_name(hashed.name + ".br").read_bytes()) == (
        original
    )
    assert gzip.decompress(hashed.with_name(hashed.name + ".gz").read_bytes()) == original
