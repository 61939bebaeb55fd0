"""Estimating a `zvit run` that was stopped: its finished stages as measured, the others from other measurements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

STAGES = ("collect", "parse", "validate", "load", "render", "notify")
RENDER_PARTS = ("gather", "html", "docx", "xlsx", "pdf", "datapackage")


@dataclass(frozen=True)
class Part:
    """One stage's seconds and where the number comes from."""

    stage: str
    seconds: float
    source: str


@dataclass(frozen=True)
class Estimate:
    """An end-to-end estimate as the sum of its parts."""

    total: float
    parts: list[Part]


def estimate_pipeline(row: dict[str, Any], rows: list[dict[str, Any]]) -> Estimate | None:
    """Wall time a stopped run would have taken: the fixed cost outside the flow plus each stage.

    A stage the stopped run finished counts as measured. Otherwise its time without Prefect at this N
    (bench.stages) plus Prefect's overhead on it at the largest smaller N that finished (per file for
    parse, fixed for the other stages); failing that, that smaller N's time scaled by report lines.
    """
    reference = _reference(row, rows)
    startup = row["startup"]
    if startup.get("flow_seconds") is None or reference is None:
        return None
    parts = [Part("outside the flow", startup["wall_seconds"] - startup["flow_seconds"],
                  "measured: `zvit run` on an empty inbox at this N minus its flow (imports, server, summary)"),
             *(_stage(stage, row, reference) for stage in STAGES), _handovers(row)]
    return Estimate(sum(part.seconds for part in parts), parts)


def _handovers(row: dict[str, Any]) -> Part:
    """Prefect's idle time between stages: as measured so far, and once more the largest for notify."""
    handovers = row["pipeline"].get("handovers") or []
    measured = sum(h[2] for h in handovers)
    if any(h[1] == "notify" and h[0] == "render" for h in handovers) or not handovers:
        return Part("between tasks", measured, "measured in the stopped run")
    largest = max(h[2] for h in handovers)
    return Part("between tasks", measured + largest,
                f"measured in the stopped run ({measured:.1f} s), plus the largest of them ({largest:.1f} s) "
                "again for the hand-over to notify, which gets the whole stored batch too")


def _reference(row: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    done = [r for r in rows if r["n"] < row["n"] and r["pipeline"].get("returncode") == 0
            and r["stages"].get("returncode") == 0 and r["pipeline"].get("tasks")]
    return max(done, key=lambda r: r["n"], default=None)


def prefect_seconds(row: dict[str, Any], stage: str) -> float | None:
    """A stage's time in the Prefect run, if the run finished it."""
    pipeline = row["pipeline"]
    tasks = pipeline.get("tasks") or {}
    finished = pipeline.get("returncode") == 0
    if stage == "collect":
        return pipeline.get("collect_seconds")
    if stage == "parse":
        parse = tasks.get("parse", {})
        return parse.get("span_seconds") if parse.get("runs") == row["files"] else None
    if stage == "notify":
        # flag-rejection runs before render and notify after it: only a finished run has all of it
        return tasks.get("notify", {}).get("task_seconds") if finished else None
    return tasks.get(stage, {}).get("task_seconds")


def inprocess_seconds(row: dict[str, Any], stage: str) -> tuple[float | None, str]:
    """A stage's time without Prefect at this N, and how it was obtained (render may be partial)."""
    stages = row.get("stages") or {}
    seconds = (stages.get("seconds") or {}).get(stage)
    if seconds is not None:
        return seconds, "measured"
    if stage == "render":
        programs = [sum(p.values()) for p in (stages.get("render_by_program") or {}).values()
                    if all(part in p for part in RENDER_PARTS)]
        if programs:
            mean = sum(programs) / len(programs)
            return mean * row["programs"], (f"{len(programs)} of {row['programs']} programs rendered, "
                                             f"{mean:.0f} s each on average, times {row['programs']}")
    return None, ""


def _stage(stage: str, row: dict[str, Any], reference: dict[str, Any]) -> Part:
    measured = prefect_seconds(row, stage)
    if measured is not None:
        return Part(stage, measured, "measured in the stopped run (Prefect task runs)")
    ref_prefect = prefect_seconds(reference, stage) or 0.0
    ref_plain = (reference["stages"].get("seconds") or {}).get(stage) or 0.0
    plain, how = inprocess_seconds(row, stage)
    if plain is not None:
        overhead = ref_prefect - ref_plain
        if stage == "parse":
            overhead *= row["files"] / reference["files"]  # one Prefect task per file
        return Part(stage, plain + max(overhead, 0.0),
                    f"without Prefect at this N: {plain:.1f} s ({how}), plus Prefect's overhead at "
                    f"N = {reference['n']}: {max(overhead, 0.0):.1f} s" + (" (scaled per file)" if stage == "parse"
                                                                          else ""))
    scale = row["lines"] / reference["lines"]
    return Part(stage, ref_prefect * scale,
                f"N = {reference['n']}'s {ref_prefect:.1f} s scaled by report lines ({scale:.1f}x)")
