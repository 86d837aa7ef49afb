"""A framework document as a JSON file, and back."""

import json
from collections.abc import Mapping
from typing import Any

from interagency.catalogue.interchange import Problem
from interagency.catalogue.workbook import limits
from interagency.catalogue.workbook.sheets import whole_file


def document_to_json(document: Mapping) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def json_to_document(data: bytes) -> tuple[dict[str, Any], list[Problem]]:
    """The document in a JSON file; bad JSON is one problem giving its line and column."""
    if len(data) > limits.MAX_UPLOAD_BYTES:
        return {}, [limits.too_large(len(data))]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return {}, [
            whole_file("The file is not UTF-8 text: save the JSON as UTF-8.", f"byte {error.start}")
        ]
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        lines = error.doc.splitlines()
        line = lines[error.lineno - 1] if 0 < error.lineno <= len(lines) else ""
        return {}, [
            Problem(
                sheet="JSON",
                row=error.lineno,
                column=f"character {error.colno}",
                value=line.strip()[:80],
                message=f"This is not valid JSON: {error.msg} "
                f"(line {error.lineno}, column {error.colno}).",
            )
        ]
    if not isinstance(document, dict):
        return {}, [
            whole_file(
                "The file must hold one framework: a JSON object with slug, name, tiers "
                "and courses.",
                type(document).__name__,
            )
        ]
    return document, []
