"""``make bench``: throughput, latency, memory and cold start of every way to run a rasd model.

Each configuration runs in its own process (so peak RSS and cold start are its own), on the same
sentences, for the quickstart model and a BERT-base-sized model (random weights: speed only), with
1 and 2 threads:

- ``pipeline``   transformers ``pipeline`` for both tasks, one text at a time (what a user would write)
- ``torch``      rasd, torch backend, length-bucketed batches
- ``onnx-fp32``  rasd, ONNX Runtime
- ``onnx-int8``  rasd, ONNX Runtime, dynamic int8

Achieved GFLOP/s counts the encoder's matrix work on the tokens actually run (padding included) and
is set against the machine's measured float32 matmul peak (numpy, same thread count).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

MODES = ("pipeline", "torch", "onnx-fp32", "onnx-int8")


def _env(threads: int) -> dict:
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[var] = str(threads)
    env["TOKENIZERS_PARALLELISM"] = "false"
    env["HF_HUB_OFFLINE"] = "1"
    return env


def matmul_peak(threads: int, n: int = 2048, repeats: int = 10) -> float:
    code = (f"import numpy as np, time; a=np.random.rand({n},{n}).astype(np.float32); b=a.copy(); a@b; "
            f"t=time.perf_counter(); [a@b for _ in range({repeats})]; dt=time.perf_counter()-t; "
            f"print(2*{n}**3*{repeats}/dt/1e9)")
    out = subprocess.run([sys.executable, "-c", code], env=_env(threads), capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def flops_per_window(cfg: dict, length: int) -> float:
    """Multiply-adds ×2 of one BERT encoder pass over ``length`` tokens (embeddings excluded)."""
    h, i, layers = cfg["hidden_size"], cfg["intermediate_size"], cfg["num_hidden_layers"]
    per_token = 2 * (4 * h * h + 2 * h * i)
    attention = 2 * 2 * length * length * h
    return layers * (per_token * length + attention)


# -- the child process: one configuration ------------------------------------------------------


def child(mode: str, model_dir: str, data: str, threads: int, batch_size: int) -> None:
    t_start = float(os.environ["RASD_BENCH_T0"])
    texts = [json.loads(line)["text"] for line in open(data, encoding="utf-8")]
    latencies, first = [], None
    if mode == "pipeline":
        import torch
        from transformers import pipeline

        torch.set_num_threads(threads)
        tag = pipeline("token-classification", model=f"{model_dir}/tagger", aggregation_strategy="first", device="cpu")
        cls = pipeline("text-classification", model=f"{model_dir}/classifier", top_k=None,
                       function_to_apply="sigmoid", device="cpu")
        t0 = time.perf_counter()
        for text in texts:
            s = time.perf_counter()
            tag(text)
            cls(text)
            latencies.append(time.perf_counter() - s)
            first = first or time.time()
        wall = time.perf_counter() - t0
        lengths = [len(tag.tokenizer(t, truncation=True, max_length=512)["input_ids"]) for t in texts]
        windows = [[n] for n in lengths]
    else:
        import rasd

        backend, precision = ("torch", "fp32") if mode == "torch" else ("onnx", mode.split("-")[1])
        model = rasd.load(model_dir, backend=backend, precision=precision, threads=threads)
        t0 = time.perf_counter()
        for k in range(0, len(texts), batch_size * 4):
            chunk = texts[k : k + batch_size * 4]
            s = time.perf_counter()
            model.predict_sentences(chunk, batch_size=batch_size)
            dt = time.perf_counter() - s
            latencies += [dt] * len(chunk)
            first = first or time.time()
        wall = time.perf_counter() - t0
        windows = _padded_lengths(model, texts, batch_size)
    cfg = json.loads(Path(model_dir, "tagger", "config.json").read_text())
    flops = 2 * sum(flops_per_window(cfg, n) for group in windows for n in group)  # two tasks
    lat = sorted(latencies)
    print(json.dumps({
        "sentences": len(texts), "wall_s": round(wall, 3), "sent_per_s": round(len(texts) / wall, 2),
        "p50_ms": round(1000 * lat[len(lat) // 2], 2), "p95_ms": round(1000 * lat[int(len(lat) * 0.95)], 2),
        "peak_rss_mb": round(_peak_rss_mb(), 1), "cold_start_s": round(first - t_start, 3),
        "gflops": round(flops / wall / 1e9, 2),
    }))


def _padded_lengths(model, texts, batch_size):
    """Token counts as the batches ran them: each window padded to its batch's longest."""
    groups = []
    for k in range(0, len(texts), batch_size * 4):
        sub = sorted(len(w.input_ids) for t in texts[k: k + batch_size * 4] for w in model.encode(t)[1])
        for b in range(0, len(sub), batch_size):
            batch = sub[b : b + batch_size]
            groups.append([max(batch)] * len(batch))
    return groups


def _peak_rss_mb() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the parent: every configuration, a table, results.json ------------------------------------


def run_one(mode, model_dir, data, threads, batch_size) -> dict:
    env = _env(threads)
    env["RASD_BENCH_T0"] = repr(time.time())
    proc = subprocess.run([sys.executable, "-m", "rasd_train.bench", "--child", mode, model_dir, data, str(threads),
                           str(batch_size)], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench(models: dict[str, str], data: str, threads=(1, 2), batch_size: int = 32, modes=MODES) -> dict:
    results = {"machine": {"cpus": os.cpu_count(), "matmul_peak_gflops": {}}, "sentences_file": data, "runs": []}
    for t in threads:
        results["machine"]["matmul_peak_gflops"][str(t)] = round(matmul_peak(t), 1)
    for name, folder in models.items():
        for t in threads:
            base = None
            for mode in modes:
                r = run_one(mode, folder, data, t, batch_size)
                r.update({"model": name, "mode": mode, "threads": t})
                if mode == "pipeline" and "sent_per_s" in r:
                    base = r["sent_per_s"]
                if base and "sent_per_s" in r:
                    r["speedup_vs_pipeline"] = round(r["sent_per_s"] / base, 2)
                if "gflops" in r:
                    r["pct_of_peak"] = round(100 * r["gflops"] / results["machine"]["matmul_peak_gflops"][str(t)], 1)
                results["runs"].append(r)
                print(_row(r), flush=True)
    return results


HEADER = ("| model | mode | threads | sent/s | × pipeline | p50 ms | p95 ms | peak RSS MB | cold start s | GFLOP/s | % peak |\n"
          "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def _row(r: dict) -> str:
    if "error" in r:
        return f"| {r['model']} | {r['mode']} | {r['threads']} | error: {r['error']} |"
    return (f"| {r['model']} | {r['mode']} | {r['threads']} | {r['sent_per_s']} | {r.get('speedup_vs_pipeline', '')} | "
            f"{r['p50_ms']} | {r['p95_ms']} | {r['peak_rss_mb']} | {r['cold_start_s']} | {r['gflops']} | "
            f"{r.get('pct_of_peak', '')} |")


def table(results: dict) -> str:
    peaks = ", ".join(f"{k} thread(s) {v} GFLOP/s" for k, v in results["machine"]["matmul_peak_gflops"].items())
    return "\n".join([HEADER] + [_row(r) for r in results["runs"]] + ["", f"numpy float32 matmul peak: {peaks}."])


def make_base_sized(quickstart_dir: str, out_dir: str) -> str:
    """A BERT-base-sized model (12 layers, 768 hidden) with random weights and the quickstart's
    tokenizer and manifest, exported to ONNX: speed only, its predictions mean nothing."""
    import shutil

    from transformers import (AutoModelForSequenceClassification, AutoModelForTokenClassification, AutoTokenizer,
                              BertConfig)

    from rasd.manifest import Manifest
    from rasd_train.export import export_task, quantize

    out = Path(out_dir)
    if (out / "classifier" / "model.int8.onnx").is_file():
        return str(out)
    if out.exists():
        shutil.rmtree(out)
    manifest = Manifest.load(quickstart_dir)
    for task, cls in (("tagger", AutoModelForTokenClassification), ("classifier", AutoModelForSequenceClassification)):
        src = json.loads(Path(quickstart_dir, task, "config.json").read_text())
        cfg = BertConfig(vocab_size=src["vocab_size"], hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                         intermediate_size=3072, max_position_embeddings=512, id2label=src["id2label"],
                         label2id=src["label2id"], problem_type=src.get("problem_type"))
        model = cls.from_config(cfg)
        model.save_pretrained(out / task)
        AutoTokenizer.from_pretrained(str(Path(quickstart_dir, task))).save_pretrained(out / task)
        quantize(export_task(out / task, task))
    manifest.save(out)
    return str(out)


def main(argv=None) -> int:
    import argparse

    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        child(argv[1], argv[2], argv[3], int(argv[4]), int(argv[5]))
        return 0
    p = argparse.ArgumentParser(description="Benchmark rasd backends against the transformers pipeline.")
    p.add_argument("--model", default="runs/quickstart/model")
    p.add_argument("--data", default="data/events/test.jsonl")
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--out", default="bench/results.json")
    p.add_argument("--no-base", action="store_true", help="skip the BERT-base-sized model")
    args = p.parse_args(argv)
    from rasd.manifest import Manifest

    if not Manifest.load(args.model).onnx.get("fp32"):
        raise SystemExit(f"{args.model} has no ONNX export: run `make export MODEL={args.model}` first")
    texts = []
    for f in sorted(Path("data/events").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in open(f, encoding="utf-8")]
    texts = texts[: args.n]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    data = str(Path(args.out).with_name("sentences.jsonl"))
    with open(data, "w", encoding="utf-8") as fh:
        for t in texts:
            fh.write(json.dumps({"text": t}, ensure_ascii=False) + "\n")
    models = {"quickstart": args.model}
    if not args.no_base:
        models["bert-base-size"] = make_base_sized(args.model, "runs/bench-base/model")
    print(HEADER, flush=True)
    results = bench(models, data, tuple(int(x) for x in args.threads.split(",")), args.batch_size)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    Path(args.out).with_suffix(".md").write_text(table(results) + "\n", encoding="utf-8")
    print("\n" + table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
