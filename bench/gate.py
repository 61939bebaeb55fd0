"""The gate's time against the count of failing rows: one batch, every row failing a warning rule.

`python -m bench.gate` checks batches of 1,000, 10,000 and 40,000 lines whose percent disagrees with financed /
annual (ROW-PERCENT-MISMATCH on every line), all in one run, and writes bench/GATE.md: seconds, seconds per
thousand lines, and each size against the smallest. Linear means the per-thousand figure stays flat.
"""

from __future__ import annotations

import argparse
import time
from decimal import Decimal
from pathlib import Path

from zvit.intake import read_reports
from zvit.model import FormLine, Report, SourceLocation
from zvit.registry import load_registry
from zvit.registry.resolve import resolve
from zvit.settings import DEFAULT_REGISTRY_DIR

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "zhytomyr-efficient-government-2022-9m.txt"
SIZES = (1_000, 10_000, 40_000)
#: lines per report: a region's batch is many reports of a few hundred lines
PER_REPORT = 200


def batch(lines: int) -> list[Report]:
    """Reports of the seed's first department, `PER_REPORT` lines each, every line's percent wrong."""
    base = read_reports(SEED)[0]
    reports = []
    for start in range(0, lines, PER_REPORT):
        rows = tuple(FormLine(measure=str(n), task="Захід", annual=Decimal(100), financed=Decimal(10),
                              percent=Decimal(50), location=SourceLocation(part="1", row=n + 2),
                              columns={"percent": "9", "annual": "7", "financed": "8"})
                     for n in range(1, min(PER_REPORT, lines - start) + 1))
        reports.append(base.model_copy(update={"rows": rows, "total": None, "warnings": (), "index": 1,
                                               "source": f"copy-{start}.txt"}))
    return reports


def measure(sizes: tuple[int, ...]) -> list[tuple[int, int, float]]:
    """(lines, findings, seconds) for each size, the Great Expectations import paid before the first."""
    from zvit.quality.gate import check_reports

    registry = load_registry(DEFAULT_REGISTRY_DIR)
    check_reports(batch(10), [resolve(r, registry) for r in batch(10)], registry=registry)  # warm: imports
    found = []
    for size in sizes:
        reports = batch(size)
        resolutions = [resolve(r, registry) for r in reports]
        began = time.perf_counter()
        findings = check_reports(reports, resolutions, registry=registry, period="2022-Q3")
        seconds = time.perf_counter() - began
        found.append((size, sum(1 for f in findings for x in f if x.rule_code == "ROW-PERCENT-MISMATCH"), seconds))
    return found


def table(results: list[tuple[int, int, float]]) -> str:
    """The results as markdown."""
    smallest = results[0]
    rows = ["| lines | ROW-PERCENT-MISMATCH findings | seconds | seconds per 1,000 lines | × the smallest |",
            "| ---: | ---: | ---: | ---: | ---: |"]
    for lines, findings, seconds in results:
        rows.append(f"| {lines:,} | {findings:,} | {seconds:.2f} | {seconds / lines * 1000:.3f} | "
                    f"{seconds / smallest[2]:.1f} (lines × {lines / smallest[0]:.0f}) |")
    return "\n".join(rows)


NOTE = ("A batch pays a fixed cost first (the Great Expectations context, its suites and the staging database); "
        "past it, time grows with the lines, so the seconds per 1,000 lines fall towards a constant. Every failing "
        "row reaches its finding: Great Expectations passes on at most 200 rows of a query rule, and the gate reads "
        "the rest from the same query; a column rule is asked for as many rows as the batch has lines.")


def main(argv: list[str] | None = None) -> int:
    """Measure and write bench/GATE.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.gate", description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "GATE.md")
    args = parser.parse_args(argv)
    results = measure(SIZES)
    text = (f"# The gate against the count of failing rows\n\n{__doc__.splitlines()[2].strip()} "
            f"{' '.join(line.strip() for line in __doc__.splitlines()[3:5])}\n\n{table(results)}\n\n{NOTE}\n")
    args.out.write_text(text, encoding="utf-8")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
