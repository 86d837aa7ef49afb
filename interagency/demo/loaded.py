"""Whether the demo data in the database is what this code would load: a second start skips it.

Loading is idempotent but not free: it checks every demo account's password
(Argon2, slow on purpose), the partnerships, frameworks and people, seconds of
work on each start that would change nothing. After a complete load a
fingerprint is kept in the data folder: of the password, the database, and the
code and shipped frameworks that make the demo data. A start whose
fingerprint matches, with no migration run, loads nothing.
"""

import hashlib
from pathlib import Path

from django.conf import settings

import interagency.catalogue

SOURCES = (
    # The folder, not the package: importing the seeding code would cost every start.
    (Path(__file__).parent / "seeding", "*.py"),
    (Path(interagency.catalogue.__file__).parent / "data", "*.json"),
)


def fingerprint_file() -> Path:
    """Where the fingerprint of the last complete load is kept (the data folder)."""
    return Path(settings.DATA_DIR) / "demo-data-fingerprint"


def demo_data_fingerprint(password: str) -> str:
    """A digest of the password, the database, and the files the demo data is made from."""
    digest = hashlib.sha256(password.encode() + b"\0")
    database = settings.DATABASES["default"]
    for key in ("ENGINE", "NAME", "HOST", "PORT"):
        digest.update(f"{key}={database.get(key, '')}\0".encode())
    for folder, pattern in SOURCES:
        for path in sorted(folder.rglob(pattern)):
            if "tests" in path.relative_to(folder).parts:
                continue  # the tests do not make the demo data
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def demo_data_is_loaded(password: str) -> bool:
    """True when the last complete load had this fingerprint."""
    stored = fingerprint_file()
    return stored.is_file() and stored.read_text(encoding="utf-8") == demo_data_fingerprint(
        password
    )


def forget_demo_data() -> None:
    """The next start loads the demo data again (a migration ran, or a load is under way)."""
    fingerprint_file().unlink(missing_ok=True)


def remember_demo_data(password: str) -> None:
    """The demo data is loaded and complete, as this code makes it."""
    stored = fingerprint_file()
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_text(demo_data_fingerprint(password), encoding="utf-8")
