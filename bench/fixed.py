"""The fixed cost every Prefect + Great Expectations run pays: import great_expectations, run one trivial flow.

    python -m bench.fixed      # with no PREFECT_API_URL: the flow starts Prefect's temporary server, as `zvit run`
"""

from __future__ import annotations

import great_expectations  # noqa: F401 - importing it is the cost measured
from prefect import flow


@flow(name="trivial")
def trivial() -> int:
    """Do nothing: what is left is Prefect's own cost of a flow run."""
    return 1


if __name__ == "__main__":
    raise SystemExit(0 if trivial() == 1 else 1)
