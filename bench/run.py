"""The benchmark: for each N, the floor (just reading the files) against `zvit run` end to end on a fresh warehouse.

    python -m bench.run --n 10 100 1000 [--out DIR] [--results bench/RESULTS.md]

Per N: generate a synthetic quarter (not timed); read every file with python-docx / openpyxl / csv in one
plain process (the floor); `zvit run` on an empty inbox (the fixed start-up cost); `zvit run` on the quarter
(wall time, peak RSS of the process tree, stage times from its Prefect task runs); the same steps without
Prefect in one process (bench.stages). Writes a markdown table and the raw numbers as JSON.

Every `zvit run` finds its Prefect home as every run after a machine's first does: with Prefect's database in it
(a copy of one created once per benchmark, whose creation time is reported on its own).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.generate import DEFAULT_SEED, generate_quarter
from bench.machine import describe
from bench.prefect_runs import flow_times
from bench.procs import Measured, run_measured
from bench.results import write_results
from bench.stages import summarize

REPO = Path(__file__).resolve().parent.parent
PERIOD = "2022-Q3"


def run_env(work: Path, registry: Path) -> dict[str, str]:
    """The environment of one `zvit run`: everything it writes under `work`, an ephemeral Prefect server."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ZVIT_", "PREFECT_"))}  # never a developer's server or warehouse
    work.mkdir(parents=True, exist_ok=True)
    env.update({
        "ZVIT_DATABASE_URL": f"sqlite:///{work / 'warehouse.db'}",
        "ZVIT_REGISTRY_DIR": str(registry),
        "ZVIT_REPORTS_DIR": str(work / "reports"),
        "ZVIT_OUTBOX_DIR": str(work / "outbox"),
        "ZVIT_INBOX_DIR": str(work / "inbox"),
        "PREFECT_HOME": str(work / "prefect"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


@dataclass(frozen=True)
class PrefectDatabase:
    """Prefect's database as a Prefect home's first run leaves it (migrated, no runs), and what creating it took."""

    path: Path
    seconds: float


def prefect_database(out: Path) -> PrefectDatabase:
    """Create Prefect's database once (`prefect server database upgrade`): a machine's first run creates it in its
    Prefect home, every later run finds it there."""
    work = out / "prefect-database"
    shutil.rmtree(work, ignore_errors=True)
    env = run_env(work, REPO / "registry")
    measured = run_measured([sys.executable, "-m", "prefect", "server", "database", "upgrade", "-y"], env=env,
                            cwd=REPO)
    database = Path(env["PREFECT_HOME"]) / "prefect.db"
    if measured.returncode != 0 or not database.is_file():
        raise SystemExit(f"bench: Prefect's database was not created:\n{measured.stderr[-2000:]}")
    return PrefectDatabase(database, round(measured.wall_seconds, 3))


def used_prefect_home(work: Path, database: PrefectDatabase) -> None:
    """Give the run in `work` a Prefect home as every run after a machine's first finds it: a copy of `database`."""
    home = work / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(database.path, home / "prefect.db")


def zvit_run(inbox: Path, work: Path, registry: Path, database: PrefectDatabase, timeout: float) -> Measured:
    """`zvit run --period P --inbox DIR --json` as a subprocess of this interpreter's environment."""
    command = [sys.executable, "-m", "zvit", "run", "--period", PERIOD, "--inbox", str(inbox), "--json"]
    env = run_env(work, registry)
    used_prefect_home(work, database)
    return run_measured(command, env=env, cwd=REPO, timeout=timeout)


def measure_example(out: Path, database: PrefectDatabase, *, pairs: int, timeout: float,
                    log: Any) -> dict[str, Any]:
    """The bundled example quarter (`zvit example-inbox` + `zvit run`) against the fixed cost any Prefect + GX run
    pays (`bench.fixed`: import great_expectations, one trivial flow, ephemeral): `pairs` pairs, each run in a
    fresh folder with a used Prefect home, the order alternating within pairs so that neither always runs on a
    warmer machine."""
    root = out / "example"
    shutil.rmtree(root, ignore_errors=True)
    registry = REPO / "registry"
    fixed: list[dict[str, Any]] = []
    example: list[dict[str, Any]] = []
    for pair in range(pairs):
        for kind in (("fixed", "example") if pair % 2 == 0 else ("example", "fixed")):
            work = root / f"{kind}-{pair + 1}"
            env = run_env(work, registry)
            log(f"example: {kind} run {pair + 1} of {pairs}")
            if kind == "fixed":
                used_prefect_home(work, database)
                measured = run_measured([sys.executable, "-m", "bench.fixed"], env=env, cwd=REPO, timeout=timeout)
                fixed.append(_run_row(measured, work))
                continue
            inbox = work / "inbox" / PERIOD
            run_measured([sys.executable, "-m", "zvit", "example-inbox", "--inbox", str(inbox)], env=env, cwd=REPO)
            measured = zvit_run(inbox, work, registry, database, timeout)
            example.append(_run_row(measured, work))
    walls = {kind: [run["wall_seconds"] for run in runs if run["returncode"] == 0]
             for kind, runs in (("fixed", fixed), ("example", example))}
    medians = {kind: statistics.median(values) if values else None for kind, values in walls.items()}
    ratio = medians["example"] / medians["fixed"] if medians["example"] and medians["fixed"] else None
    log(f"example: median {medians['example']} s against the fixed {medians['fixed']} s")
    return {"pairs": pairs, "fixed": fixed, "example": example, "fixed_median_seconds": medians["fixed"],
            "example_median_seconds": medians["example"], "ratio": ratio,
            "prefect_database_seconds": database.seconds}


def measure_n(n: int, out: Path, database: PrefectDatabase, *, seed: int, timeout: float,
              log: Any) -> dict[str, Any]:
    """Every measurement of one N; each `zvit run` gets a fresh folder and warehouse, and a used Prefect home."""
    root = out / f"n{n}"
    shutil.rmtree(root, ignore_errors=True)
    log(f"N={n}: generating")
    quarter = generate_quarter(root / "quarter", n, seed=seed, period=PERIOD)
    row: dict[str, Any] = {"n": n, "files": len(quarter.files), "formats": dict(quarter.formats()),
                           "lines": sum(f.lines for f in quarter.files), "programs": quarter.programs,
                           "departments": quarter.departments,
                           "broken": sum(f.broken for f in quarter.files),
                           "rejected": sum(f.rejected for f in quarter.files),
                           "prefect_database_seconds": database.seconds}

    log(f"N={n}: floor")
    floor = run_measured([sys.executable, "-m", "bench.floor", str(quarter.inbox)], env=dict(os.environ), cwd=REPO)
    row["floor"] = {"wall_seconds": round(floor.wall_seconds, 3), "peak_rss_mib": _mib(floor.peak_rss_bytes),
                    **(json.loads(floor.stdout) if floor.returncode == 0 else {"error": floor.stderr[-2000:]})}

    log(f"N={n}: start-up (zvit run on an empty inbox)")
    empty = root / "empty-inbox"
    empty.mkdir(parents=True)
    startup = zvit_run(empty, root / "startup", quarter.registry, database, timeout)
    row["startup"] = _run_row(startup, root / "startup")

    log(f"N={n}: zvit run")
    pipeline = zvit_run(quarter.inbox, root / "pipeline", quarter.registry, database, timeout)
    row["pipeline"] = _run_row(pipeline, root / "pipeline")
    row["pipeline"]["statuses"] = _statuses(pipeline.stdout)

    log(f"N={n}: stages without Prefect")
    work = root / "stages"
    stages = run_measured([sys.executable, "-m", "bench.stages", "--inbox", str(quarter.inbox), "--period", PERIOD],
                          env=run_env(work, quarter.registry), cwd=REPO, timeout=timeout)
    row["stages"] = {"wall_seconds": round(stages.wall_seconds, 3), "peak_rss_mib": _mib(stages.peak_rss_bytes),
                     "returncode": stages.returncode, **summarize(stages.stdout)}
    if stages.returncode != 0:
        row["stages"]["error"] = stages.stderr[-2000:]
    log(f"N={n}: floor {row['floor']['wall_seconds']} s, pipeline {row['pipeline']['wall_seconds']} s, "
        f"start-up {row['startup']['wall_seconds']} s, peak {row['pipeline']['peak_rss_mib']} MiB")
    return row


def _run_row(measured: Measured, work: Path) -> dict[str, Any]:
    times = flow_times(work / "prefect")
    row: dict[str, Any] = {"wall_seconds": round(measured.wall_seconds, 3), "returncode": measured.returncode,
                           "peak_rss_mib": _mib(measured.peak_rss_bytes),
                           "peak_rss_naive_mib": _mib(measured.peak_rss_naive_bytes),
                           "peak_processes": measured.peak_processes,
                           "load_average": [round(value, 2) for value in measured.load_average]}
    if times is not None:
        row.update(flow_seconds=times.flow_seconds, collect_seconds=times.collect_seconds, tasks=times.stages,
                   before_flow_seconds=round(times.started_at - measured.started_at, 3),
                   handovers=[list(handover) for handover in times.handovers])
        if times.ended_at is not None:
            row["after_flow_seconds"] = round(measured.ended_at - times.ended_at, 3)
    if measured.returncode != 0:
        row["error"] = measured.stderr[-2000:]
    return row


def _statuses(stdout: str) -> dict[str, int]:
    try:
        summary = json.loads(stdout)
    except ValueError:
        return {}
    counts: dict[str, int] = {}
    for item in summary.get("submissions", []):
        counts[item["status"]] = counts.get(item["status"], 0) + 1
    return counts


def _mib(size: int) -> float:
    return round(size / 2**20, 1)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for each N and write the results."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", default=[10, 100, 1000], help="quarter sizes (default 10 100 1000)")
    parser.add_argument("--out", type=Path, default=None, help="working directory (default: a temporary one)")
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "RESULTS.md",
                        help="markdown table to write; the raw numbers go next to it as .json")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds one `zvit run` may take")
    parser.add_argument("--merge", action="store_true",
                        help="keep rows of other N from an earlier results .json (each row keeps its own date)")
    parser.add_argument("--rows", type=Path, nargs="*", default=None, metavar="ROW_JSON",
                        help="measure nothing: write the results from these <out>/n<N>/row.json files")
    parser.add_argument("--example-pairs", type=int, default=3,
                        help="pairs of runs of the example quarter and of the fixed cost (default 3; 0: none)")
    parser.add_argument("--example", type=Path, default=None, metavar="EXAMPLE_JSON",
                        help="with --rows: the example's measurements from <out>/example.json")
    args = parser.parse_args(argv)
    if args.rows is not None:
        rows = [json.loads(path.read_text(encoding="utf-8")) for path in args.rows]
        machine = next((row["machine"] for row in reversed(rows) if "machine" in row), None)
        example = json.loads(args.example.read_text(encoding="utf-8")) if args.example else None
        write_results(args.results, rows, machine or describe(REPO), merge=args.merge, example=example)
        return 0
    out = args.out or Path(tempfile.mkdtemp(prefix="zvit-bench-"))

    def log(message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    machine = describe(REPO)
    log("Prefect's database, created once")
    database = prefect_database(out)
    example = None
    if args.example_pairs > 0:
        example = measure_example(out, database, pairs=args.example_pairs, timeout=args.timeout, log=log)
        (out / "example.json").write_text(json.dumps(example, ensure_ascii=False, indent=1), encoding="utf-8")
    rows = []
    for n in args.n:
        row = measure_n(n, out, database, seed=args.seed, timeout=args.timeout, log=log)
        row["date"], row["machine"] = machine["date"], machine
        # Kept as it comes, so that a long run that fails later leaves what it measured.
        (out / f"n{n}" / "row.json").write_text(json.dumps(row, ensure_ascii=False, indent=1), encoding="utf-8")
        rows.append(row)
    write_results(args.results, rows, machine, merge=args.merge, example=example)
    log(f"results in {args.results} (raw: {args.results.with_suffix('.json')}); working files in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
