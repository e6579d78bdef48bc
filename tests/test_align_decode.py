"""Sub-token alignment, windows and BIO decoding: offsets exact, nothing lost or doubled."""

from hypothesis import given, settings
from hypothesis import strategies as st

from rasd.align import IGNORE_INDEX, SpecialTokens, align_labels, encode_words, word_tags
from rasd.decode import decode_spans, repair_iob2, tags_to_word_spans
from rasd.records import Span
from rasd.text import Normalization, tokenize


def make_tokenizer():
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {t: i for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "قصف", "##ف", "حمص",
                                          "ب", "##ريف", "ال", "##جيش", "3", "،", "."])}
    tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return tok


def test_word_tags_from_char_spans():
    text = "قصف الجيش بريف حمص،فجرا"
    toks = tokenize(text)
    tags = word_tags(toks, [Span(4, 9, "ACTOR"), Span(10, 18, "LOCATION")])
    assert tags == ["O", "B-ACTOR", "B-LOCATION", "I-LOCATION", "O", "O"]


def test_first_subtoken_carries_the_label():
    tok = make_tokenizer()
    words = ["بريف", "حمص"]
    (win,) = encode_words(tok, words, Normalization(), max_length=16)
    assert win.word_ids == [None, 0, 0, 1, None]
    assert align_labels(win, [3, 4]) == [IGNORE_INDEX, 3, IGNORE_INDEX, 4, IGNORE_INDEX]


def test_diacritics_are_stripped_before_subword_lookup():
    tok = make_tokenizer()
    (win,) = encode_words(tok, ["قَصْف"], Normalization(), max_length=8)
    assert tok.id_to_token(win.input_ids[1]) == "قصف"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["قصف", "بريف", "الجيش", "حمص", "3", "،", "xyz"]), min_size=0, max_size=60),
       st.integers(min_value=6, max_value=20), st.integers(min_value=0, max_value=8))
def test_windows_fit_and_every_word_is_owned_once(words, max_length, stride):
    tok = make_tokenizer()
    wins = encode_words(tok, words, Normalization(), max_length=max_length, stride=stride, special=SpecialTokens())
    owners = []
    for w in wins:
        assert len(w.input_ids) <= max_length
        assert w.word_ids[0] is None and w.word_ids[-1] is None
        present = {i for i in w.word_ids if i is not None}
        owners += list(range(*w.owned))
        assert all(i in present for i in range(*w.owned))
    assert owners == list(range(len(words)))


def test_repair_rule_turns_orphan_inside_tags_into_beginnings():
    assert repair_iob2(["I-TIME", "I-TIME", "O", "I-ACTOR", "B-ACTOR", "I-WEAPON"]) == [
        "B-TIME", "I-TIME", "O", "B-ACTOR", "B-ACTOR", "B-WEAPON"]
    assert tags_to_word_spans(["B-ACTOR", "I-ACTOR", "I-LOCATION"]) == [(0, 2, "ACTOR"), (2, 3, "LOCATION")]


def test_decoded_spans_never_start_or_end_on_punctuation():
    text = "قصف «حمص» ."
    toks = tokenize(text)
    spans = decode_spans(toks, ["O", "B-LOCATION", "I-LOCATION", "I-LOCATION", "B-TIME"], [1, .9, .8, .7, .6])
    assert [(text[s.start:s.end], s.label) for s, _ in spans] == [("حمص", "LOCATION")]
    assert abs(spans[0][1] - 0.8) < 1e-9


WORDS = st.sampled_from(["قصف", "الجيشُ", "بريف", "حمص", "١١", "،", ".", "\u200fالقوات", "(", "ـمدينة"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(WORDS, st.sampled_from([" ", "", "  "])), min_size=1, max_size=25), st.data())
def test_spans_survive_tags_and_decoding_exactly(pieces, data):
    text = "".join(w + sep for w, sep in pieces)
    toks = tokenize(text)
    words = [i for i, t in enumerate(toks) if t.is_word]
    spans, i = [], 0
    while i < len(words):
        if data.draw(st.booleans()):
            j = data.draw(st.integers(min_value=i, max_value=min(i + 3, len(words) - 1)))
            a, b = toks[words[i]], toks[words[j]]
            spans.append(Span(a.start, b.end, data.draw(st.sampled_from(["ACTOR", "TIME"]))))
            i = j + 1
        else:
            i += 1
    tags = word_tags(toks, spans)
    decoded = [s for s, _ in decode_spans(toks, tags)]
    assert decoded == spans


# -- constrained decoding -------------------------------------------------------------------------
import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rasd.decode import viterbi_tags

_TAGS = ["O", "B-ACTOR", "I-ACTOR", "B-LOCATION", "I-LOCATION"]


def _legal(seq):
    prev = "O"
    for t in seq:
        if t.startswith("I-") and prev[2:] != t[2:]:
            return False
        prev = t
    return True


def test_viterbi_keeps_a_span_whole_where_argmax_would_cut_it():
    # word 2's argmax is I-LOCATION, which cannot follow I-ACTOR: argmax + repair starts a new
    # LOCATION there and cuts the actor; the best legal sequence continues the actor
    probs = np.array([[0.05, 0.9, 0.02, 0.02, 0.01],
                      [0.05, 0.02, 0.9, 0.02, 0.01],
                      [0.1, 0.05, 0.4, 0.04, 0.41]])
    assert viterbi_tags(probs, _TAGS) == ["B-ACTOR", "I-ACTOR", "I-ACTOR"]


def test_viterbi_never_starts_with_inside_tag():
    probs = np.array([[0.1, 0.1, 0.6, 0.1, 0.1], [0.1, 0.1, 0.6, 0.1, 0.1]])
    out = viterbi_tags(probs, _TAGS)
    assert out[0] != "I-ACTOR" and _legal(out)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(0, 10_000))
def test_viterbi_is_the_best_legal_sequence(n, seed):
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.ones(len(_TAGS)), size=n)
    out = viterbi_tags(probs, _TAGS)
    assert _legal(out)
    score = lambda seq: sum(np.log(probs[i, _TAGS.index(t)]) for i, t in enumerate(seq))  # noqa: E731
    best = max((seq for seq in itertools.product(_TAGS, repeat=n) if _legal(seq)), key=score)
    assert abs(score(out) - score(best)) < 1e-9


def test_an_outside_penalty_turns_uncertain_words_into_spans_and_zero_changes_nothing():
    import numpy as np

    from rasd.decode import favour_spans, viterbi_tags

    tags = ["O", "B-LOCATION", "I-LOCATION"]
    probs = np.array([[0.9, 0.1, 0.0], [0.3, 0.6, 0.1], [0.55, 0.05, 0.4]])  # the third word: unsure
    assert favour_spans(probs, tags, 0.0) is probs
    assert viterbi_tags(probs, tags) == ["O", "B-LOCATION", "O"]
    assert viterbi_tags(favour_spans(probs, tags, 0.5), tags) == ["O", "B-LOCATION", "I-LOCATION"]
    assert np.array_equal(probs[:, 1:], favour_spans(probs, tags, 2.0)[:, 1:])  # only O moves
