"""``--engine ray``: a local Ray instance, records equal to one process, resume by shard."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import ray

from lawie import distributed
from lawie.batch import ExtractOptions, extract_to_file
from lawie.cli import main
from lawie.cli.extract import engine_spec, sample_items

RULES = ExtractOptions(engine="rules")
KEY = ["doc_id", "count_start", "count_end", "count_text", "metric", "value", "org", "year", "action"]


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    ray.init(num_cpus=2, log_to_driver=False, include_dashboard=False)
    yield
    ray.shutdown()


@pytest.fixture
def reports(tmp_path) -> list:
    folder = tmp_path / "reports"
    folder.mkdir()
    for i in range(9):
        text = f"{2015 + i}年，县司法局受理行政复议案件{i + 3}件，审结{i + 1}件。\n"
        (folder / f"r{i}.txt").write_text(text, "utf-8")
    (folder / "broken.txt").write_bytes(bytes(range(256)) * 8)
    return [folder, *sample_items()]


def _table(path: Path) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    return frame[KEY].sort_values(KEY[:3]).reset_index(drop=True)


def test_ray_records_equal_the_single_process_ones(tmp_path, reports):
    single = tmp_path / "single.parquet"
    single_report = extract_to_file(reports, single, RULES)
    report = distributed.extract_to_dataset(reports, tmp_path / "ray", RULES, workers=2, shard_size=4)
    assert (report.docs, report.records) == (single_report.docs, single_report.records) == (14, len(_table(single)))
    assert [Path(doc).name for doc, _ in report.failures] == ["broken.txt"]
    pd.testing.assert_frame_equal(_table(tmp_path / "ray"), _table(single))
    assert sorted(p.name for p in (tmp_path / "ray").iterdir())[:3] == ["_SUCCESS.json", "_plan.json", "shard=00000"]


def test_the_tagger_pool_agrees_and_each_actor_serves_many_shards(tmp_path):
    short = sample_items()[:3]
    hybrid = ExtractOptions(engine="hybrid")
    extract_to_file(short, tmp_path / "single.parquet", hybrid)
    distributed.extract_to_dataset(short, tmp_path / "ray", hybrid, workers=2, shard_size=1)
    pd.testing.assert_frame_equal(_table(tmp_path / "ray"), _table(tmp_path / "single.parquet"))
    done = [json.loads(p.read_text("utf-8")) for p in (tmp_path / "ray").glob("shard=*/_done.json")]
    assert len(done) == 3 and len({d["worker"] for d in done}) <= 2  # the model is loaded per actor, not per shard


def test_resume_redoes_only_unfinished_shards(tmp_path, reports):
    out = tmp_path / "ray"
    distributed.extract_to_dataset(reports, out, RULES, workers=2, shard_size=4)
    expected = _table(out)
    # a crash after shard 1 was written but before it was marked done, and shard 3 never started
    (out / "shard=00001" / "_done.json").unlink()
    (out / "shard=00001" / "records.parquet").write_bytes(b"half a file")
    for name in ("_done.json", "records.parquet"):
        (out / "shard=00003" / name).unlink()
    (out / "_SUCCESS.json").unlink()
    untouched = (out / "shard=00000" / "records.parquet").stat().st_mtime_ns

    report = distributed.extract_to_dataset(reports, out, RULES, workers=2, shard_size=4, resume=True)
    assert report.skipped == 8  # shards 0 and 2
    assert (out / "shard=00000" / "records.parquet").stat().st_mtime_ns == untouched
    pd.testing.assert_frame_equal(_table(out), expected)  # no record lost, none twice
    assert json.loads((out / "_SUCCESS.json").read_text("utf-8"))["docs"] == 14


def test_a_crash_leaves_no_success_marker_and_local_resume_finishes(tmp_path, reports, monkeypatch):
    out = tmp_path / "run"
    real = distributed.process_shard

    def crash_on_third(shard, *args, **kwargs):
        if shard.index == 2:
            raise MemoryError("killed")
        return real(shard, *args, **kwargs)

    monkeypatch.setattr(distributed, "process_shard", crash_on_third)
    with pytest.raises(MemoryError):
        distributed.extract_to_dataset(reports, out, RULES, shard_size=4, runner="local")
    assert not (out / "_SUCCESS.json").exists() and not (out / "shard=00002" / "_done.json").exists()
    monkeypatch.undo()
    report = distributed.extract_to_dataset(reports, out, RULES, shard_size=4, runner="local", resume=True)
    assert report.skipped == 8 and report.docs == 14


def test_resume_refuses_other_inputs_and_a_full_folder_needs_resume(tmp_path, reports):
    out = tmp_path / "ray"
    distributed.extract_to_dataset(reports, out, RULES, shard_size=4, runner="local")
    with pytest.raises(ValueError, match="use --resume"):
        distributed.extract_to_dataset(reports, out, RULES, shard_size=4, runner="local")
    with pytest.raises(ValueError, match="other inputs or another shard size"):
        distributed.extract_to_dataset(reports, out, RULES, shard_size=5, runner="local", resume=True)


def test_cli_engine_ray(tmp_path, capsys):
    out = tmp_path / "ray"
    args = ["extract", "--samples", "--engine", "ray:rules", "--out", str(out), "--shard-size", "2", "--no-progress"]
    assert main(args) == 0
    assert "5 report(s)" in capsys.readouterr().err
    assert pd.read_parquet(out)["doc_id"].nunique() == 5
    assert main(args) == 2  # the folder holds a run: not overwritten without --resume
    assert main([*args, "--resume"]) == 0


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("ray", ("ray", None)), ("ray:rules", ("ray", "rules")), ("rules", ("", "rules")), (None, ("", None))],
)
def test_engine_spec(spec, expected):
    assert engine_spec(spec) == expected


def test_a_bad_engine_or_model_fails_before_any_worker(tmp_path, reports):
    with pytest.raises(ValueError, match="unknown engine"):
        distributed.extract_to_dataset(reports, tmp_path / "a", ExtractOptions(engine="nope"))
    with pytest.raises(FileNotFoundError, match="no tagger model"):
        distributed.extract_to_dataset(reports, tmp_path / "b", ExtractOptions(model=str(tmp_path / "none")))
    with pytest.raises(ValueError, match="takes no model"):
        distributed.extract_to_dataset(reports, tmp_path / "c", ExtractOptions(engine="rules", model=str(tmp_path)))
    assert not any((tmp_path / name).exists() for name in "abc")
