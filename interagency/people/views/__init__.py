"""People pages, one module per topic: agencies, imports, survey, needs."""
