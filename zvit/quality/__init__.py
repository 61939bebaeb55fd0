"""The data-quality gate: every rule of the catalogue checked on a batch of reports in one Great Expectations run."""

from zvit.quality.gate import GateError, check_reports

__all__ = ["GateError", "check_reports"]
