"""SQLite with writers taking turns (``ENGINE = "interagency.core.sqlite_backend"``)."""
