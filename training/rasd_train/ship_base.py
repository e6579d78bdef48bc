"""Ship a pretrained base where a fresh clone finds it: fp16 safetensors, its card, SHA-256 sums.

``bases/<name>/`` holds a standard transformers folder (``config.json``, ``model.safetensors``,
``tokenizer.json``), ``pretrain.json`` (text, tokens seen, loss curve), ``loss.png``, ``README.md``
(the card) and ``SHA256SUMS``. Fine-tuning checks every sum before it loads the base, so a
truncated download or a hand-edited file is one clear sentence, not a silently different model.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

SUMS = "SHA256SUMS"
MAX_MB = 40


class BaseChecksumError(RuntimeError):
    """A shipped base whose files do not match its SHA256SUMS."""


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify(folder) -> bool:
    """True when ``folder`` has SHA256SUMS and every listed file matches; raise on a mismatch."""
    folder = Path(folder)
    sums = folder / SUMS
    if not sums.is_file():
        return False
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        path = folder / name
        if not path.is_file():
            raise BaseChecksumError(f"base {folder}: {name} is listed in {SUMS} but missing")
        if sha256(path) != digest:
            raise BaseChecksumError(f"base {folder}: {name} does not match its SHA-256 in {SUMS} (damaged or edited)")
    return True


def _loss_curve(model_dir: Path) -> list[dict]:
    info = json.loads((model_dir / "pretrain.json").read_text(encoding="utf-8"))
    if info.get("loss_curve"):
        return info["loss_curve"]
    states = sorted(model_dir.parent.glob("checkpoints/checkpoint-*/trainer_state.json"),
                    key=lambda p: int(p.parent.name.split("-")[1]))
    if not states:
        return []
    history = json.loads(states[-1].read_text(encoding="utf-8"))["log_history"]
    return [{"step": h["step"], "loss": h["loss"]} for h in history if "loss" in h]


def _plot(curve: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3), dpi=110)
    ax.plot([c["step"] for c in curve], [c["loss"] for c in curve], linewidth=1)
    ax.set_xlabel("step")
    ax.set_ylabel("masked-LM loss")
    ax.set_title("Pretraining loss", fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def ship(model_dir, out_dir, name: str, comparison: str = "", rebuild: str = "") -> Path:
    """Write ``out_dir`` from a ``make pretrain`` model folder (the MLM head is dropped: fine-tuning
    never uses it, and it would double the embedding matrix on disk)."""
    import torch
    from transformers import AutoTokenizer, BertModel

    model_dir, out = Path(model_dir), Path(out_dir)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    model = BertModel.from_pretrained(str(model_dir), add_pooling_layer=False, dtype=torch.float32).half()
    model.save_pretrained(str(out), safe_serialization=True)
    AutoTokenizer.from_pretrained(str(model_dir)).save_pretrained(str(out))
    info = json.loads((model_dir / "pretrain.json").read_text(encoding="utf-8"))
    curve = _loss_curve(model_dir)
    info["loss_curve"] = curve
    if rebuild:
        info["rebuild"] = rebuild
    (out / "pretrain.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    if curve:
        _plot(curve, out / "loss.png")
    (out / "README.md").write_text(card(name, info, model.config, comparison), encoding="utf-8")
    files = sorted(p for p in out.iterdir() if p.is_file() and p.name != SUMS)
    (out / SUMS).write_text("".join(f"{sha256(p)}  {p.name}\n" for p in files), encoding="utf-8")
    size = sum(p.stat().st_size for p in files) / 2**20
    if size > MAX_MB:
        raise RuntimeError(f"base {out} is {size:.1f} MB, over the {MAX_MB} MB a clone may carry")
    return out


def _how_made(info: dict, config) -> str:
    """What the card says the weights are: PPMI embeddings, masked-LM steps, or both."""
    emb = info.get("embeddings")
    start = (f"Its input embeddings start from word-piece vectors of the same text (PPMI over a ±{emb['window']}-piece "
             f"window, truncated SVD to {emb['dim']} dimensions; {emb['tokens']:,} tokens counted, "
             f"{emb['pieces_with_vectors']:,} of {emb['vocab_size']:,} pieces with a vector; "
             "`rasd_train.embeddings`). " if emb else "")
    if not info.get("steps"):
        return start + ("Its layers are at their random initialisation: no masked-LM step has been taken, so "
                        "fine-tuning learns the layers and starts from embeddings that already place each "
                        "piece near the pieces used like it.")
    return start + (f"Then masked-language modelling (whole-word masking, 15% of the words) at length "
                    f"{info.get('max_length')}.")


def card(name: str, info: dict, config, comparison: str) -> str:
    curve = info.get("loss_curve", [])
    first, last = (curve[0]["loss"], curve[-1]["loss"]) if curve else (None, None)
    tail = [c["loss"] for c in curve[-10:]]
    return f"""# {name}: a small Arabic-news BERT for rasd

A {config.num_hidden_layers}-layer, {config.hidden_size}-wide BERT with a {config.vocab_size}-piece WordPiece
vocabulary trained on the Arabic text rasd may use. {_how_made(info, config)} Stored in fp16
(fine-tuning loads it in fp32); no masked-LM head is shipped. `SHA256SUMS` is checked before every
fine-tuning run.

- **Text** (interleaved, one document of each source in turn): {', '.join(info.get('sources', []))} —
  SaudiNewsNet without its last three days and FIGNEWS without batches B14–B15 (the real-news test
  documents are never read), ANERcorp train, AQMAR, Wojood train, WikiFANE, IDRISI, and the corpus's
  training split. Terms: SaudiNewsNet CC BY-NC-SA 4.0 (research only), FIGNEWS MIT; the others as
  stated in `../shared/data`. This base is derived from them: research use.
- **Tokens seen**: {info.get('tokens_seen', 0):,} in {info.get('steps')} steps.
- **Loss**: {_loss_line(first, last, tail)}
- **Rebuild**: {info.get('rebuild') or f'`make pretrain CONFIG=configs/pretrain-small.yaml`, then `.venv/bin/python -m rasd_train.ship_base runs/pretrain-small/model bases/{name}`'}.

## Measured

{comparison or 'Not yet compared with the random-weight base.'}
"""


def _loss_line(first, last, tail) -> str:
    if first is None:
        return "none: no masked-LM step was taken (`pretrain.json`)."
    return (f"{first:.2f} at the first log, {last:.2f} at the last (mean of the last ten logs "
            f"{sum(tail) / len(tail):.2f}); `loss.png`, and `pretrain.json` has every logged value.")


def main(argv=None) -> int:
    import argparse
    import sys

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model_dir")
    p.add_argument("out_dir")
    p.add_argument("--comparison", default="", help="a markdown file with the measured comparison, for the card")
    p.add_argument("--rebuild", default="", help="the commands that rebuild this base, for the card")
    args = p.parse_args(argv)
    comparison = Path(args.comparison).read_text(encoding="utf-8") if args.comparison else ""
    out = ship(args.model_dir, args.out_dir, Path(args.out_dir).name, comparison, args.rebuild)
    sys.stdout.write(f"{out}: {sum(f.stat().st_size for f in out.iterdir()) / 2**20:.1f} MB, sums checked: {verify(out)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
