"""A synthetic quarter: N department reports over several programs (mostly .docx), plus the matching registry."""

from __future__ import annotations

import argparse
import json
import os
import random
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.city import City, build_city, write_registry
from bench.defects import BROKEN_DEFECTS, spoil_number, truncate, write_cover_letter
from bench.layouts import REJECTED_DEFECTS, BuiltReport, ReportPlan, build_report, period_phrase
from bench.packages import freeze_package
from zvit.normalize.periods import ReportingPeriod, parse_period_code
from zvit.registry.schema import Calendar
from zvit.samples.csv_writer import write_csv
from zvit.samples.docx_writer import write_docx
from zvit.samples.xlsx_writer import write_xlsx

DEFAULT_SEED = 20221010
KYIV = ZoneInfo("Europe/Kyiv")
#: Shares of the formats departments send: mostly Word, some Excel, a few CSV exports.
XLSX_SHARE, CSV_SHARE = 0.12, 0.08
#: Shares of files that cannot be read and of reports the gate rejects ("a few percent" each).
BROKEN_SHARE, REJECTED_SHARE = 0.03, 0.03
LATE_SHARE = 0.05
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class GeneratedFile:
    """One file of the synthetic inbox and what zvit should make of it."""

    name: str
    format: str
    department: str
    program: str
    #: report lines (measures and sub-items) the parser should find; 0 for a file that cannot be read
    lines: int
    sub_items: int
    continuations: int
    has_total: bool
    defect: str | None
    received: str

    @property
    def broken(self) -> bool:
        """Intake refuses the file."""
        return self.defect in BROKEN_DEFECTS

    @property
    def rejected(self) -> bool:
        """The file reads, but the gate rejects the report."""
        return self.defect in REJECTED_DEFECTS


@dataclass(frozen=True)
class GeneratedQuarter:
    """Where the synthetic quarter was written and what is in it."""

    root: Path
    inbox: Path
    registry: Path
    period: str
    seed: int
    programs: int
    departments: int
    files: tuple[GeneratedFile, ...]

    def paths(self) -> list[Path]:
        """Every inbox file."""
        return [self.inbox / f.name for f in self.files]

    def formats(self) -> Counter[str]:
        """How many files of each format."""
        return Counter(f.format for f in self.files)


def generate_quarter(out_dir: Path, n: int, *, seed: int = DEFAULT_SEED, period: str = "2022-Q3",
                     broken_share: float = BROKEN_SHARE, rejected_share: float = REJECTED_SHARE,
                     programs: int | None = None) -> GeneratedQuarter:
    """Write `out_dir/inbox/<period>/*` (n files) and `out_dir/registry/*.yaml`, deterministic from the seed."""
    if n < 1:
        raise ValueError("n must be at least 1")
    when = parse_period_code(period)
    rng = random.Random(seed)
    city = build_city(rng, n, when, programs=programs)
    pairs = [(d, city.program(code)) for d in city.departments for code in d.programs]
    assert len(pairs) == n, "every department sends one report per registered program"
    formats = _formats(rng, n)
    defects = _defects(rng, n, broken_share, rejected_share)
    deadline = Calendar().deadline(when)
    inbox = out_dir / "inbox" / period
    inbox.mkdir(parents=True, exist_ok=True)
    files = []
    for index, (department, program) in enumerate(pairs):
        defect = defects.get(index)
        fmt = formats[index]
        if defect == "not-a-report" or (defect == "truncated" and fmt == "csv"):
            fmt = "docx"  # a cover letter is a Word file; a cut CSV would still read, so cut a package
        plan = ReportPlan(department, program, lines=rng.randint(10, 40), planned_column=rng.random() < 0.85,
                          unit=1000 if rng.random() < 0.8 else 1, defect=defect)
        received = _received(rng, deadline)
        path = inbox / f"{department.code}--{program.code}.{fmt}"
        # Each file draws from its own generator, so one file's content does not shift the next one's.
        built = _write(random.Random(f"{seed}:{index}"), path, fmt, plan, city, when, received)
        os.utime(path, (received.timestamp(), received.timestamp()))
        ok = defect not in BROKEN_DEFECTS
        files.append(GeneratedFile(path.name, fmt, department.code, program.code, built.lines if ok else 0,
                                   built.sub_items if ok else 0, built.continuations if ok else 0,
                                   built.has_total and ok, defect, received.isoformat()))
    quarter = GeneratedQuarter(out_dir, inbox, write_registry(city, out_dir / "registry"), period, seed,
                               len(city.programs), len(city.departments), tuple(files))
    _write_manifest(quarter)
    return quarter


def _formats(rng: random.Random, n: int) -> list[str]:
    xlsx = round(n * XLSX_SHARE)
    csv = round(n * CSV_SHARE)
    if n >= 3:
        xlsx, csv = max(1, xlsx), max(1, csv)  # even a small quarter shows every format
    chosen = rng.sample(range(n), xlsx + csv)
    formats = ["docx"] * n
    for position, index in enumerate(chosen):
        formats[index] = "xlsx" if position < xlsx else "csv"
    return formats


def _defects(rng: random.Random, n: int, broken_share: float, rejected_share: float) -> dict[int, str]:
    def count(share: float) -> int:
        wanted = round(n * share)
        return max(1, wanted) if share > 0 and n >= 6 else wanted

    broken, rejected = count(broken_share), count(rejected_share)
    chosen = rng.sample(range(n), min(n, broken + rejected))
    # Kinds in turn, so that a handful of defects already covers every kind.
    kinds = [BROKEN_DEFECTS[i % len(BROKEN_DEFECTS)] for i in range(broken)] + \
        [REJECTED_DEFECTS[i % len(REJECTED_DEFECTS)] for i in range(rejected)]
    return dict(zip(chosen, kinds, strict=False))  # fewer files than defects: the last kinds go unused


def _received(rng: random.Random, deadline: date) -> datetime:
    days_before = -rng.randint(1, 10) if rng.random() < LATE_SHARE else rng.randint(0, 9)
    day = deadline - timedelta(days=days_before)
    return datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59)), KYIV)


def _write(rng: random.Random, path: Path, fmt: str, plan: ReportPlan, city: City, period: ReportingPeriod,
           saved: datetime) -> BuiltReport:
    built = build_report(rng, plan, city, period)
    if plan.defect == "not-a-report":
        freeze_package(write_cover_letter(path, plan.department.name, plan.program.title, period_phrase(period)),
                       saved)
        return built
    layout = spoil_number(rng, built.layout) if plan.defect == "bad-number" else built.layout
    if fmt == "docx":
        write_docx([layout], path)
    elif fmt == "xlsx":
        write_xlsx([layout], path)
    else:
        write_csv(layout, path, encoding=rng.choice(("cp1251", "cp1251", "utf-8-sig")),
                  delimiter=rng.choice((";", ";", ",")))
    if fmt != "csv":
        freeze_package(path, saved)
    if plan.defect == "truncated":
        truncate(path, rng)
    return built


def _write_manifest(quarter: GeneratedQuarter) -> None:
    data = {"period": quarter.period, "seed": quarter.seed, "programs": quarter.programs,
            "departments": quarter.departments, "inbox": str(quarter.inbox), "registry": str(quarter.registry),
            "files": [asdict(f) for f in quarter.files]}
    (quarter.root / MANIFEST).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.generate --n 100 --out DIR`: write a synthetic quarter and print its summary."""
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__)
    parser.add_argument("--n", type=int, required=True, help="number of submissions")
    parser.add_argument("--out", type=Path, required=True, help="directory to write inbox/ and registry/ into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--period", default="2022-Q3")
    args = parser.parse_args(argv)
    quarter = generate_quarter(args.out, args.n, seed=args.seed, period=args.period)
    defects = Counter(f.defect for f in quarter.files if f.defect)
    print(f"{len(quarter.files)} files in {quarter.inbox} ({dict(quarter.formats())}), "
          f"{quarter.programs} programs, {quarter.departments} departments, "
          f"{sum(f.lines for f in quarter.files)} lines, defects {dict(defects)}; registry in {quarter.registry}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
