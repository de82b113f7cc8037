"""The words briefgen itself writes into a brief, in each output language.

Languages without an entry fall back to English. Fact text never comes from
here: it is data, in the fact base.
"""

from __future__ import annotations

import datetime as dt

from briefgen.model import PartialDate

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "brief": "Brief",
        "key_points": "Key points",
        "estimates": "Competing estimates",
        "contradictions": "Contradictions",
        "notes": "Notes",
        "sources": "Sources",
        "bibliography": "Bibliography",
        "themes": "Themes",
        "date": "Date",
        "value": "Estimate",
        "source": "Source",
        "claim": "Claim",
        "as_of": "As of",
        "prepared_from": "Prepared from {n} sources",
        "prepared_from_one": "Prepared from 1 source",
        "new_since": "New since {date}",
        "changed_since": "Changes since {ref}",
        "nothing_new": "Nothing new.",
        "no_facts": "No facts match this selection.",
        "versus": "versus",
        "summary": "{prepared}: {kinds}. {second}",
        "second_hand": "{k} of {n} references are second-hand (a source cited by another).",
        "cited_in": "cited in",
        "ibid": "Ibid.",
        "nd": "n.d.",
        "accessed": "accessed",
        "online": "online",
        "grades": (
            "Grades: source reliability A (completely reliable) to E (unreliable), "
            "F (cannot be judged); information credibility 1 (confirmed) to 5 (improbable), "
            "6 (cannot be judged)."
        ),
        "page": "Page",
        "of": "of",
        "back_to_text": "Back to the text",
    },
    "fr": {
        "brief": "Note",
        "key_points": "Points clés",
        "estimates": "Estimations divergentes",
        "contradictions": "Contradictions",
        "notes": "Notes",
        "sources": "Sources",
        "bibliography": "Bibliographie",
        "themes": "Thèmes",
        "date": "Date",
        "value": "Estimation",
        "source": "Source",
        "claim": "Énoncé",
        "as_of": "À la date du",
        "prepared_from": "Établie à partir de {n} sources",
        "prepared_from_one": "Établie à partir d'une source",
        "new_since": "Nouveau depuis le {date}",
        "changed_since": "Changements depuis {ref}",
        "nothing_new": "Rien de nouveau.",
        "no_facts": "Aucun fait ne correspond à cette sélection.",
        "versus": "contre",
        "summary": "{prepared} : {kinds}. {second}",
        "second_hand": "{k} références sur {n} sont de seconde main (une source citée par une autre).",
        "cited_in": "cité dans",
        "ibid": "Ibid.",
        "nd": "s.d.",
        "accessed": "consulté le",
        "online": "en ligne",
        "grades": (
            "Cotation : fiabilité de la source de A (totalement fiable) à E (peu fiable), "
            "F (ne peut être évaluée) ; crédibilité de l'information de 1 (confirmée) "
            "à 5 (improbable), 6 (ne peut être évaluée)."
        ),
        "page": "Page",
        "of": "sur",
        "back_to_text": "Retour au texte",
    },
}

_MONTHS = {
    "en": "January February March April May June July August September October November December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
}


def label(lang: str, key: str, **values: object) -> str:
    """The label ``key`` in ``lang`` (English if the language has none)."""
    text = LABELS.get(lang, {}).get(key) or LABELS["en"][key]
    return text.format(**values) if values else text


def month_name(lang: str, month: int) -> str:
    return (_MONTHS.get(lang) or _MONTHS["en"]).split()[month - 1]


def format_date(value: PartialDate | dt.date, lang: str) -> str:
    """``23 November 2026``, ``October 2024``, ``2024``; French: ``1er mars 2025``."""
    if isinstance(value, dt.date):
        value = PartialDate(value.year, value.month, value.day)
    if value.month is None:
        return str(value.year)
    month = month_name(lang, value.month)
    if value.day is None:
        return f"{month.capitalize() if lang == 'en' else month} {value.year}"
    day = "1er" if lang == "fr" and value.day == 1 else str(value.day)
    return f"{day} {month} {value.year}"


def format_number(value: float, lang: str) -> str:
    """``12,000`` and ``1.5`` in English; ``12\u202f000`` and ``1,5`` in French."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text
