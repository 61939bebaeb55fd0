"""Prefect orchestration: thin flows that name, retry and sequence calls into the Prefect-free `zvit` code."""

import os

# zvit's own loggers (zvit.*) show in the Prefect run logs, whoever starts the flows: set before Prefect reads
# its settings, which it does when first imported.
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "zvit")
