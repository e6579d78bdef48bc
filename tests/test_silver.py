"""Silver data: unannotated news tagged by the peers, never from a held-out period or a gold document."""

import logging

import pytest


def _docs():
    from rasd_train.data.realnews import Document

    event = "قصفت طائرات حربية مواقع في مدينة حلب صباح اليوم وأدى القصف إلى مقتل خمسة مدنيين."
    calm = "افتتح وزير التعليم معرضا للكتاب في مدينة الرياض بحضور عدد كبير من الزوار والطلاب."
    return [
        Document("saudinewsnet", "u-train", f"{event}\n{calm} {calm}", "2015-07-01"),
        Document("saudinewsnet", "u-test", "أعلن الجيش مقتل ثلاثة مسلحين في غارة جوية على مواقعهم.", "2015-08-10"),
        Document("saudinewsnet", "u-gold", "نفت الوزارة سقوط قتلى في الهجوم الذي استهدف القاعدة العسكرية.", "2015-07-02"),
        Document("fignews", "B15/English/1", "أصيب عشرة أشخاص في قصف مدفعي استهدف سوقا شعبية.", None),
        Document("fignews", "B02/English/2", "أسقطت الدفاعات الجوية صاروخا باليستيا أطلق باتجاه المدينة.", None),
        Document("saudinewsnet", "u-dev", "استهدفت قذائف الهاون حيا سكنيا في المدينة صباح الجمعة.", "2015-08-08"),
        Document("fignews", "B13/Arabic/3", "قتل جنديان في هجوم بطائرة مسيرة على نقطة عسكرية.", None),
    ]


@pytest.fixture
def fake_news(monkeypatch):
    from rasd_train.data import realnews, silver

    monkeypatch.setattr(realnews, "iter_documents", lambda corpora=realnews.CORPORA: iter(_docs()))
    monkeypatch.setattr(silver, "_annotated_keys", lambda: {"saudinewsnet:u-gold"})


def test_silver_skips_the_held_out_periods_annotated_documents_and_gold_texts(fake_news):
    from rasd_train.data.silver import candidate_sentences

    gold = {"أسقطت الدفاعات الجوية صاروخا باليستيا أطلق باتجاه المدينة."}
    texts = [r.text for r in candidate_sentences(10, seed=1, exclude_texts=gold)]
    assert any(t.startswith("قصفت طائرات") for t in texts)
    for banned in ("ثلاثة مسلحين", "نفت الوزارة", "أصيب عشرة", "أسقطت الدفاعات", "قذائف الهاون", "قتل جنديان"):
        assert not any(banned in t for t in texts), banned
    assert len(texts) == len(set(texts))  # the repeated sentence is drawn once at most


def test_silver_draw_is_deterministic_and_mostly_event_cued(fake_news):
    from rasd_train.data.silver import candidate_sentences

    a = candidate_sentences(1, seed=3, exclude_texts=set())
    assert [r.text for r in a] == [r.text for r in candidate_sentences(1, seed=3, exclude_texts=set())]
    assert not a[0].text.startswith("افتتح وزير")  # with one sentence to draw, an event-cued one is it


def test_peers_tag_silver_records_that_validate(mini_records):
    from rasd.records import record_problems
    from rasd.schema import LabelSchema
    from rasd.text import Normalization
    from rasd_train.data.silver import tag_with_peers
    from rasd_train.peers import fit_peers

    schema = LabelSchema(("attack", "interception", "casualty_report", "denial"),
                         ("ACTOR", "TARGET", "LOCATION", "WEAPON", "CASUALTIES", "TIME", "SOURCE"))
    blank = [type(r)(f"s-{i}", r.text, [], []) for i, r in enumerate(mini_records)]
    peers = fit_peers(mini_records, mini_records, schema.labels, Normalization(), [0.3, 0.5, 0.7], 1)
    tagged = tag_with_peers(blank, peers)
    assert all(not record_problems(r, schema) for r in tagged)
    # the peers reproduce much of what they were trained on: the silver data carries the task
    assert sum(len(r.spans) for r in tagged) > 0.5 * sum(len(r.spans) for r in mini_records)
    assert sum(bool(r.labels) for r in tagged) > 0


def test_silver_transfer_is_skipped_with_the_reason_without_shared(tmp_path, monkeypatch, caplog):
    from rasd.text import Normalization
    from rasd_train import transfer
    from rasd_train.config import TrainConfig, from_dict

    monkeypatch.setenv("RASD_SHARED", str(tmp_path / "nowhere"))
    cfg = from_dict(TrainConfig, {"transfer": ["silver"], "silver_sentences": 10})
    with caplog.at_level(logging.WARNING):
        assert transfer.through_corpora("some-base", cfg, Normalization(), tmp_path / "t", {}) == "some-base"
    assert "transfer through silver skipped" in caplog.text and "nowhere" in caplog.text


def test_silver_stages_leave_an_encoder_and_a_classifier_that_fine_tuning_loads(tmp_path, monkeypatch, mini_records):
    """The peers tag the drawn sentences, a tagger and a classifier train on them, and both load."""
    from pathlib import Path

    from rasd.records import Record
    from rasd.schema import LabelSchema
    from rasd.text import Normalization
    from rasd_train import transfer
    from rasd_train.base import build_offline_base, load_tokenizer
    from rasd_train.config import TrainConfig, from_dict
    from rasd_train.data import silver

    from conftest import tiny_config

    drawn = [Record(f"silver-{i}", r.text, [], []) for i, r in enumerate(mini_records)]
    monkeypatch.setattr(silver, "candidate_sentences", lambda n, seed, exclude_texts: drawn[:n])
    raw = tiny_config(tmp_path, epochs=2)
    raw.update(transfer=["silver"], transfer_args={"num_train_epochs": 1}, silver_sentences=len(drawn),
               silver_classifier_epochs=1)
    cfg = from_dict(TrainConfig, raw)
    schema = LabelSchema(tuple(cfg.dataset.labels), tuple(cfg.dataset.span_types))
    base = build_offline_base(cfg.model, [r.text for r in mini_records], Normalization(), tmp_path / "base", 7)
    sets = {"train": mini_records, "tune": mini_records, "eval": {}}
    from rasd_train.peers import fit_peers

    fits = []
    peers = lambda: fits.append(1) or fit_peers(mini_records, mini_records, schema.labels, Normalization(),
                                                cfg.threshold_grid, 7)
    encoder = transfer.through_corpora(str(base), cfg, Normalization(), tmp_path / "transfer", sets, peers)
    cache = tmp_path / "transfer" / "silver" / "silver.jsonl"
    assert cache.is_file() and Path(encoder, "model.safetensors").is_file()
    folder = transfer.classifier_through_silver(encoder, cfg, Normalization(), tmp_path / "transfer" / "silver",
                                                sets, peers, load_tokenizer(encoder), schema)
    assert len(fits) == 1  # the classifier stage read the cached silver set: the peers were not fitted again
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(folder)
    assert model.config.id2label == dict(enumerate(schema.labels))
