"""The real-news set: references found in their documents, every sentence annotated, SHA-1s checked."""

import json

import pytest

from conftest import ROOT


@pytest.fixture()
def corpus(monkeypatch):
    """Two documents standing in for ../shared."""
    from rasd_train.data import realnews

    docs = {
        "fignews:B01/Arabic/1": realnews.Document("fignews", "B01/Arabic/1",
                                                  "قصفت طائرات إسرائيلية مدينة غزة. وقال شهود إن القصف استمر."),
        "fignews:B01/Arabic/2": realnews.Document("fignews", "B01/Arabic/2", "فاز الفريق بالمباراة."),
    }
    monkeypatch.setattr(realnews, "load_documents", lambda keys: {k: v for k, v in docs.items() if k in keys})
    return docs


def _write(tmp_path, lines):
    path = tmp_path / "train-1.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_references_locate_sentences_and_rebuild_them(corpus, tmp_path, monkeypatch):
    from rasd_train.data import realnews

    src = _write(tmp_path, ["### doc: fignews:B01/Arabic/1",
                            "attack | قصفت <WEAPON>طائرات</WEAPON> <ACTOR>إسرائيلية</ACTOR> <LOCATION>مدينة غزة</LOCATION>.",
                            "attack | وقال <SOURCE>شهود</SOURCE> إن <WEAPON>القصف</WEAPON> استمر.",
                            "### doc: fignews:B01/Arabic/2", "- | فاز الفريق بالمباراة."])
    refs, errors, records = realnews.build_references([src], "train")
    assert errors == [] and len(refs) == 3
    assert refs[1]["start"] == corpus["fignews:B01/Arabic/1"].text.index("وقال")
    assert "text" not in refs[0]  # references only: no newspaper text
    path = tmp_path / "refs.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in refs), encoding="utf-8")
    rebuilt = realnews.load_refs(path)
    assert [r.text for r in rebuilt] == [r.text for r in records]
    assert rebuilt[0].spans == records[0].spans and rebuilt[2].labels == []


def test_a_document_with_a_missing_sentence_is_an_error(corpus, tmp_path):
    from rasd_train.data import realnews

    src = _write(tmp_path, ["### doc: fignews:B01/Arabic/1", "attack | قصفت طائرات إسرائيلية مدينة غزة."])
    _, errors, _ = realnews.build_references([src], "train")
    assert any("1 of its 2 sentences annotated" in str(e) for e in errors)


def test_an_edited_sentence_and_spans_without_a_label_are_errors(corpus, tmp_path):
    from rasd_train.data import realnews

    src = _write(tmp_path, ["### doc: fignews:B01/Arabic/1", "- | قصفت <ACTOR>طائرات</ACTOR> إسرائيلية مدينة غزة.",
                            "- | وقال شهود ان القصف استمر."])
    _, errors, _ = realnews.build_references([src], "train")
    text = "\n".join(str(e) for e in errors)
    assert "spans in a sentence with no event label" in text and "not in fignews:B01/Arabic/1 verbatim" in text


def test_a_changed_document_is_one_line_naming_the_reference(corpus, tmp_path):
    from rasd.records import RecordError
    from rasd_train.data import realnews

    row = {"id": "realnews-train-00001", "corpus": "fignews", "doc_id": "B01/Arabic/2", "start": 0, "end": 4,
           "sha1": "0" * 40, "labels": [], "spans": []}
    path = tmp_path / "refs.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(RecordError, match="realnews-train-00001: SHA-1 mismatch"):
        realnews.load_refs(path)


def test_real_news_set_materialises_from_shared(tmp_path, monkeypatch):
    """The committed references against ../shared: valid, article-disjoint, the sizes the data card states."""
    from rasd_train.data.shared import SharedDataMissing, shared_file

    try:
        shared_file("saudinewsnet", "saudinewsnet.jsonl.xz")
        shared_file("fignews_2024")
    except SharedDataMissing as exc:
        pytest.skip(str(exc))
    if not (ROOT / "data/real-news/train.jsonl").is_file():
        pytest.skip("no real-news references committed yet")
    monkeypatch.chdir(ROOT)
    from rasd_train.data.realnews import materialise, validate

    counts = materialise(tmp_path)
    assert counts["train"] >= 3000 and counts["dev"] >= 400 and counts["test"] >= 600
    assert validate() == []
    rows = [json.loads(x) for x in open(tmp_path / "test.jsonl", encoding="utf-8")]
    assert {"doc_id", "corpus"} <= set(rows[0]) and {r["corpus"] for r in rows} == {"saudinewsnet", "fignews"}


def _store(refs_dir, rows):
    refs_dir.mkdir(parents=True, exist_ok=True)
    (refs_dir / "train.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                          encoding="utf-8")


def test_a_later_round_is_appended_with_ids_going_on_and_no_document_twice(corpus, tmp_path, monkeypatch, capsys):
    from rasd_train.data import realnews

    refs_dir = tmp_path / "refs"
    monkeypatch.setattr(realnews, "REFS_DIR", refs_dir)
    monkeypatch.setattr(realnews, "_disjoint", lambda refs, records, split: refs)  # real-dev needs ../shared
    first = _write(tmp_path, ["### doc: fignews:B01/Arabic/2", "- | فاز الفريق بالمباراة."])
    refs, errors, _ = realnews.build_references([first], "train")
    _store(refs_dir, refs)
    assert realnews.annotated_keys(refs_dir) == {"fignews:B01/Arabic/2"}
    later = tmp_path / "more-1.txt"
    later.write_text("### doc: fignews:B01/Arabic/1\nattack | قصفت طائرات إسرائيلية مدينة غزة.\n"
                     "- | وقال شهود إن القصف استمر.\n", encoding="utf-8")
    assert realnews.main(["refs", "train", str(later), "--write", "--append"]) == 0
    rows = [json.loads(line) for line in open(refs_dir / "train.jsonl", encoding="utf-8")]
    assert [r["id"] for r in rows] == ["realnews-train-00001", "realnews-train-00002", "realnews-train-00003"]
    assert rows[0] == refs[0] and rows[1]["doc_id"] == "B01/Arabic/1"
    # the same document a second time is refused and the stored file is left as it was
    assert realnews.main(["refs", "train", str(later), "--write", "--append"]) == 1
    assert "fignews:B01/Arabic/1 is already in the stored references" in capsys.readouterr().out
    assert len(open(refs_dir / "train.jsonl", encoding="utf-8").readlines()) == 3


def test_appended_ids_go_on_from_the_highest_stored_one(corpus, tmp_path, monkeypatch):
    """Sentences left out of a stored round leave gaps: an appended id never repeats a stored one."""
    from rasd_train.data import realnews

    refs_dir = tmp_path / "refs"
    monkeypatch.setattr(realnews, "REFS_DIR", refs_dir)
    monkeypatch.setattr(realnews, "_disjoint", lambda refs, records, split: refs)
    first = _write(tmp_path, ["### doc: fignews:B01/Arabic/2", "- | فاز الفريق بالمباراة."])
    refs, _, _ = realnews.build_references([first], "train", first_id=7)
    _store(refs_dir, refs)
    later = tmp_path / "more-1.txt"
    later.write_text("### doc: fignews:B01/Arabic/1\nattack | قصفت طائرات إسرائيلية مدينة غزة.\n"
                     "- | وقال شهود إن القصف استمر.\n", encoding="utf-8")
    assert realnews.main(["refs", "train", str(later), "--write", "--append"]) == 0
    ids = [json.loads(line)["id"] for line in open(refs_dir / "train.jsonl", encoding="utf-8")]
    assert ids == ["realnews-train-00007", "realnews-train-00008", "realnews-train-00009"]


def test_more_inputs_leave_out_every_stored_document(tmp_path, monkeypatch):
    from rasd_train.data import realnews

    refs_dir = tmp_path / "refs"
    _store(refs_dir, [{"id": "realnews-train-00001", "corpus": "fignews", "doc_id": "B01/Arabic/1", "start": 0,
                       "end": 4, "sha1": "0" * 40, "labels": [], "spans": []}])
    monkeypatch.setattr(realnews, "REFS_DIR", refs_dir)
    seen = {}

    def select(seed, budgets, exclude):
        seen.update(budgets=budgets, exclude=set(exclude))
        return {"train": [realnews.Document("fignews", "B02/Arabic/9", "قصفت طائرات مدينة غزة. وقال شهود إن القصف استمر.")],
                "test": []}

    monkeypatch.setattr(realnews, "select_documents", select)
    counts = realnews.prepare_more(tmp_path / "src", 2, {"train_icpt": 50})
    assert seen["exclude"] == {"fignews:B01/Arabic/1"}
    assert seen["budgets"]["train_icpt"] == 50 and seen["budgets"]["test_snn"] == seen["budgets"]["test_fig"] == 0
    assert counts == {"input-more-1.txt": 2, "input-more-2.txt": 0}
    assert (tmp_path / "src" / "input-more-1.txt").read_text(encoding="utf-8").startswith("### doc: fignews:B02/Arabic/9")


def test_without_shared_the_command_says_where_it_looked_in_one_line(tmp_path, monkeypatch, capsys):
    from rasd_train.data import realnews

    monkeypatch.setenv("RASD_SHARED", str(tmp_path / "nowhere"))
    src = _write(tmp_path, ["### doc: fignews:B01/Arabic/2", "- | فاز الفريق بالمباراة."])
    assert realnews.main(["refs", "train", str(src)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nowhere" in err[0] and "RASD_SHARED" in err[0]


def test_dev_is_carved_from_train_by_period_and_a_second_carve_changes_nothing(tmp_path, monkeypatch):
    """The dev period's documents move to dev.jsonl (ids renumbered), a reprint left in train goes."""
    from rasd_train.data import realnews

    reprint = "قصفت طائرات حربية مواقع في المدينة."
    docs = {d.key: d for d in [
        realnews.Document("saudinewsnet", "u-dev", f"{reprint} وقال شهود إن القصف استمر.", "2015-08-08"),
        realnews.Document("saudinewsnet", "u-old", f"فاز الفريق بالمباراة. {reprint}", "2015-07-21"),
        realnews.Document("fignews", "B13/Arabic/1", "أسقطت الدفاعات صاروخا.", None),
        realnews.Document("fignews", "B02/Arabic/1", "افتتح الوزير معرضا.", None),
    ]}
    monkeypatch.setattr(realnews, "load_documents", lambda keys: {k: v for k, v in docs.items() if k in keys})

    def ref(n, key, start, end):
        corpus, doc_id = key.split(":", 1)
        return {"id": f"realnews-train-{n:05d}", "corpus": corpus, "doc_id": doc_id, "start": start, "end": end,
                "sha1": realnews.sha1(docs[key].text[start:end]), "labels": [], "spans": []}

    dev_text, old_text = docs["saudinewsnet:u-dev"].text, docs["saudinewsnet:u-old"].text
    rows = [ref(1, "saudinewsnet:u-old", 0, old_text.index(reprint) - 1),
            ref(2, "saudinewsnet:u-old", old_text.index(reprint), len(old_text)),
            ref(3, "saudinewsnet:u-dev", 0, len(reprint)),
            ref(4, "saudinewsnet:u-dev", len(reprint) + 1, len(dev_text)),
            ref(5, "fignews:B13/Arabic/1", 0, len(docs["fignews:B13/Arabic/1"].text)),
            ref(6, "fignews:B02/Arabic/1", 0, len(docs["fignews:B02/Arabic/1"].text))]
    _store(tmp_path, rows)
    assert realnews.carve_dev(tmp_path) == {"moved": 3, "dropped": 1, "train": 2, "dev": 3}
    read = lambda name: [json.loads(x) for x in open(tmp_path / name, encoding="utf-8")]  # noqa: E731
    dev, train = read("dev.jsonl"), read("train.jsonl")
    assert [r["id"] for r in dev] == ["realnews-dev-00001", "realnews-dev-00002", "realnews-dev-00003"]
    assert [r["doc_id"] for r in dev] == ["u-dev", "u-dev", "B13/Arabic/1"]
    assert [r["id"] for r in train] == ["realnews-train-00001", "realnews-train-00006"]  # the reprint left
    assert realnews.carve_dev(tmp_path)["moved"] == 0 and read("dev.jsonl") == dev and read("train.jsonl") == train
    assert realnews.annotated_keys(tmp_path) >= {"saudinewsnet:u-dev", "saudinewsnet:u-old"}


def test_real_news_dev_is_tuned_on_and_evaluated_and_never_trained_on(corpus, tmp_path):
    from rasd.records import Record
    from rasd_train.config import TrainConfig, from_dict
    from rasd_train.data import realnews
    from rasd_train.train import data_sets

    src = _write(tmp_path, ["### doc: fignews:B01/Arabic/1", "attack | قصفت <WEAPON>طائرات</WEAPON> إسرائيلية مدينة غزة.",
                            "- | وقال شهود إن القصف استمر.", "### doc: fignews:B01/Arabic/2", "- | فاز الفريق بالمباراة."])
    refs, errors, _ = realnews.build_references([src], "train")
    assert errors == []
    refs_dir = tmp_path / "refs"
    _store(refs_dir, refs[:1])
    for split, rows in (("dev", refs[1:2]), ("test", refs[2:])):
        (refs_dir / f"{split}.jsonl").write_text(json.dumps(rows[0], ensure_ascii=False) + "\n", encoding="utf-8")
    cfg = from_dict(TrainConfig, {"dataset": {"real_news": str(refs_dir)}})
    written = {s: [Record(f"w-{s}", "نص مكتوب.", [], [])] for s in ("train", "dev", "test")}
    sets = data_sets(cfg, written)
    texts = lambda recs: [r.text for r in recs]  # noqa: E731
    assert texts(sets["train"]) == ["نص مكتوب.", "قصفت طائرات إسرائيلية مدينة غزة."]
    assert texts(sets["tune"]) == ["نص مكتوب.", "وقال شهود إن القصف استمر."]
    assert list(sets["eval"]) == ["dev", "test", "real-news-dev", "real-news-test"]
    assert sets["counts"]["tune_sets"] == ["dev", "real-news-dev"]


def test_later_rounds_never_draw_documents_of_the_dev_or_test_period(tmp_path, monkeypatch):
    from rasd_train.data import realnews

    event = "قصفت طائرات حربية مواقع في مدينة حلب صباح اليوم وأدى القصف إلى مقتل خمسة مدنيين."
    docs = [realnews.Document("saudinewsnet", f"u-{day}", event, day) for day in ("2015-07-21", "2015-08-08", "2015-08-10")]
    docs += [realnews.Document("fignews", f"{batch}/Arabic/1", event, None) for batch in ("B02", "B13", "B14")]
    monkeypatch.setattr(realnews, "iter_documents", lambda corpora=realnews.CORPORA: iter(docs))
    monkeypatch.setattr(realnews, "REAL_DEV_REFS", tmp_path / "none.jsonl")
    (tmp_path / "none.jsonl").write_text("", encoding="utf-8")
    budgets = {"train_icpt": 0, "train_deny": 0, "train_event": 100, "train_neg": 0, "train_fig": 100,
               "test_snn": 0, "test_fig": 0}
    chosen = realnews.select_documents(budgets=budgets)
    assert sorted(d.doc_id for d in chosen["train"]) == ["B02/Arabic/1", "u-2015-07-21"]


def test_agreement_of_a_round_commits_figures_and_references_and_keeps_the_text_in_src(corpus, tmp_path, monkeypatch):
    from rasd_train.data import realnews

    monkeypatch.setattr(realnews, "REFS_DIR", tmp_path / "refs")
    src = tmp_path / "src"
    src.mkdir()
    doc = "### doc: fignews:B01/Arabic/1\n"
    (src / "more-1.txt").write_text(doc + "attack | قصفت <WEAPON>طائرات</WEAPON> إسرائيلية <LOCATION>مدينة غزة</LOCATION>.\n"
                                    "attack | وقال <SOURCE>شهود</SOURCE> إن القصف استمر.\n", encoding="utf-8")
    (src / "pass2.txt").write_text(doc + "attack | قصفت <WEAPON>طائرات</WEAPON> إسرائيلية <LOCATION>مدينة غزة</LOCATION>.\n"
                                   "- | وقال شهود إن القصف استمر.\n", encoding="utf-8")
    args = ["agreement", str(src / "more-1.txt"), "--pass2", str(src / "pass2.txt"), "--round", "round9"]
    assert realnews.main(args) == 0
    figures = json.loads((tmp_path / "refs/round9/agreement.json").read_text(encoding="utf-8"))
    assert figures["sentences"] == 2 and figures["disagreeing_sentences"] == 1
    assert figures["labels"]["micro"]["f1"] < 1.0
    rows = [json.loads(line) for line in open(tmp_path / "refs/round9/pass2.jsonl", encoding="utf-8")]
    assert [r["id"] for r in rows] == ["realnews-round9-pass2-00001", "realnews-round9-pass2-00002"]
    assert all("text" not in r for r in rows) and "شهود" not in json.dumps(figures, ensure_ascii=False)
    diffs = (src / "disagreements-round9.txt").read_text(encoding="utf-8")
    assert diffs.startswith("#1 fignews:B01/Arabic/1 @") and "p2: - | وقال شهود" in diffs


def test_round_four_pools_draw_denials_without_nafa_and_denials_of_non_violent_matters(tmp_path, monkeypatch):
    from rasd_train.data import realnews

    texts = {
        "phrase": "وقال المتحدث إنه لا صحة لما تردد عن قصف مواقع في المدينة.",
        "plain": "ونفت الوزارة ما نشر عن تأجيل موعد الاختبارات.",
        "nafa": "ونفى المتحدث قصف المدينة بالطائرات.",
    }
    docs = [realnews.Document("saudinewsnet", f"u-{k}", t, "2015-07-21") for k, t in texts.items()]
    monkeypatch.setattr(realnews, "iter_documents", lambda corpora=realnews.CORPORA: iter(docs))
    monkeypatch.setattr(realnews, "REAL_DEV_REFS", tmp_path / "none.jsonl")
    (tmp_path / "none.jsonl").write_text("", encoding="utf-8")
    none = {f"train_{k}": 0 for k in realnews.POOLS} | {"test_snn": 0, "test_fig": 0}
    assert realnews.select_documents(budgets=none) == {"train": [], "test": []}
    pick = lambda pool: [d.doc_id for d in realnews.select_documents(budgets=none | {pool: 10})["train"]]  # noqa: E731
    assert pick("train_deny_phrase") == ["u-phrase"]
    assert pick("train_deny_plain") == ["u-plain"]
    assert pick("train_deny") == ["u-nafa"]
