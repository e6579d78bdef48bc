"""A shipped base is checked by SHA-256 before fine-tuning loads it."""

import pytest


def test_a_damaged_base_is_one_sentence(tmp_path):
    from rasd_train.base import BaseModelUnavailable, load_tokenizer
    from rasd_train.ship_base import SUMS, sha256, verify

    (tmp_path / "config.json").write_text("{}")
    (tmp_path / SUMS).write_text(f"{sha256(tmp_path / 'config.json')}  config.json\n")
    assert verify(tmp_path)
    (tmp_path / "config.json").write_text('{"edited": true}')
    with pytest.raises(BaseModelUnavailable, match="config.json does not match its SHA-256"):
        load_tokenizer(str(tmp_path))
