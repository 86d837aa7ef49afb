"""People import: read an agency's staff list (CSV or XLSX), map its columns, check it, write it.

The steps are separate so each can be shown to the person importing; one
module each:

1. ``reading.read_table`` turns the uploaded bytes into a header and rows of
   text, refusing what is not a staff list (wrong type, too big, no header
   row, mixed encodings, formulas).
2. ``mapping.suggest_mapping`` proposes which column holds which of our
   fields; the coordinator or agency lead confirms it, and it is remembered
   per agency.
3. ``checking.plan_import`` checks every row and decides, without writing,
   what would be created, updated, left unchanged, marked as left or
   rejected. ``keeping`` keeps that plan from the preview to the apply while
   a fingerprint of what it was made from is unchanged.
4. ``applying.write_plan`` carries the plan out with bulk operations. The
   caller (``services.imports.apply.run_people_import``) wraps it in one
   transaction, so an import is applied whole or not at all.

Reading and planning only read the database, so a background worker can
report progress from them in short transactions of its own; the writing is
one transaction at the end (on SQLite a long write transaction would hold the
only write lock, and progress could not be recorded beside it). The uploads,
previews and runs themselves (``PeopleImport``) are written by
the steps of ``people.services.imports``.
"""
