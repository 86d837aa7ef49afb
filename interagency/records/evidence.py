"""Certificates learners upload as evidence: what is accepted, and where it is kept.

Evidence is personal data. It is kept in a private folder of the data directory
(``INTERAGENCY_DATA_DIR/private/evidence``, or ``RECORDS_EVIDENCE_DIR``), which
neither WhiteNoise nor any URL serves: the one way to read a file is the
declaration's evidence page, which asks ``records.access`` first. A file is
accepted only when its name and its first bytes agree that it is a PDF, an
image (PNG, JPEG) or an office document (Word, Excel, PowerPoint, OpenDocument),
and it is smaller than :data:`MAX_EVIDENCE_BYTES`.
"""

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003 and Excel 97–2003 files
# Extension: (content type, the first bytes such a file starts with).
ACCEPTED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".doc": ("application/msword", (_OLE,)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (_ZIP,),
    ),
    ".xls": ("application/vnd.ms-excel", (_OLE,)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (_ZIP,),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (_ZIP,)),
}
ACCEPT_ATTRIBUTE = ",".join(sorted(ACCEPTED))
KINDS_IN_WORDS = "a PDF, a PNG or JPEG image, or an office document (Word, Excel, PowerPoint)"


class EvidenceStorage(FileSystemStorage):
    """A file system storage in the private evidence folder, read from the settings each
    time (so tests may point it elsewhere); it has no URL."""

    @property
    def base_location(self) -> str:
        configured = getattr(settings, "RECORDS_EVIDENCE_DIR", None)
        return str(configured or Path(settings.DATA_DIR) / "private" / "evidence")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> str:
        return ""

    def url(self, name: str | None) -> str:
        raise ValueError("Evidence has no address: the declaration's evidence page serves it.")


def evidence_storage() -> EvidenceStorage:
    return EvidenceStorage()


def evidence_path(instance: object, file_name: str) -> str:
    """A random name under the partnership's folder: the learner's file name is kept apart."""
    partnership_id = getattr(instance, "partnership_id", 0)
    extension = Path(file_name).suffix.lower()
    return f"{partnership_id}/{uuid.uuid4().hex}{extension}"


@dataclass(frozen=True)
class CheckedEvidence:
    name: str
    content_type: str
    content: bytes


def evidence_problem(file_name: str, content: bytes) -> str:
    """Why the file cannot be kept as evidence, in words; empty when it can."""
    if not content:
        return "The selected file is empty."
    if len(content) >= MAX_EVIDENCE_BYTES:
        return f"The selected file must be smaller than {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB."
    kind = ACCEPTED.get(Path(file_name).suffix.lower())
    if kind is None or not content.startswith(kind[1]):
        return f"The selected file must be {KINDS_IN_WORDS}."
    return ""


def checked_evidence(file_name: str, content: bytes) -> CheckedEvidence:
    """The file with its content type; call :func:`evidence_problem` first."""
    name = Path(file_name).name[-150:] or "evidence"
    return CheckedEvidence(name, ACCEPTED[Path(file_name).suffix.lower()][0], content)
