"""Choose the WordPiece vocabulary size by measurement, not by habit.

For each candidate size, train the tokenizer exactly as pretraining does (same text, same
normalisation) and measure on held-out sentences (written dev, real-dev): fertility (word pieces
per word), the share of words cut into three or more pieces, and the share of unknown pieces. The
embedding matrix grows with the vocabulary (size x hidden x 2 bytes in fp16), so the base's size
limit is printed beside each row.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from rasd.text import Normalization, normalize_word, tokenize


def measure(sizes, sources, max_chars: int, held_out: dict[str, list[str]], hidden: int = 256) -> list[dict]:
    from rasd_train.base import normalized_lines, train_wordpiece
    from rasd_train.pretrain import iter_texts

    norm = Normalization()
    texts, used = [], 0
    for t in iter_texts(sources):
        texts.append(t)
        used += len(t)
        if max_chars and used >= max_chars:
            break
    lines = list(normalized_lines(texts, norm))
    words = {name: [normalize_word(t.text, norm) for s in sents for t in tokenize(s) if t.is_word]
             for name, sents in held_out.items()}
    rows = []
    for size in sizes:
        start = time.time()
        tok = train_wordpiece(iter(lines), size, 2).backend_tokenizer
        row = {"vocab": size, "train_chars": used, "train_s": round(time.time() - start, 1),
               "embedding_mb_fp16": round(size * hidden * 2 / 2**20, 1)}
        unk = tok.token_to_id("[UNK]")
        for name, ws in words.items():
            enc = tok.encode(ws, is_pretokenized=True, add_special_tokens=False)
            pieces = [0] * len(ws)
            n_unk = 0
            for tid, w in zip(enc.ids, enc.word_ids):
                pieces[w] += 1
                n_unk += tid == unk
            row[f"{name}_fertility"] = round(sum(pieces) / len(ws), 3)
            row[f"{name}_3plus"] = round(sum(p >= 3 for p in pieces) / len(ws), 3)
            row[f"{name}_unk"] = round(n_unk / len(enc.ids), 4)
        rows.append(row)
    return rows


def main(argv=None) -> int:
    from rasd.records import read_records
    from rasd_train.data.realdev import load_real_dev
    from rasd_train.pretrain import load_pretrain_config

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", default="configs/pretrain-small.yaml")
    p.add_argument("--sizes", type=int, nargs="+", default=[8000, 16000, 24000, 32000])
    args = p.parse_args(argv)
    cfg = load_pretrain_config(args.config)
    held = {"written_dev": [r.text for r in read_records("data/events/dev.jsonl")],
            "real_dev": [r.text for r in load_real_dev()]}
    for row in measure(args.sizes, cfg.text, cfg.tokenizer_max_chars, held):
        sys.stdout.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
