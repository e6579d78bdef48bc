"""What depends on ../shared: skipped with the reason when the real corpora are not beside the repo."""

import pytest

from conftest import ROOT


@pytest.fixture()
def in_repo(monkeypatch):
    monkeypatch.chdir(ROOT)


def _require_shared():
    from rasd_train.data.shared import SharedDataMissing, shared_file

    try:
        return shared_file("saudinewsnet", "saudinewsnet.jsonl.xz")
    except SharedDataMissing as exc:
        pytest.skip(str(exc))


def test_real_news_dev_set_rebuilds_from_shared_with_matching_sha1s(in_repo):
    _require_shared()
    from rasd.records import record_problems
    from rasd.schema import LabelSchema
    from rasd_train.data.realdev import load_real_dev

    records = load_real_dev(ROOT / "data/real-dev/saudinewsnet.jsonl")
    assert len(records) >= 300
    assert sum(1 for r in records if r.labels) >= len(records) * 0.4
    assert all(not record_problems(r, LabelSchema()) for r in records)


def test_missing_shared_is_a_clear_reason(monkeypatch, tmp_path):
    from rasd_train.data.shared import SharedDataMissing, shared_file

    monkeypatch.setenv("RASD_SHARED", str(tmp_path / "absent"))
    with pytest.raises(SharedDataMissing, match="the real corpora live in ../shared/data"):
        shared_file("saudinewsnet", "saudinewsnet.jsonl.xz")
