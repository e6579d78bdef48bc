"""Rule 6 applied uniformly: bombing nouns become WEAPON the way the corpus's tagged ones read."""

import json

from rasd_train.data.conventions import apply_to, bombing_weapons


def _added(text, labels=("attack",), spans=()):
    return [text[s["start"]:s["end"]] for s in bombing_weapons(text, list(labels), list(spans))]


def test_bombing_nouns_with_clitics_are_weapons_and_kind_adjectives_stay_inside():
    assert _added("وأدانت مصر التفجير الإرهابي الذي استهدف مسجدا.") == ["التفجير"]
    assert _added("قتل 23 شخصا في تفجيرين مماثلين، بعد «التفجير الانتحاري» في المدينة.") == [
        "تفجيرين", "التفجير الانتحاري"]
    assert _added("أعرب عن إدانته للتفجير، وبالتفجيرات.") == ["للتفجير", "وبالتفجيرات"]


def test_devices_metaphors_adjectives_spans_and_unlabelled_sentences_are_left_alone():
    assert _added("قتل جنديان في تفجير سيارة مفخخة وبتفجير عبوات ناسفة.") == []
    assert _added("حذر من تفجير الوضع في المنطقة.") == []
    assert _added("ضبط حزاما تفجيريا ومواد تفجيرية.") == []
    assert _added("وتداول المغردون وسم #تفجير_طوارئ_عسير أمس.") == []
    assert _added("وقع التفجير صباحا.", labels=()) == []
    text = "وقع التفجير الانتحاري صباحا."
    covered = [{"start": text.index("التفجير"), "end": text.index(" صباحا"), "label": "WEAPON"}]
    assert _added(text, spans=covered) == []
    # the word after it already spanned as the weapon: that is the weapon
    text = "أصيب جنود بتفجير ناسفة."
    assert _added(text, spans=[{"start": text.index("ناسفة"), "end": text.index("."), "label": "WEAPON"}]) == []


def test_a_file_is_rewritten_once_and_a_second_pass_adds_nothing(tmp_path):
    from rasd.records import Record

    text = "وأدانت مصر التفجير الذي استهدف مسجدا."
    rows = [{"id": "r-1", "labels": ["attack"], "spans": [{"start": 0, "end": 10, "label": "SOURCE"}]},
            {"id": "r-2", "labels": [], "spans": []}]
    path = tmp_path / "refs.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    records = [Record("r-1", text, ["attack"], []), Record("r-2", text, [], [])]
    assert apply_to(path, records, write=False) == [("r-1", "التفجير")]
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[0])["spans"] == rows[0]["spans"]  # listed only
    assert apply_to(path, records, write=True) == [("r-1", "التفجير")]
    spans = json.loads(path.read_text(encoding="utf-8").splitlines()[0])["spans"]
    assert [s["label"] for s in spans] == ["SOURCE", "WEAPON"]
    assert apply_to(path, records, write=True) == []
