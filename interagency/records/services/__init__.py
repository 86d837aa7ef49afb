"""Write training records, one module per source; every write one transaction, audited.

``sessions`` (a closed register's records), ``elearning`` (a coordinator's file of
e-learning completions, previewed then applied), ``declarations`` (training done
elsewhere, declared, then approved or rejected) and ``moves`` (a person's share
code, and another partnership taking their records with it).
"""

from interagency.records.services.sessions import record_session_completion

__all__ = ["record_session_completion"]
