"""Collect static files only when their sources changed since the last collection.

Collecting with WhiteNoise's compressed manifest storage compresses every file
(about 30 MB, a minute on a busy machine), so the demo skips it on every start
after the first unless a source file changed, was added or was removed.
"""

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command

# collectstatic's own default ignore patterns.
IGNORED = ["CVS", ".*", "*~"]


def fingerprint_file() -> Path:
    """Where the fingerprint of the last complete collection is kept (the data folder)."""
    return Path(settings.DATA_DIR) / "static-fingerprint"


def source_fingerprint() -> str:
    """A digest of every file collectstatic would collect, where it goes, and how it is stored."""
    digest = hashlib.sha256()
    digest.update(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    digest.update(str(settings.STATIC_ROOT).encode())
    digest.update(repr(getattr(settings, "WHITENOISE_SKIP_COMPRESS_EXTENSIONS", None)).encode())
    sources = []
    for finder in get_finders():
        for path, storage in finder.list(IGNORED):
            collected_as = os.path.join(getattr(storage, "prefix", None) or "", path)
            sources.append((collected_as, storage.path(path)))
    for collected_as, source in sorted(sources):
        digest.update(collected_as.encode() + b"\0")
        with open(source, "rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()


def collect_static_if_changed() -> bool:
    """Run collectstatic unless the sources are those last collected; True when it ran."""
    fingerprint = source_fingerprint()
    stored = fingerprint_file()
    static_root = Path(settings.STATIC_ROOT)
    collected = static_root.is_dir() and any(static_root.iterdir())
    if collected and stored.is_file() and stored.read_text(encoding="utf-8") == fingerprint:
        return False
    # Removed first: a collection cut short must not pass for a complete one next time.
    stored.unlink(missing_ok=True)
    # Cleared first: collectstatic skips a source no newer than its copy (to the
    # second), and a removed source would otherwise stay published.
    call_command("collectstatic", interactive=False, clear=True, verbosity=0)
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_text(fingerprint, encoding="utf-8")
    return True
