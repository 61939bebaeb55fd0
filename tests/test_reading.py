"""Reading a batch of files: over a process pool it gives exactly what one process gives, in the same order."""

from __future__ import annotations

from pathlib import Path

from zvit.reading import POOL_MIN_FILES, read_files, reading_pool, stable_groups


def _batch(seed_fixtures: dict[str, list[Path]], tmp_path: Path) -> list[Path]:
    # Every seed report in every format, plus files intake refuses, interleaved: more than a pool's threshold.
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    letter = tmp_path / "cover-letter.csv"
    letter.write_text("Шановні колеги,\nнадсилаємо звіт.\n", encoding="utf-8")
    files = [path for paths in seed_fixtures.values() for path in paths]
    return [*files[:3], empty, *files[3:], letter]


def test_a_process_pool_reads_the_same_reports_in_the_same_order_as_one_process(
        seed_fixtures: dict[str, list[Path]], tmp_path: Path) -> None:
    paths = _batch(seed_fixtures, tmp_path)
    assert len(paths) >= POOL_MIN_FILES
    alone = read_files(paths)
    with reading_pool(len(paths), workers=2) as pool:
        assert pool is not None
        pooled = read_files(paths, pool=pool)
    assert [(s.path, s.sha256, s.report) for s in pooled[0]] == [(s.path, s.sha256, s.report) for s in alone[0]]
    assert [(u.path.name, u.message) for u in pooled[1]] == [(u.path.name, u.message) for u in alone[1]]
    assert [u.path.name for u in pooled[1]] == ["empty.docx", "cover-letter.csv"]
    assert len(alone[0]) == len(paths) - 2


def test_no_pool_is_started_for_a_few_files_or_one_core() -> None:
    with reading_pool(POOL_MIN_FILES - 1, workers=2) as pool:
        assert pool is None
    with reading_pool(1000, workers=1) as pool:
        assert pool is None


def test_a_file_added_later_changes_only_its_own_group() -> None:
    paths = [Path(f"inbox/department-{n:03}.docx") for n in range(200)]
    before = stable_groups(paths, 16)
    after = stable_groups([*paths, Path("inbox/department-corrected.docx")], 16)
    assert len(before) == 16 and sum(len(group) for group in before) == 200
    changed = [group for group in after if group not in before]
    assert len(changed) == 1 and Path("inbox/department-corrected.docx") in changed[0]
    # each group keeps the inbox's order
    assert all(group == sorted(group, key=paths.index) for group in before)


def test_fewer_files_than_groups_make_at_most_one_group_per_file() -> None:
    paths = [Path("a.docx"), Path("b.xlsx"), Path("c.csv")]
    groups = stable_groups(paths, 16)
    assert sorted(path for group in groups for path in group) == sorted(paths)
    assert 1 <= len(groups) <= 3
