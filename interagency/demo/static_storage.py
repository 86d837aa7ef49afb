"""The demo's static files: compressed as in production, Brotli at quality 9 rather than 11.

Brotli's top quality spent 9 of the 10 CPU seconds of the demo's first
collection (most of it on the API documentation's two large scripts) for
files about a tenth smaller than at quality 9, which takes a twentieth of
the time; the demo serves this machine. Production keeps the settings'
storage. The manifest and the file names are the same either way.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.test.utils import override_settings
from whitenoise import compress
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

from interagency.core.static_files import fingerprint_file, source_fingerprint

PRODUCTION_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
BROTLI_QUALITY = 9


class QuickerBrotliCompressor(Compressor):
    @staticmethod
    def compress_brotli(data: bytes) -> bytes:
        # WhiteNoise's own Brotli (it calls this only when Brotli is installed).
        return compress.brotli.compress(data, quality=BROTLI_QUALITY)


class DemoStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs) -> Compressor:
        return QuickerBrotliCompressor(**kwargs)


@contextmanager
def demo_static_storage() -> Iterator[None]:
    """Collect with the demo's storage where the settings ask for WhiteNoise's (not in tests)."""
    storages = settings.STORAGES
    if storages["staticfiles"]["BACKEND"] != PRODUCTION_STORAGE:
        yield
        return
    backend = f"{DemoStaticFilesStorage.__module__}.{DemoStaticFilesStorage.__qualname__}"
    demo_storages = {**storages, "staticfiles": {**storages["staticfiles"], "BACKEND": backend}}
    with override_settings(STORAGES=demo_storages):
        yield


def static_files_unchanged() -> bool:
    """Whether the last collection (with the demo's storage) is of the sources as they are.

    Asked before forking a child to collect: a second start forks nothing.
    """
    with demo_static_storage():
        stored = fingerprint_file()
        static_root = Path(settings.STATIC_ROOT)
        return (
            static_root.is_dir()
            and any(static_root.iterdir())
            and stored.is_file()
            and stored.read_text(encoding="utf-8") == source_fingerprint()
        )
