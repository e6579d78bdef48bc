"""rasd predict over files: input kinds, output formats, resume after kill -9, the HTML view.

Runs in the inference-only venv too (ONNX backend, no torch): see .ci/run.
"""

import csv
import json
import shutil
import signal
import subprocess
import sys
import time

import pytest

from rasd.cli import main

from conftest import MINI, ROOT

TEXTS = [json.loads(line)["text"] for line in MINI.read_text(encoding="utf-8").splitlines()]


def write_jsonl(path, n, bad_line=None):
    lines = [json.dumps({"id": f"d{i}", "text": TEXTS[i % len(TEXTS)] + "\n" + TEXTS[(i + 3) % len(TEXTS)]},
                        ensure_ascii=False) for i in range(n)]
    if bad_line is not None:
        lines.insert(bad_line, '{"id": "broken", "text": ')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args):
    return main(["predict", "--quiet", "--backend", "onnx", *map(str, args)])


def test_jsonl_output_has_events_and_exact_offsets(onnx_model, tmp_path):
    inp = write_jsonl(tmp_path / "in.jsonl", 5)
    assert run("--model", onnx_model, "--input", inp, "--output", tmp_path / "out.jsonl") == 0
    docs = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [d["id"] for d in docs] == [f"d{i}" for i in range(5)]
    for d in docs:
        assert len(d["sentences"]) >= 2
        for sp in d["spans"]:
            assert d["text"][sp["start"]:sp["end"]] == sp["text"]
        for ev in d["events"]:
            assert ev["event_types"] and d["text"][ev["sentence"]["start"]:ev["sentence"]["end"]] == ev["sentence"]["text"]
    assert any(d["events"] for d in docs)


def test_input_kinds(onnx_model, tmp_path):
    csv_in = tmp_path / "in.csv"
    with open(csv_in, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["key", "body"])
        w.writerows([["a", TEXTS[0]], ["b", TEXTS[1]]])
    assert run("--model", onnx_model, "--input", csv_in, "--id-field", "key", "--text-field", "body",
               "--output", tmp_path / "csv.jsonl") == 0
    assert len((tmp_path / "csv.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(3):
        (folder / f"a{i}.txt").write_text(TEXTS[i], encoding="utf-8")
    assert run("--model", onnx_model, "--input", folder, "--output", tmp_path / "folder.jsonl") == 0
    ids = [json.loads(x)["id"] for x in (tmp_path / "folder.jsonl").read_text(encoding="utf-8").splitlines()]
    assert ids == ["a0.txt", "a1.txt", "a2.txt"]
    assert run("--model", onnx_model, "--input", folder / "a1.txt", "--output", tmp_path / "one.jsonl") == 0
    stdin = subprocess.run([sys.executable, "-m", "rasd.cli", "predict", "--model", str(onnx_model), "--input", "-",
                            "--output", str(tmp_path / "stdin.jsonl"), "--quiet", "--backend", "onnx"],
                           input=json.dumps({"id": "s", "text": TEXTS[2]}, ensure_ascii=False) + "\n",
                           capture_output=True, text=True, cwd=ROOT)
    assert stdin.returncode == 0, stdin.stderr
    assert json.loads((tmp_path / "stdin.jsonl").read_text(encoding="utf-8"))["id"] == "s"


def test_malformed_lines_go_to_the_errors_file_or_stop_with_strict(onnx_model, tmp_path):
    inp = write_jsonl(tmp_path / "in.jsonl", 3, bad_line=1)
    assert run("--model", onnx_model, "--input", inp, "--output", tmp_path / "out.jsonl") == 0
    assert "in.jsonl:2: invalid JSON" in (tmp_path / "out.jsonl.errors").read_text(encoding="utf-8")
    assert len((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()) == 3
    assert run("--model", onnx_model, "--input", inp, "--output", tmp_path / "strict.jsonl", "--strict") == 2


def test_csv_output_one_event_a_row(onnx_model, tmp_path):
    inp = write_jsonl(tmp_path / "in.jsonl", 6)
    out = tmp_path / "events.csv"
    assert run("--model", onnx_model, "--input", inp, "--output", out) == 0
    rows = list(csv.DictReader(open(out, encoding="utf-8", newline="")))
    assert {r["doc_id"] for r in rows} == {f"d{i}" for i in range(6)}
    events = [r for r in rows if r["event_types"]]
    assert events and all(r["sentence"] for r in events)


def test_documents_carry_dates_and_events_get_date_and_place(onnx_model, tmp_path):
    text = "قالت وكالة الأنباء السورية إن إسرائيل شنت غارات على ريف حمص فجر الخميس."
    inp = tmp_path / "in.jsonl"
    inp.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": "a", "text": text, "date": "2015-08-08"},
        {"id": "bad", "text": text, "date": "08/08/2015"},
        {"id": "none", "text": text},
        {"id": "b", "text": TEXTS[0], "date": "2015-08-08T09:30:00+03:00"},
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run("--model", onnx_model, "--input", inp, "--output", out) == 0
    docs = {d["id"]: d for d in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert set(docs) == {"a", "none", "b"}  # the record with a bad date is skipped, the batch goes on
    errors = (tmp_path / "out.jsonl.errors").read_text(encoding="utf-8")
    assert "in.jsonl:2: record 'bad': date '08/08/2015' is not ISO 8601" in errors
    assert docs["a"]["date"] == "2015-08-08" and docs["b"]["date"] == "2015-08-08" and docs["none"]["date"] is None
    for d in docs.values():
        for ev in d["events"]:
            assert {"date", "date_precision", "date_end", "place", "origin", "actors"} <= set(ev)
            if d["id"] == "none":
                assert ev["date"] is None or ev["date_precision"] in ("year", "month", "range", "day")
    # --date for text files; a bad --date stops the run with one line
    (tmp_path / "one.txt").write_text(text, encoding="utf-8")
    assert run("--model", onnx_model, "--input", tmp_path / "one.txt", "--output", tmp_path / "t.jsonl",
               "--date", "2015-08-08") == 0
    assert json.loads((tmp_path / "t.jsonl").read_text(encoding="utf-8"))["date"] == "2015-08-08"
    assert run("--model", onnx_model, "--input", tmp_path / "one.txt", "--output", tmp_path / "u.jsonl",
               "--date", "Thursday") == 2


def test_date_column_in_csv_input(tmp_path):
    from rasd.io import InputError, read_documents

    p = tmp_path / "in.csv"
    with open(p, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "published"])
        w.writerows([["a", "نص", "2015-07-25"], ["b", "نص", ""], ["c", "نص", "2015-02-30"]])
    got = list(read_documents(str(p), date_field="published", default_date="2015-01-01"))
    assert got[0].date == "2015-07-25" and got[1].date == "2015-01-01"
    assert isinstance(got[2], InputError) and "in.csv:4: record 'c'" in str(got[2])


def test_acled_table_and_incidents_from_a_prediction(onnx_model, tmp_path):
    inp = write_jsonl(tmp_path / "in.jsonl", 6)
    out = tmp_path / "acled.csv"
    assert run("--model", onnx_model, "--input", inp, "--output", out, "--format", "acled") == 0
    rows = list(csv.DictReader(open(out, encoding="utf-8", newline="")))
    from rasd.events.acled import ACLED_COLUMNS

    assert list(rows[0]) == ACLED_COLUMNS and {r["doc_id"] for r in rows} == {f"d{i}" for i in range(6)}
    assert run("--model", onnx_model, "--input", inp, "--output", tmp_path / "p.jsonl") == 0
    assert main(["incidents", "--input", str(tmp_path / "p.jsonl"), "--output", str(tmp_path / "i.jsonl")]) == 0
    incidents = [json.loads(x) for x in (tmp_path / "i.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sum(len(i["reports"]) + len(i["denials"]) for i in incidents) == sum(
        len(json.loads(x)["events"]) for x in (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("suffix", ["jsonl", "html", "csv", "acled"])
def test_resume_after_kill_loses_and_duplicates_nothing(onnx_model, tmp_path, suffix):
    n = 300
    inp = write_jsonl(tmp_path / "in.jsonl", n)
    out = tmp_path / f"out.{'csv' if suffix == 'acled' else suffix}"
    cmd = [sys.executable, "-m", "rasd.cli", "predict", "--model", str(onnx_model), "--input", str(inp),
           "--output", str(out), "--quiet", "--backend", "onnx", "--chunk", "4", "--threads", "1",
           "--format", suffix]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and (not out.exists() or out.stat().st_size < 3000):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with open(out, "ab") as fh:  # simulate a write torn by the kill
        fh.write(b'{"id": "d9' if suffix == "jsonl" else b'<article data-id="x"><p>' if suffix == "html" else b"d9,0,att")
    assert subprocess.run(cmd, cwd=ROOT, capture_output=True).returncode == 0
    if suffix == "jsonl":
        ids = [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()]
    elif suffix == "html":
        import re

        ids = re.findall(r'<article data-id="([^"]*)"', out.read_text(encoding="utf-8"))
        assert out.read_text(encoding="utf-8").count("</html>") == 1
    else:
        rows = list(csv.DictReader(open(out, encoding="utf-8", newline="")))
        seen = {}
        for k, r in enumerate(rows):
            key = r["event_index"] if suffix == "csv" else r["event_id_cnty"]
            seen.setdefault(r["doc_id"], []).append(key or "")
        assert all(len(v) == len(set(v)) for v in seen.values()), "a document's rows were written twice"
        ids = list(seen)
    assert sorted(ids) == sorted(f"d{i}" for i in range(n))
    assert len(ids) == n


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.skip("Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")


def test_html_view_highlights_spans_in_headless_chromium(onnx_model, tmp_path):
    browser = _chromium()
    inp = write_jsonl(tmp_path / "in.jsonl", 4)
    out = tmp_path / "view.html"
    assert run("--model", onnx_model, "--input", inp, "--output", out) == 0
    page = out.read_text(encoding="utf-8").replace("</body>", """<script>
for (const m of document.querySelectorAll('mark')) m.setAttribute('data-bg', getComputedStyle(m).backgroundColor);
document.body.setAttribute('data-dir', getComputedStyle(document.body).direction);
</script></body>""")
    probe = tmp_path / "probe.html"
    probe.write_text(page, encoding="utf-8")
    r = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", probe.as_uri()],
                       capture_output=True, text=True, timeout=120)
    dom = r.stdout
    assert 'data-dir="rtl"' in dom, r.stderr[-2000:]
    marks = dom.count("<mark ")
    assert marks > 0
    assert dom.count('data-bg="rgb(') == marks, "every highlighted span has a background colour"
    assert 'class="legend"' in dom


def test_sharded_run_merges_back_in_input_order(onnx_model, tmp_path):
    inp = write_jsonl(tmp_path / "in.jsonl", 11, bad_line=4)
    out = tmp_path / "out.jsonl"
    for k in range(3):
        assert run("--model", onnx_model, "--input", inp, "--output", out, "--shard", f"{k}/3") == 0
    shards = sorted(p.name for p in tmp_path.glob("out.shard-*.jsonl"))
    assert shards == [f"out.shard-{k:03d}-of-003.jsonl" for k in range(3)]
    assert main(["merge", "--input", str(inp), "--output", str(out), "--shards", "3"]) == 0
    ids = [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()]
    assert ids == [f"d{i}" for i in range(11)]
    assert main(["merge", "--input", str(inp), "--output", str(tmp_path / "view.html"), "--shards", "3",
                 "--shards-of", str(out)]) == 0
    assert (tmp_path / "view.html").read_text(encoding="utf-8").count("<article") == 11
    (tmp_path / "out.shard-001-of-003.jsonl").write_text("", encoding="utf-8")
    assert main(["merge", "--input", str(inp), "--output", str(out), "--shards", "3"]) == 2


def test_an_unreachable_hub_id_is_one_sentence(monkeypatch):
    import rasd
    from rasd.manifest import ModelFolderError

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelFolderError) as err:
        rasd.load("rasd-test/not-cached-anywhere")
    assert "Hugging Face Hub or its local cache" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(ModelFolderError, match="model folder not found: ./nowhere"):
        rasd.load("./nowhere")
