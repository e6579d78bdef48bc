"""Predicted documents written by hand, for the event-layer tests (places, incidents, ACLED)."""

from rasd.events import add_events


def predicted_document(doc_id, *sentences, score: float = 1.0) -> dict:
    """A ``Model.predict_documents`` record from (labels, text, [(label, surface), ...]) sentences."""
    text, sents, spans = "", [], []
    for labels, sentence, marks in sentences:
        a = len(text)
        text += sentence + "\n"
        sents.append({"start": a, "end": a + len(sentence), "labels": labels, "scores": {x: score for x in labels}})
        pos = 0
        for label, surface in marks:
            k = sentence.index(surface, pos)
            spans.append({"start": a + k, "end": a + k + len(surface), "label": label, "text": surface, "score": score})
            pos = k + len(surface)
    return {"id": doc_id, "text": text, "sentences": sents, "spans": spans}


def predicted(doc_id, date, *sentences):
    """A ``rasd predict`` output record: the document with its events, resolved against ``date``."""
    return add_events(predicted_document(doc_id, *sentences, score=0.9), date)


STRIKE_A = ("استشهد 3 رجال أمن إثر قذائف أطلقها الحوثيون من داخل الأراضي اليمنية على محافظة ظهران الجنوب أمس الجمعة.",
            [("CASUALTIES", "3 رجال أمن"), ("WEAPON", "قذائف"), ("ACTOR", "الحوثيون"), ("LOCATION", "الأراضي اليمنية"),
             ("LOCATION", "محافظة ظهران الجنوب"), ("TIME", "أمس الجمعة")])
STRIKE_B = ("قالت وزارة الداخلية إن ميليشيا الحوثي قصفت مركزا حدوديا في منطقة عسير الجمعة مما أدى إلى مقتل 4 جنود وإصابة 7.",
            [("SOURCE", "وزارة الداخلية"), ("ACTOR", "ميليشيا الحوثي"), ("WEAPON", "قصفت"), ("TARGET", "مركزا حدوديا"),
             ("LOCATION", "منطقة عسير"), ("TIME", "الجمعة"), ("CASUALTIES", "4 جنود"), ("CASUALTIES", "7")])
OTHER = ("شنت طائرات التحالف العربي غارات على مدينة صعدة أمس.",
         [("ACTOR", "طائرات التحالف العربي"), ("WEAPON", "غارات"), ("LOCATION", "مدينة صعدة"), ("TIME", "أمس")])
DENIAL = ("ونفت جماعة الحوثي مسؤوليتها عن القصف.", [("ACTOR", "جماعة الحوثي")])


def three_reports() -> list[dict]:
    """Two reports of one strike on the Saudi border (one with a denial) and an unrelated raid."""
    return [
        predicted("okaz-1", "2015-08-01", (["attack", "casualty_report"], *STRIKE_A)),
        predicted("sabq-7", "2015-08-01", (["attack", "casualty_report"], *STRIKE_B), (["denial"], *DENIAL)),
        predicted("alwatan-3", "2015-08-01", (["attack"], *OTHER)),
    ]
