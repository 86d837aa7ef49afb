"""Every write of the people app: one transaction each, validated, personal data audited.

One module per concern: agencies and their services (``agencies``), people
and their line managers (``people``), duplicate records merged (``merging``),
headcounts and planned places (``headcounts``), the mapping survey
(``survey``), and a staff list's import from upload to applied (``imports``,
a package with a module per step: read, check, plan, apply, and the stalled
runs). Each module says what it audits. Callers import from the module that
defines the service (the ``imports`` package exports its steps' services).
"""
