"""Writing the benchmark's results: bench/RESULTS.md (tables, targets, machine) and the raw numbers as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.estimate import estimate_pipeline

STAGES = ("collect", "parse", "validate", "load", "render", "notify")
RENDER_PARTS = ("gather", "html", "docx", "xlsx", "pdf", "datapackage")
#: Issue 15's targets on a 2-core machine: N = 1000 and N = 100 against the floor, the largest program's PDF,
#: the process tree's peak memory, the example quarter against the fixed Prefect + GX cost.
TARGET_RATIO, TARGET_RATIO_100, TARGET_PDF_SECONDS, TARGET_RSS_MIB, TARGET_EXAMPLE = 2.0, 4.0, 10.0, 1024, 1.1


def write_results(path: Path, rows: list[dict[str, Any]], machine: dict[str, str], *, merge: bool = False,
                  example: dict[str, Any] | None = None) -> None:
    """Write the markdown table to `path` and every number to `path` with the suffix .json."""
    raw = path.with_suffix(".json")
    if merge and raw.exists():
        earlier = json.loads(raw.read_text(encoding="utf-8"))
        mine = {row["n"] for row in rows}
        rows = [row for row in earlier.get("rows", []) if row["n"] not in mine] + rows
        example = example or earlier.get("example")
    rows = sorted(rows, key=lambda row: row["n"])
    path.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text(json.dumps({"machine": machine, "rows": rows, "example": example}, ensure_ascii=False, indent=1)
                   + "\n", encoding="utf-8")
    path.write_text(render_markdown(rows, machine, example), encoding="utf-8")


def finished(run: dict[str, Any]) -> bool:
    """The run ended by itself with exit code 0."""
    return run.get("returncode") == 0


def derived(row: dict[str, Any]) -> dict[str, float | None]:
    """Ratio to the floor, cost after the fixed start-up, per submission; None where the run did not finish."""
    pipeline, startup, floor = row["pipeline"], row["startup"], row["floor"]
    if not finished(pipeline):
        return {"ratio": None, "net": None, "per_submission_ms": None, "net_ratio": None}
    ratio = pipeline["wall_seconds"] / floor["wall_seconds"]
    if not finished(startup):  # a start-up that failed measured something else than the start-up
        return {"ratio": ratio, "net": None, "per_submission_ms": None, "net_ratio": None}
    net = pipeline["wall_seconds"] - startup["wall_seconds"]
    floor_read = floor.get("read_seconds") or floor["wall_seconds"]
    return {"ratio": ratio, "net": net, "per_submission_ms": 1000 * net / row["n"], "net_ratio": net / floor_read}


def render_markdown(rows: list[dict[str, Any]], machine: dict[str, str],
                    example: dict[str, Any] | None = None) -> str:
    """The results page: summary, stage times two ways, estimates for runs stopped, targets, machine."""
    lines = ["# Benchmark: a synthetic quarter through `zvit run`", "",
             (f"Measured {machine['date']} with `python -m bench.run` (commit {machine['commit']}). "
              "Each N is one synthetic quarter from `bench.generate` (seed fixed), a fresh SQLite warehouse and "
              f"a fresh temporary Prefect server. {_prefect_home(rows, example)}"), "",
             "## End to end", "",
             ("| N | files (docx/xlsx/csv) | report lines | programs | floor s | pipeline s | ratio | start-up s "
              "| pipeline − start-up s | per submission ms | floor read only s | net ratio "
              "| peak RSS MiB (naive sum) | machine load | verdicts |"),
             "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for row in rows:
        d, pipe, formats = derived(row), row["pipeline"], row["formats"]
        verdicts = ", ".join(f"{k} {v}" for k, v in sorted(pipe.get("statuses", {}).items())) or "-"
        wall = _s(pipe["wall_seconds"]) if finished(pipe) else \
            f"stopped at {_s(pipe['wall_seconds'])} (exit {pipe.get('returncode')})"
        startup = _s(row["startup"]["wall_seconds"]) if finished(row["startup"]) else \
            f"{_s(row['startup']['wall_seconds'])} (failed: exit {row['startup'].get('returncode')})"
        lines.append(
            f"| {row['n']} | {row['files']} ({formats.get('docx', 0)}/{formats.get('xlsx', 0)}/{formats.get('csv', 0)})"
            f" | {row['lines']} | {row['programs']} | {_s(row['floor']['wall_seconds'])} | {wall} | {_x(d['ratio'])}"
            f" | {startup} | {_s(d['net'])} | {_s(d['per_submission_ms'], 0)}"
            f" | {_s(row['floor'].get('read_seconds'))} | {_x(d['net_ratio'])} | {pipe['peak_rss_mib']}"
            f" ({pipe.get('peak_rss_naive_mib', '-')}) | {_load(pipe)} | {verdicts} |")
    lines += ["", ("*floor*: one plain Python process opens every file and reads every cell (python-docx: every "
               "paragraph and every cell of every table; openpyxl read-only: every cell value; csv: every field), "
               "interpreter start and imports included; *floor read only* leaves those out. *ratio* = pipeline / "
               "floor, both wall clock, measured in the same run. *start-up*: `zvit run` on an empty inbox with "
               "the same registry (imports, the temporary Prefect server, registry sync, an empty flow, the "
               "summary). *net ratio* = (pipeline − start-up) / floor read only. *peak RSS*: VmRSS summed over "
               "the process tree (zvit, its reading pool and the Prefect server it starts), sampled every 50 ms; "
               "a child forked but not yet exec'd repeats its parent's pages and is left out, the naive sum "
               "counts it. *machine load*: the 1-minute load average as `zvit run` started → as it ended "
               "(2 cores: above 2, other work on the machine was competing for them). Every run prints every "
               "program's PDF."), ""]
    lines += _prefect_table(rows) + _inprocess_table(rows) + _render_table(rows) + _example(example)
    lines += _estimates(rows) + _targets(rows, example) + _machine(machine)
    return "\n".join(lines) + "\n"


def _prefect_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["## Where the time goes: the Prefect task runs of `zvit run`", "",
             ("Read from the task runs in the run's temporary Prefect database. *collect* is from the flow's start "
              "to the first task's start (listing the inbox). *parse* is the span from the first `read-files` task's "
              "start to the last one's end (up to 16 tasks, each a group of files, run concurrently and reading "
              "on a process pool over the cores), with the summed time inside the tasks in brackets; the other "
              "stages are the time inside their tasks; *notify* is the `notify` "
              "task plus `flag-rejection` (one task per rejected report). *between tasks*: idle time from one stage's "
              "last task to the next stage's first (Prefect preparing the next task run: it walks every value of "
              "the batch passed as a parameter). *outside the flow*: from the process's "
              "start to the flow's start (imports, the temporary server's start) and from the flow's end to the "
              "process's exit (the summary, the server's shutdown). *empty inbox* rows are the start-up runs. "
              "A stage missing from a stopped run had not finished."), "",
             ("| N | collect s | parse s (inside tasks) [files] | validate s | load s | render s | notify s (runs) "
              "| between tasks s (largest) | flow s | outside the flow s (before + after) |"),
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    runs = [(f"{row['n']}: empty inbox", row["startup"]) for row in rows]
    runs += [(str(row["n"]), row["pipeline"]) for row in rows]
    for label, pipe in runs:
        tasks = pipe.get("tasks")
        if not tasks:
            lines.append(f"| {label} | - | - | - | - | - | - | - | - | - |")
            continue
        parse, notify = tasks.get("parse", {}), tasks.get("notify", {})
        cells = [_s(pipe.get("collect_seconds")),
                 f"{_s(parse.get('span_seconds'))} ({_s(parse.get('task_seconds'))}) [{parse.get('runs', 0)}]",
                 *(_s(tasks.get(stage, {}).get("task_seconds")) for stage in ("validate", "load", "render")),
                 f"{_s(notify.get('task_seconds'))} ({notify.get('runs', 0)})",
                 _handovers(pipe.get("handovers")),
                 _s(pipe.get("flow_seconds")),
                 f"{_s(pipe.get('before_flow_seconds'))} + {_s(pipe.get('after_flow_seconds'))}"]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _handovers(handovers: list[list[Any]] | None) -> str:
    if not handovers:
        return "-"
    before, after, largest = max(handovers, key=lambda handover: handover[2])
    return f"{_s(sum(h[2] for h in handovers))} ({before} → {after} {_s(largest)})"


def _inprocess_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["## Stage times without Prefect (`bench.stages`, one process and its reading pool)", "",
             ("The files go through zvit.pipeline `process` as every entry point sends them, on the same files "
              "and a fresh warehouse, each of its steps timed: `inbox_files` (collect), zvit.reading `read_all` "
              "on a reading pool (parse), `check` (validate), `store` with the registry sync (load); then "
              "zvit.quarter `render_reports`, as the flow's render task (render: every program, each one's PDF "
              "typeset by Typst processes of their own while this one writes the other formats) and "
              "zvit.quarter `notify_period` into the outbox (notify). *import* is Great Expectations and "
              "zvit, paid once before the stages. *total* is the sum of these columns. *peak RSS* is the "
              "process tree summed (the process, its reading pool and its Typst processes) over the whole run. "
              "A stage missing from a stopped run had not finished."), "",
             "| N | import s | " + " | ".join(f"{stage} s" for stage in STAGES) + " | total s | peak RSS MiB |",
             "| ---: | ---: | " + " | ".join("---:" for _ in STAGES) + " | ---: | ---: |"]
    for row in rows:
        stages = row.get("stages", {})
        seconds = stages.get("seconds") or {}
        measured = [seconds[stage] for stage in ("import", *STAGES) if seconds.get(stage) is not None]
        total = _s(sum(measured) if measured else None) + ("" if finished(stages) else " (stopped)")
        cells = [_s(seconds.get("import")), *(_s(seconds.get(stage)) for stage in STAGES), total,
                 str(stages.get("peak_rss_mib", "-"))]
        lines.append(f"| {row['n']} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _render_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["### The largest program, one format at a time (`bench.stages`, after the stages)", "",
             ("The largest program's report gathered and written again, each format alone with nothing beside it: "
              "what each format costs (the PDF row is the «3,000-line PDF» of the targets)."), "",
             "| N | program | report lines | " + " | ".join(f"{part} s" for part in RENDER_PARTS) + " |",
             "| ---: | --- | ---: | " + " | ".join("---:" for _ in RENDER_PARTS) + " |"]
    for row in rows:
        stages = row.get("stages", {})
        programs = stages.get("render_by_program") or {}
        if not programs:
            lines.append(f"| {row['n']} | - | - | " + " | ".join("-" for _ in RENDER_PARTS) + " |")
            continue
        program, parts = next(iter(programs.items()))
        cells = [program, str((stages.get("render_lines") or {}).get(program, "-")),
                 *(_s(parts.get(part)) for part in RENDER_PARTS)]
        lines.append(f"| {row['n']} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _prefect_home(rows: list[dict[str, Any]], example: dict[str, Any] | None) -> str:
    """How each run found its Prefect home: with Prefect's database made once (and how long making it took)."""
    made = [item["prefect_database_seconds"] for item in [*rows, example or {}] if "prefect_database_seconds" in item]
    if not made:
        return "Each run had a new Prefect home, so its temporary server first created Prefect's database."
    return ("Each run finds its Prefect home as every run after a machine's first does: with Prefect's database "
            "in it, a copy of one created once for the benchmark (`prefect server database upgrade`, "
            f"{_s(made[0])} s, which a machine's first run adds once).")


def _example(example: dict[str, Any] | None) -> list[str]:
    if not example:
        return []
    lines = ["## The example quarter against the fixed cost", "",
             ("*fixed*: `python -m bench.fixed`, the cost any Prefect + Great Expectations run pays: import "
              "great_expectations, then one trivial flow in ephemeral mode (Prefect starts its temporary server). "
              "*example*: `zvit example-inbox` (not timed), then `zvit run --period 2022-Q3` on the bundled "
              "example (3 reports, the shipped registry). Each run in a fresh folder, its Prefect home as above, "
              "in pairs, the order alternating."), "",
             ("| pair | fixed s | fixed: outside the flow s (before + after) | example s | example: outside the flow "
              "s (before + after) | example: flow s | machine load (fixed; example) |"),
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for index, (fixed, run) in enumerate(zip(example["fixed"], example["example"], strict=False), start=1):
        lines.append(f"| {index} | {_s(fixed['wall_seconds'])} | {_s(fixed.get('before_flow_seconds'))} + "
                     f"{_s(fixed.get('after_flow_seconds'))} | {_s(run['wall_seconds'])} | "
                     f"{_s(run.get('before_flow_seconds'))} + {_s(run.get('after_flow_seconds'))} | "
                     f"{_s(run.get('flow_seconds'))} | {_load(fixed)}; {_load(run)} |")
    lines.append(f"| median | {_s(example['fixed_median_seconds'])} | | {_s(example['example_median_seconds'])} "
                 f"| | | |")
    return [*lines, ""]


def _estimates(rows: list[dict[str, Any]]) -> list[str]:
    stopped = [row for row in rows if not finished(row["pipeline"])]
    if not stopped:
        return []
    lines = ["## Estimates for runs that were stopped (**not measured end to end**)", ""]
    for row in stopped:
        estimate = estimate_pipeline(row, rows)
        if estimate is None:
            lines.append(f"- N = {row['n']}: not enough measurements for an estimate.")
            continue
        ratio = estimate.total / row["floor"]["wall_seconds"]
        lines.append(f"- N = {row['n']}: **estimated {_s(estimate.total)} s end to end, {ratio:.1f}x the floor "
                     f"({_s(row['floor']['wall_seconds'])} s, measured)**. Per stage:")
        lines += [f"  - {part.stage}: {_s(part.seconds)} s — {part.source}" for part in estimate.parts]
    return [*lines, ""]


def _targets(rows: list[dict[str, Any]], example: dict[str, Any] | None) -> list[str]:
    by_n = {row["n"]: row for row in rows}
    lines = ["## Targets (issue 15, on this machine, every PDF printed)", ""]
    for n, limit in ((1000, TARGET_RATIO), (100, TARGET_RATIO_100)):
        row = by_n.get(n)
        if row is None:
            lines.append(f"- N = {n} within {limit:g}x the floor: not measured in these results")
            continue
        estimate = None if finished(row["pipeline"]) else estimate_pipeline(row, rows)
        ratio = derived(row)["ratio"] if estimate is None else estimate.total / row["floor"]["wall_seconds"]
        note = "" if estimate is None else " (estimated: the run was stopped)"
        lines.append(f"- N = {n} within {limit:g}x the floor: {_x(ratio)}{note} {_verdict(ratio, limit)}")
    largest = max(rows, key=lambda row: row["n"], default=None)
    pdf = None
    if largest is not None:
        programs = largest.get("stages", {}).get("render_by_program") or {}
        lines_of = largest.get("stages", {}).get("render_lines") or {}
        program = next(iter(programs), None)
        if program is not None and programs[program].get("pdf") is not None:
            pdf = programs[program]["pdf"]
            lines.append(f"- the PDF of the largest program ({lines_of.get(program, '?')} report lines, N = "
                         f"{largest['n']}) within {TARGET_PDF_SECONDS:g} s: {_s(pdf)} s "
                         f"{_verdict(pdf, TARGET_PDF_SECONDS)}")
    if pdf is None:
        lines.append(f"- a 3,000-line program's PDF within {TARGET_PDF_SECONDS:g} s: not measured in these results")
    peaks = [(row["pipeline"]["peak_rss_mib"], row["n"]) for row in rows]
    if peaks:
        peak, n = max(peaks)
        lines.append(f"- peak RSS of the process tree under 1 GiB: {peak} MiB (N = {n}) "
                     f"{_verdict(peak, TARGET_RSS_MIB)}")
    ratio = (example or {}).get("ratio")
    lines.append(f"- the example quarter within {TARGET_EXAMPLE:g}x the fixed Prefect + GX cost: {_x(ratio)} "
                 f"{_verdict(ratio, TARGET_EXAMPLE)}")
    return [*lines, ""]


def _machine(machine: dict[str, str]) -> list[str]:
    return ["## Machine", "",
            f"- {machine['cores']} cores ({machine['cpu']}), {machine['memory']} memory, {machine['os']}",
            f"- Python {machine['python']}; {machine['packages']}",
            f"- date {machine['date']}, commit {machine['commit']}", ""]


def _load(run: dict[str, Any]) -> str:
    start_end = run.get("load_average")
    return "-" if not start_end else f"{start_end[0]:.1f} → {start_end[1]:.1f}"


def _verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "(not measured)"
    return "— met" if value <= limit else "— **not met**"


def _s(value: float | None, places: int = 1) -> str:
    return "-" if value is None else f"{value:,.{places}f}".replace(",", " ")


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"
