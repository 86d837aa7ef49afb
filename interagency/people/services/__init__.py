"""Every write of the people app: one transaction each, validated, personal data audited.

One module per concern: agencies and their services (``agencies``), people
and their line managers (``people``), duplicate records merged (``merging``),
headcounts and planned places (``headcounts``), the mapping survey
(``survey``), uploading and previewing a staff list (``imports``) and applying
it (``import_runs``). Each module says what it audits. Callers import from
the module that defines the service.
"""
