"""``make bench``: throughput, latency, memory and cold start of every way to run a rasd model.

Each configuration runs in its own process (so peak RSS and cold start are its own), on the same
sentences, for the quickstart model and a BERT-base-sized model (random weights: speed only), with
1 and 2 threads:

- ``pipeline``   transformers ``pipeline`` for both tasks, one text at a time (what a user would write)
- ``torch``      rasd, torch backend, length-bucketed batches
- ``onnx-fp32``  rasd, ONNX Runtime
- ``onnx-int8``  rasd, ONNX Runtime, dynamic int8

Achieved GFLOP/s counts the encoder's matrix work on the tokens actually run (padding included) and
is printed beside the machine's measured sgemm peak (numpy float32 matmul, same thread count).

Besides the table:

- ``cold_start``: a fresh Python process from its start to its first prediction (``import rasd``,
  ``rasd.load`` of the int8 model, one document), median of several runs, and the same for the whole
  ``rasd predict`` command on a one-document file (target: the API path within 0.5 s);
- ``isa``: the CPU's vector and matrix extensions (AVX-512, VNNI, BF16, AMX, from /proc/cpuinfo),
  the int8 and float kernels ONNX Runtime's MLAS picks for this model's operators on this CPU, and
  one GEMM of the quickstart's shape run through ONNX Runtime in fp32 and in int8, beside the sgemm
  peak, to show what the integer kernels buy.
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
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode cached; so do these runs
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


def child(mode: str, model_dir: str, data: str, threads: int, batch_size: int, chunk: int) -> None:
    t_start = float(os.environ["RASD_BENCH_T0"])
    texts = [json.loads(line)["text"] for line in open(data, encoding="utf-8")]
    run = _run_pipeline if mode == "pipeline" else _run_rasd
    wall, latencies, first, windows, real = run(mode, model_dir, texts, threads, batch_size, chunk)
    cfg = json.loads(Path(model_dir, "tagger", "config.json").read_text())
    flops = 2 * sum(flops_per_window(cfg, n) for group in windows for n in group)  # two tasks
    run_tokens = sum(n for group in windows for n in group)
    lat = sorted(latencies)
    print(json.dumps({
        "sentences": len(texts), "wall_s": round(wall, 3), "sent_per_s": round(len(texts) / wall, 2),
        "p50_ms": round(1000 * lat[len(lat) // 2], 2), "p95_ms": round(1000 * lat[int(len(lat) * 0.95)], 2),
        "peak_rss_mb": round(_peak_rss_mb(), 1), "cold_start_s": round(first - t_start, 3),
        "gflops": round(flops / wall / 1e9, 2), "pad_pct": round(100 * (1 - real / run_tokens), 1),
    }))


def _run_pipeline(mode, model_dir, texts, threads, batch_size, chunk):
    """The transformers pipeline for both tasks, one text at a time (what a user would write)."""
    import torch
    from transformers import pipeline

    torch.set_num_threads(threads)
    tag = pipeline("token-classification", model=f"{model_dir}/tagger", aggregation_strategy="first", device="cpu")
    cls = pipeline("text-classification", model=f"{model_dir}/classifier", top_k=None,
                   function_to_apply="sigmoid", device="cpu")
    latencies, first = [], None
    t0 = time.perf_counter()
    for text in texts:
        s = time.perf_counter()
        tag(text)
        cls(text)
        latencies.append(time.perf_counter() - s)
        first = first or time.time()
    wall = time.perf_counter() - t0
    lengths = [len(tag.tokenizer(t, truncation=True, max_length=512)["input_ids"]) for t in texts]
    return wall, latencies, first, [[n] for n in lengths], sum(lengths)


def _run_rasd(mode, model_dir, texts, threads, batch_size, chunk):
    """rasd's serving path: ``chunk`` sentences per call, length-bucketed batches of ``batch_size``."""
    import rasd

    backend, precision = ("torch", "fp32") if mode == "torch" else ("onnx", mode.split("-")[1])
    model = rasd.load(model_dir, backend=backend, precision=precision, threads=threads)
    latencies, first = [], None
    t0 = time.perf_counter()
    for k in range(0, len(texts), chunk):
        part = texts[k : k + chunk]
        s = time.perf_counter()
        model.predict_sentences(part, batch_size=batch_size)
        latencies += [time.perf_counter() - s] * len(part)
        first = first or time.time()
    wall = time.perf_counter() - t0
    real = sum(len(w.input_ids) for t in texts for w in model.encode(t)[1])
    return wall, latencies, first, _padded_lengths(model, texts, batch_size, chunk), real


def _padded_lengths(model, texts, batch_size, chunk):
    """Token counts as the batches ran them: each window padded to its batch's longest."""
    groups = []
    for k in range(0, len(texts), chunk):
        sub = sorted(len(w.input_ids) for t in texts[k: k + chunk] for w in model.encode(t)[1])
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


# -- cold start: a fresh process to its first prediction ---------------------------------------

COLD_API = """
import json, sys, time
t0 = time.perf_counter()
import rasd
model = rasd.load(sys.argv[1], backend="onnx", precision=sys.argv[2], threads=int(sys.argv[3]))
t1 = time.perf_counter()
model.predict_documents([sys.argv[4]])
print(json.dumps({"done": time.time(), "import_and_load_s": t1 - t0, "first_predict_s": time.perf_counter() - t1}))
"""
COLD_TEXT = "قصفت طائرات حربية ميناء الحديدة فجر اليوم، وقالت مصادر طبية إن ثلاثة أشخاص قتلوا."


def _cold_api_once(model_dir: str, precision: str, threads: int) -> dict:
    """Seconds from spawning ``python`` to its first prediction printed, and where they went."""
    started = time.time()
    out = subprocess.run([sys.executable, "-c", COLD_API, model_dir, precision, str(threads), COLD_TEXT],
                         env=_env(threads), capture_output=True, text=True, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return {"s": r["done"] - started, "import_and_load_s": r["import_and_load_s"], "first_predict_s": r["first_predict_s"]}


def _cold_cli_once(model_dir: str, precision: str, threads: int, tmp: Path) -> dict:
    """Seconds of a whole ``rasd predict`` on a one-document file, process start to exit."""
    inp, out = tmp / "one.jsonl", tmp / "one.out.jsonl"
    inp.write_text(json.dumps({"id": "1", "text": COLD_TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    out.unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rasd.cli", "predict", "--model", model_dir, "--input", str(inp), "--output",
                    str(out), "--backend", "onnx", "--precision", precision, "--threads", str(threads), "--quiet"],
                   env=_env(threads), capture_output=True, check=True)
    return {"s": time.perf_counter() - started}


def _median(values: list[float]) -> float:
    v = sorted(values)
    return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2


def cold_start(model_dir: str, precision: str = "int8", threads: int = 2, runs: int = 7) -> dict:
    """Median cold start of the Python API and of the CLI, after one discarded run of each (the
    bytecode and page caches warm, as for any installed package: what a user's second call sees)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        kinds = {"api": lambda: _cold_api_once(model_dir, precision, threads),
                 "cli": lambda: _cold_cli_once(model_dir, precision, threads, Path(tmp))}
        result = {"precision": precision, "threads": threads, "runs": runs, "target_s": 0.5}
        for name, once in kinds.items():
            once()
            samples = [once() for _ in range(runs)]
            result[name] = {key: round(_median([x[key] for x in samples]), 3) for key in samples[0]}
            result[name]["min_s"] = round(min(x["s"] for x in samples), 3)
            result[name]["max_s"] = round(max(x["s"] for x in samples), 3)
    return result


def cold_text(r: dict) -> str:
    api, cli = r["api"], r["cli"]
    verdict = "meets" if api["s"] <= r["target_s"] else "misses"
    return (f"cold start, ONNX {r['precision']}, {r['threads']} thread(s), median of {r['runs']} fresh processes: "
            f"API (import rasd, load, first document) {api['s']} s (min {api['min_s']}, max {api['max_s']}; "
            f"import+load {api['import_and_load_s']} s, first prediction {api['first_predict_s']} s) — {verdict} "
            f"the {r['target_s']} s target; whole `rasd predict` on one document {cli['s']} s.")


# -- the CPU's matrix extensions and the ONNX Runtime kernels that use them -------------------------

ISA_FLAGS = ("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_tile",
             "amx_int8", "amx_bf16")
INT8_OPS = {"MatMulInteger", "DynamicQuantizeMatMul", "MatMulIntegerToFloat", "QGemm", "QAttention", "QLinearMatMul"}
FLOAT_OPS = {"MatMul", "Gemm", "FusedMatMul", "FusedGemm", "Attention", "MultiHeadAttention"}


def cpu_flags() -> set[str]:
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def int8_kernel(flags: set[str]) -> str:
    """The u8×s8 GEMM kernel MLAS dispatches to on a CPU with ``flags`` (onnxruntime/core/mlas/lib/
    platform.cpp: AMX first, then AVX512-VNNI, AVX-VNNI, AVX512 core, AVX2)."""
    if {"amx_tile", "amx_int8"} <= flags:
        return "MlasGemmU8S8DispatchAmx (AMX-INT8 tiles, TDPBUSD)"
    if {"avx512bw", "avx512vl", "avx512_vnni"} <= flags:
        return "MlasGemmU8S8KernelAvx512Vnni (AVX512-VNNI, VPDPBUSD)"
    if "avx_vnni" in flags:
        return "MlasGemmU8S8KernelAvxVnni (AVX-VNNI, VPDPBUSD on ymm)"
    if {"avx512bw", "avx512vl"} <= flags:
        return "MlasGemmU8S8KernelAvx512Core (VPMADDUBSW + VPMADDWD, no VNNI)"
    return "MlasGemmU8S8KernelAvx2 (VPMADDUBSW + VPMADDWD)"


def _optimized_ops(path: Path) -> tuple[dict[str, int], set[str]]:
    """Operator counts of the graph ONNX Runtime actually runs (after its fusions), and the element
    types of the integer matmuls' weights (int8: the u8×s8 kernels; uint8: u8×u8, never VNNI)."""
    import tempfile

    import onnx
    import onnxruntime as ort

    with tempfile.TemporaryDirectory() as tmp:
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.optimized_model_filepath = str(Path(tmp) / "optimized.onnx")
        opts.log_severity_level = 3  # the "hardware specific optimizations" notice: this file is only read here
        ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        graph = onnx.load(opts.optimized_model_filepath).graph
    ops: dict[str, int] = {}
    for node in graph.node:
        ops[node.op_type] = ops.get(node.op_type, 0) + 1
    types = {i.name: onnx.TensorProto.DataType.Name(i.data_type) for i in graph.initializer}
    weights = {types[n.input[1]] for n in graph.node if n.op_type in INT8_OPS and len(n.input) > 1 and n.input[1] in types}
    return ops, weights


def isa_report(model_dir: str, threads=(1, 2)) -> dict:
    """Which of the CPU's int8/bf16 extensions this model's ONNX Runtime kernels use, with a GEMM of
    the quickstart's shape in fp32 and int8 through ONNX Runtime as the measured evidence."""
    flags = cpu_flags()
    report = {"flags": {f: f in flags for f in ISA_FLAGS}, "int8_model": {}, "gemm": {}}
    for task in ("tagger", "classifier"):
        path = Path(model_dir, task, "model.int8.onnx")
        if path.is_file():
            ops, weights = _optimized_ops(path)
            report["int8_model"][task] = {"int8_ops": {k: v for k, v in ops.items() if k in INT8_OPS},
                                          "float_matmul_ops": {k: v for k, v in ops.items() if k in FLOAT_OPS},
                                          "int8_weight_types": sorted(weights)}
    weights = {w for t in report["int8_model"].values() for w in t["int8_weight_types"]}
    report["int8_kernel"] = (int8_kernel(flags) if "INT8" in weights else
                             "MlasGemmU8U8 (uint8 weights: no VNNI/AMX path)" if weights else "no int8 matmuls")
    report["float_kernel"] = ("MlasGemmFloatKernelAvx512F (AVX-512 FMA)" if "avx512f" in flags else
                              "MlasGemmFloatKernelFma3 (AVX2 FMA)")
    bf16 = " and ".join(sorted({"avx512_bf16", "amx_bf16"} & flags)) or "no bf16 extension"
    report["bf16_matmul_on_cpu_provider"] = _bf16_matmul_runs()
    report["bf16"] = (f"{bf16}: unused. ONNX Runtime's CPU provider "
                      + ("runs a bf16 MatMul here" if report["bf16_matmul_on_cpu_provider"] else
                         "has no bf16 MatMul (checked: NOT_IMPLEMENTED; MLAS's bf16 kernels are ARM64-only)")
                      + ", and the exported models are fp32 and int8")
    for t in threads:
        report["gemm"][str(t)] = gemm_speeds(t)
    return report


def _bf16_matmul_runs() -> bool:
    """Whether ONNX Runtime's CPU provider has a bfloat16 MatMul at all (it had none through 1.32)."""
    import onnxruntime as ort
    from onnx import TensorProto, helper as h

    io = [h.make_tensor_value_info(n, TensorProto.BFLOAT16, [4, 4]) for n in ("a", "b", "y")]
    graph = h.make_graph([h.make_node("MatMul", ["a", "b"], ["y"])], "bf16", io[:2], io[2:])
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])
    try:
        ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    except Exception:  # NOT_IMPLEMENTED: no kernel registered for tensor(bfloat16)
        return False
    return True


GEMM_CODE = """
import json, sys, time
import numpy as np, onnx, onnxruntime as ort
from onnx import TensorProto, helper as h
m, k, n, threads = (int(x) for x in sys.argv[1:5])
def graph(kind):
    if kind == "fp32":
        w = h.make_tensor("w", TensorProto.FLOAT, [k, n], np.random.rand(k * n).astype(np.float32))
        nodes = [h.make_node("MatMul", ["a", "w"], ["y"])]
        a = h.make_tensor_value_info("a", TensorProto.FLOAT, [m, k])
        y = h.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])
    else:  # what quantize_dynamic writes: activations quantized on the fly to uint8, int8 weights
        w = h.make_tensor("w", TensorProto.INT8, [k, n], np.random.randint(-127, 127, k * n).astype(np.int8))
        nodes = [h.make_node("MatMulInteger", ["a", "w"], ["y"])]
        a = h.make_tensor_value_info("a", TensorProto.UINT8, [m, k])
        y = h.make_tensor_value_info("y", TensorProto.INT32, [m, n])
    model = h.make_model(h.make_graph(nodes, kind, [a], [y], [w]), opset_imports=[h.make_opsetid("", 17)])
    opts = ort.SessionOptions(); opts.intra_op_num_threads = threads
    return ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
out = {}
for kind in ("fp32", "int8"):
    s = graph(kind)
    a = np.random.rand(m, k).astype(np.float32) if kind == "fp32" else np.random.randint(0, 255, (m, k)).astype(np.uint8)
    for _ in range(3): s.run(None, {"a": a})
    reps, t = 0, time.perf_counter()
    while time.perf_counter() - t < 1.0:
        s.run(None, {"a": a}); reps += 1
    out[kind] = 2 * m * k * n * reps / (time.perf_counter() - t) / 1e9
print(json.dumps(out))
"""


def gemm_speeds(threads: int, m: int = 2048, k: int = 256, n: int = 1024) -> dict:
    """GFLOP/s (fp32) and GOP/s (int8) of one ONNX Runtime GEMM shaped like the quickstart's FFN
    (tokens × 256 → 1024), beside the numpy sgemm peak at the same thread count."""
    out = subprocess.run([sys.executable, "-c", GEMM_CODE, str(m), str(k), str(n), str(threads)], env=_env(threads),
                         capture_output=True, text=True, check=True)
    speeds = json.loads(out.stdout.strip().splitlines()[-1])
    peak = matmul_peak(threads)
    return {"shape": [m, k, n], "ort_fp32_gflops": round(speeds["fp32"], 1), "ort_int8_gops": round(speeds["int8"], 1),
            "int8_over_fp32": round(speeds["int8"] / speeds["fp32"], 2), "sgemm_peak_gflops": round(peak, 1)}


def isa_text(r: dict) -> str:
    have = ", ".join(f for f, on in r["flags"].items() if on) or "none of them"
    lines = [f"CPU extensions (of {', '.join(ISA_FLAGS)}): {have}.",
             f"int8 matmuls ({_ops_text(r)}) run on {r['int8_kernel']}; fp32 ones on {r['float_kernel']}.",
             f"bf16: {r['bf16']}."]
    for t, g in r["gemm"].items():
        lines.append(f"ONNX Runtime GEMM {'x'.join(map(str, g['shape']))} on {t} thread(s): fp32 {g['ort_fp32_gflops']} "
                     f"GFLOP/s, int8 {g['ort_int8_gops']} GOP/s ({g['int8_over_fp32']}x) — sgemm peak "
                     f"{g['sgemm_peak_gflops']} GFLOP/s.")
    return "\n".join(lines)


def _ops_text(r: dict) -> str:
    counts: dict[str, int] = {}
    for task in r["int8_model"].values():
        for op, n in task["int8_ops"].items():
            counts[op] = counts.get(op, 0) + n
    return ", ".join(f"{n} {op}" for op, n in sorted(counts.items())) or "none"


# -- the parent: every configuration, a table, results.json ------------------------------------


def run_one(mode, model_dir, data, threads, batch_size, chunk) -> dict:
    env = _env(threads)
    env["RASD_BENCH_T0"] = repr(time.time())
    proc = subprocess.run([sys.executable, "-m", "rasd_train.bench", "--child", mode, model_dir, data, str(threads),
                           str(batch_size), str(chunk)], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench(models: dict[str, str], data: str, threads=(1, 2), batch_size: int = 32, modes=MODES,
          chunk: int = 128) -> dict:
    results = {"machine": {"cpus": os.cpu_count(), "matmul_peak_gflops": {}}, "sentences_file": data,
               "batch_size": batch_size, "chunk": chunk, "runs": []}
    for t in threads:
        results["machine"]["matmul_peak_gflops"][str(t)] = round(matmul_peak(t), 1)
    for name, folder in models.items():
        for t in threads:
            base = None
            for mode in modes:
                r = run_one(mode, folder, data, t, batch_size, chunk)
                r.update({"model": name, "mode": mode, "threads": t,
                          "sgemm_peak_gflops": results["machine"]["matmul_peak_gflops"][str(t)]})
                if mode == "pipeline" and "sent_per_s" in r:
                    base = r["sent_per_s"]
                if base and "sent_per_s" in r:
                    r["speedup_vs_pipeline"] = round(r["sent_per_s"] / base, 2)
                if "gflops" in r:
                    r["pct_of_peak"] = round(100 * r["gflops"] / results["machine"]["matmul_peak_gflops"][str(t)], 1)
                results["runs"].append(r)
                print(_row(r), flush=True)
    return results


HEADER = ("| model | mode | threads | sent/s | × pipeline | p50 ms | p95 ms | peak RSS MB | cold start s | pad % | GFLOP/s "
          "| sgemm peak GFLOP/s | % peak |\n"
          "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def _row(r: dict) -> str:
    if "error" in r:
        return f"| {r['model']} | {r['mode']} | {r['threads']} | error: {r['error']} |"
    return (f"| {r['model']} | {r['mode']} | {r['threads']} | {r['sent_per_s']} | {r.get('speedup_vs_pipeline', '')} | "
            f"{r['p50_ms']} | {r['p95_ms']} | {r['peak_rss_mb']} | {r['cold_start_s']} | {r.get('pad_pct', '')} | "
            f"{r['gflops']} | {r.get('sgemm_peak_gflops', '')} | {r.get('pct_of_peak', '')} |")


def table(results: dict) -> str:
    peaks = ", ".join(f"{k} thread(s) {v} GFLOP/s" for k, v in results["machine"]["matmul_peak_gflops"].items())
    lines = [HEADER] + [_row(r) for r in results["runs"]] + ["", f"sgemm peak (numpy float32 matmul): {peaks}."]
    lines += [speedup_text(results)] if speedup_text(results) else []
    if "cold_start" in results:
        lines += ["", cold_text(results["cold_start"])]
    if "isa" in results:
        lines += ["", isa_text(results["isa"])]
    return "\n".join(lines)


def speedup_text(results: dict, target: float = 8.0) -> str:
    """The int8 speed-up over the pipeline on the quickstart model, against the 8x target."""
    runs = [r for r in results["runs"] if r["model"] == "quickstart" and r["mode"] == "onnx-int8"
            and "speedup_vs_pipeline" in r]
    if not runs:
        return ""
    best = max(runs, key=lambda r: r["speedup_vs_pipeline"])
    verdict = "meets" if best["speedup_vs_pipeline"] >= target else "misses"
    each = ", ".join(f"{r['speedup_vs_pipeline']}x on {r['threads']} thread(s)" for r in runs)
    return f"quickstart ONNX int8 over the transformers pipeline: {each} — {verdict} the {target:g}x target."


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
        child(argv[1], argv[2], argv[3], int(argv[4]), int(argv[5]), int(argv[6]))
        return 0
    p = argparse.ArgumentParser(description="Benchmark rasd backends against the transformers pipeline.")
    p.add_argument("--model", default="runs/quickstart/model")
    p.add_argument("--data", default="data/events/test.jsonl")
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--batch-size", type=int, default=16,
                   help="windows per forward pass (16: with --chunk 512, 2.6%% padding on the corpus sentences)")
    p.add_argument("--chunk", type=int, default=512,
                   help="sentences per predict call: the pool that length bucketing sorts (rasd predict's --chunk)")
    p.add_argument("--cold-runs", type=int, default=7, help="fresh processes for the cold-start median")
    p.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, of {', '.join(MODES)}")
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
    threads = tuple(int(x) for x in args.threads.split(","))
    print(HEADER, flush=True)
    results = bench(models, data, threads, args.batch_size, tuple(args.modes.split(",")), args.chunk)
    results["cold_start"] = cold_start(args.model, "int8", max(threads), args.cold_runs)
    results["isa"] = isa_report(args.model, threads)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    Path(args.out).with_suffix(".md").write_text(table(results) + "\n", encoding="utf-8")
    print("\n" + table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
