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
        "themes": "Themes: {themes}",
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
        "removed": "Removed",
        "status_new": "new",
        "status_changed": "changed",
        "status_removed": "removed",
        "no_facts": "No facts match this selection.",
        "versus": "versus",
        "summary": "{prepared}: {kinds}. {second}",
        "second_hand": "{k} of {n} facts are second-hand (reported from a source cited by another).",
        "summary_short": "Sources by kind: {kinds}. {second}",
        "second_hand_short": "{k} of {n} facts are second-hand.",
        "other_kinds": "{m} others, of {n} kinds",
        "cited_in": "cited in",
        "ibid": "Ibid.",
        "cited_in_entry": "Cited in",
        "nd": "n.d.",
        "nd_iso": "n.d.",
        "sn": "[s.n.]",
        "sl": "[s.l.]",
        # What an unpublished statement was (CMOS 14.217-14.222), by CSL type.
        "kind_speech": "speech",
        "kind_interview": "interview",
        "kind_personal_communication": "personal communication",
        "kind_broadcast": "broadcast",
        "blog": "blog",
        "accessed": "accessed",
        "online": "online",
        "available_at": "Available from:",
        "and": "and",
        "et_al": "et al.",
        "editor": "ed.",
        "editors": "eds.",
        "number": "no.",
        "colon": ": ",
        "list_separator": "; ",
        "quote_open": "\u201c",
        "quote_close": "\u201d",
        "inner_quote_open": "\u2018",
        "inner_quote_close": "\u2019",
        "grades": "Grades [B2]: source {sources}; information {information}.",
        "legend_separator": ", ",
        "reliability_A": "completely reliable",
        "reliability_B": "usually reliable",
        "reliability_C": "fairly reliable",
        "reliability_D": "not usually reliable",
        "reliability_E": "unreliable",
        "reliability_F": "cannot be judged",
        "credibility_1": "confirmed",
        "credibility_2": "probably true",
        "credibility_3": "possibly true",
        "credibility_4": "doubtful",
        "credibility_5": "improbable",
        "credibility_6": "cannot be judged",
        "comment": "Analyst’s comment:",
        "page": "Page",
        "of": "of",
        "back_to_text": "Back to the text",
        "timeline": "Timeline",
        "chart": "Chart",
        "months_short": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
        "scale_linear": "linear",
        "scale_log": "logarithmic",
        "estimate_range": "from {low} to {high}",
        "estimate_at_least": "at least {low}",
        "estimate_at_most": "at most {high}",
        "chart_estimate": "{estimate} {unit} ({date}, {source})",
        "chart_scale": "a {kind} scale from {start} to {end} {unit}",
        "chart_scale_title": "{title}, on {scale}",
        "chart_scale_desc": (
            "A {kind} scale marked at {ticks} {unit}; each row of the table draws its estimate on it."
        ),
        "chart_dot": "A dot at {estimate}, on {scale}.",
        "chart_bar": "A bar {estimate}, on {scale}.",
        "chart_from": "A bar open towards higher values, {estimate}, on {scale}.",
        "chart_upto": "A bar open towards lower values, {estimate}, on {scale}.",
        "timeline_title": "Timeline of {n} events, {start} to {end}",
        "timeline_title_one": "Timeline of one event, {start}",
        "bottom_line": "Bottom line",
        "key_judgments": "Key judgments",
        "cutoff": "Information cut-off: {date}",
        "beside": "other estimates:",
        "beside_one": "other estimate:",
        "beside_more": "and {n} more",
        "table_spread": "{k} of {n} estimates shown; all range {range}",
        "note_one": "note {n}",
        "notes_many": "notes {n}",
        "judgment_on_notes": "Basis: {notes}.",
        "judgment_on_notes_and": "Basis: {notes}, and facts from ",
        "judgment_on": "Basis: facts from ",
        "judgments_own": "Judgments: the analysts’ own.",
        "likelihood_legend": "Likelihood ({yardstick}): {terms}.",
        "grade_range": "Grades run from {r1} to {r2} for sources and from {c1} to {c2} for information.",
        "thinnest": "The judgment of note {note} has the thinnest basis: {k} of its {n} independent original sources graded A\u2013C and 1\u20132, best grade {grade}.",
        "grade_of": "grade {grade}",
        "grade_range_short": "Grades {r1}\u2013{r2}, {c1}\u2013{c2}.",
        "thinnest_short": "Thinnest basis: the judgment of note {note} ({k} of {n} original sources graded A\u2013C, 1\u20132; best grade {grade}).",
        "thinnest_one_short": "Thinnest basis: the judgment of note {note} (one original source, {graded} A\u2013C, 1\u20132; best grade {grade}).",
        "thinnest_one": "The judgment of note {note} has the thinnest basis: one original source, {graded} A\u2013C and 1\u20132, best grade {grade}.",
        "graded": "graded",
        "not_graded": "not graded",
        "previously": "Previously: {text} ({confidence})",
        "comment_see": "see note {n}.",
    },
    "fr": {
        "brief": "Note",
        "key_points": "Points clés",
        "estimates": "Estimations divergentes",
        "contradictions": "Contradictions",
        "notes": "Notes",
        "sources": "Sources",
        "bibliography": "Bibliographie",
        "themes": "Thèmes : {themes}",
        "date": "Date",
        "value": "Estimation",
        "source": "Source",
        "claim": "Énoncé",
        "as_of": "À la date du",
        "prepared_from": "Établie à partir de {n} sources",
        "prepared_from_one": "Établie à partir d’une source",
        "new_since": "Nouveau depuis le {date}",
        "changed_since": "Changements depuis {ref}",
        "nothing_new": "Rien de nouveau.",
        "removed": "Retirés",
        "status_new": "nouveau",
        "status_changed": "modifié",
        "status_removed": "retiré",
        "no_facts": "Aucun fait ne correspond à cette sélection.",
        "versus": "contre",
        "summary": "{prepared}\u00a0: {kinds}. {second}",
        "summary_short": "Sources par type\u00a0: {kinds}. {second}",
        "second_hand_short": "{k} faits sur {n} sont de seconde main.",
        "other_kinds": "{m} autres, de {n} types",
        "second_hand": (
            "{k} faits sur {n} sont de seconde main (rapportés d’une source citée par une autre)."
        ),
        "cited_in": "cité dans",
        "ibid": "Ibid.",
        "cited_in_entry": "Cité dans",
        # French typography spaces the abbreviations; ISO 690 brackets what the source does
        # not give.
        "nd": "s.\u00a0d.",
        "nd_iso": "[s.\u00a0d.]",
        "sn": "[s.\u00a0n.]",
        "sl": "[s.\u00a0l.]",
        "kind_speech": "discours",
        "kind_interview": "entretien",
        "kind_personal_communication": "communication personnelle",
        "kind_broadcast": "émission",
        "blog": "blog",
        "accessed": "consulté le",
        "online": "en ligne",
        "available_at": "Disponible à l’adresse\u00a0:",
        "and": "et",
        "et_al": "et al.",
        "editor": "éd.",
        "editors": "éd.",
        "number": "n\u00b0",
        "colon": "\u00a0: ",
        "list_separator": "\u00a0; ",
        "quote_open": "\u00ab\u00a0",
        "quote_close": "\u00a0\u00bb",
        "inner_quote_open": "\u201c",
        "inner_quote_close": "\u201d",
        "grades": "Cotation [B2]\u00a0: source {sources}\u00a0; information {information}.",
        "legend_separator": ", ",
        "reliability_A": "totalement fiable",
        "reliability_B": "généralement fiable",
        "reliability_C": "assez fiable",
        "reliability_D": "pas toujours fiable",
        "reliability_E": "peu fiable",
        "reliability_F": "ne peut être évaluée",
        "credibility_1": "confirmée",
        "credibility_2": "probablement vraie",
        "credibility_3": "peut-être vraie",
        "credibility_4": "douteuse",
        "credibility_5": "improbable",
        "credibility_6": "ne peut être évaluée",
        "comment": "Commentaire de l’analyste\u00a0:",
        "page": "Page",
        "of": "sur",
        "back_to_text": "Retour au texte",
        "timeline": "Chronologie",
        "chart": "Graphique",
        "months_short": "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.",
        "scale_linear": "linéaire",
        "scale_log": "logarithmique",
        "estimate_range": "de {low} à {high}",
        "estimate_at_least": "au moins {low}",
        "estimate_at_most": "au plus {high}",
        "chart_estimate": "{estimate} {unit} ({date}, {source})",
        "chart_scale": "une échelle {kind} de {start} à {end} {unit}",
        "chart_scale_title": "{title}, sur {scale}",
        "chart_scale_desc": (
            "Une échelle {kind} graduée à {ticks} {unit} ; chaque ligne du tableau"
            " y porte son estimation."
        ),
        "chart_dot": "Un point à {estimate}, sur {scale}.",
        "chart_bar": "Une barre allant {estimate}, sur {scale}.",
        "chart_from": "Une barre ouverte vers les valeurs hautes, {estimate}, sur {scale}.",
        "chart_upto": "Une barre ouverte vers les valeurs basses, {estimate}, sur {scale}.",
        "timeline_title": "Chronologie de {n} événements, de {start} à {end}",
        "timeline_title_one": "Chronologie d’un événement, {start}",
        "bottom_line": "En bref",
        "key_judgments": "Jugements clés",
        "cutoff": "Date limite de l’information\u00a0: {date}",
        "beside": "autres estimations\u00a0:",
        "beside_one": "autre estimation\u00a0:",
        "beside_more": "et {n} autres",
        "table_spread": "{k} estimations sur {n} ; toutes de {range}",
        "note_one": "note {n}",
        "notes_many": "notes {n}",
        "judgment_on_notes": "Fondement\u00a0: {notes}.",
        "judgment_on_notes_and": "Fondement\u00a0: {notes}, et faits tirés de ",
        "judgment_on": "Fondement\u00a0: faits tirés de ",
        "judgments_own": "Jugements\u00a0: ceux des analystes.",
        "likelihood_legend": "Probabilité ({yardstick})\u00a0: {terms}.",
        "grade_range": "Les cotes vont de {r1} à {r2} pour les sources et de {c1} à {c2} pour l’information.",
        "thinnest": "Le jugement de la note {note} a le fondement le plus mince\u00a0: {k} de ses {n} sources originales indépendantes cotées A\u2013C et 1\u20132, meilleure cote {grade}.",
        "grade_of": "cote {grade}",
        "grade_range_short": "Cotes {r1}\u2013{r2}, {c1}\u2013{c2}.",
        "thinnest_short": "Fondement le plus mince\u00a0: le jugement de la note {note} ({k} sur {n} sources originales cotées A\u2013C, 1\u20132\u00a0; meilleure cote {grade}).",
        "thinnest_one_short": "Fondement le plus mince\u00a0: le jugement de la note {note} (une seule source originale, {graded} A\u2013C, 1\u20132\u00a0; meilleure cote {grade}).",
        "thinnest_one": "Le jugement de la note {note} a le fondement le plus mince\u00a0: une seule source originale, {graded} A\u2013C et 1\u20132, meilleure cote {grade}.",
        "graded": "cotée",
        "not_graded": "non cotée",
        "previously": "Auparavant\u00a0: {text} ({confidence})",
        "comment_see": "voir la note {n}.",
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


def format_date(value: PartialDate | dt.date, lang: str, *, month_first: bool = False) -> str:
    """``23 November 2026``, ``October 2024``, ``2024``; French: ``1er mars 2025``.

    ``month_first`` gives the American order, ``November 23, 2026``, in English.
    """
    if isinstance(value, dt.date):
        value = PartialDate(value.year, value.month, value.day)
    if value.month is None:
        return str(value.year)
    month = month_name(lang, value.month)
    if lang == "en":
        month = month.capitalize()
    if value.day is None:
        return f"{month} {value.year}"
    if month_first and lang == "en":
        return f"{month} {value.day}, {value.year}"
    day = "1er" if lang == "fr" and value.day == 1 else str(value.day)
    return f"{day} {month} {value.year}"


def short_date(value: PartialDate, lang: str) -> str:
    """A bullet's date, short: ``19 Jun 2024``, ``Oct 2024``, ``2024``; French ``juin 2024``."""
    if value.month is None:
        return str(value.year)
    month = label(lang, "months_short").split()[value.month - 1]
    if value.day is None:
        return f"{month} {value.year}"
    return f"{value.day} {month} {value.year}"


def format_number(value: float, lang: str) -> str:
    """``12,000`` and ``1.5`` in English; ``12\u202f000`` and ``1,5`` in French."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


# How a note names the kind of a place (a CSL locator label): singular and plural. English
# uses Chicago's abbreviations (10.43): "§" means section in English, so paragraphs
# are "para."; French keeps "§" for a paragraph and spaces every sign from its number.
_LOCATOR_TERMS = {
    "en": {
        "page": ("p.", "pp."),
        "paragraph": ("para.", "paras."),
        "note": ("n.", "nn."),
        "section": ("sec.", "secs."),
        "chapter": ("chap.", "chaps."),
        "article-locator": ("art.", "arts."),
        "figure": ("fig.", "figs."),
        "table": ("table", "tables"),
        "line": ("line", "lines"),
        "volume": ("vol.", "vols."),
    },
    "fr": {
        "page": ("p.", "p."),
        "paragraph": ("§", "§§"),
        "note": ("n.", "n."),
        "section": ("sect.", "sect."),
        "chapter": ("chap.", "chap."),
        "article-locator": ("art.", "art."),
        "figure": ("fig.", "fig."),
        "table": ("tabl.", "tabl."),
        "line": ("l.", "l."),
        "volume": ("vol.", "vol."),
    },
}


def locator_term(lang: str, kind: str, *, plural: bool = False) -> str:
    """The abbreviation that names a place of ``kind`` (a CSL locator label) in ``lang``."""
    terms = (_LOCATOR_TERMS.get(lang) or _LOCATOR_TERMS["en"])[kind]
    return terms[1] if plural else terms[0]


# Words a title starts with that alphabetical order skips ("The Guardian" files under G).
LEADING_ARTICLES = ("the ", "a ", "an ", "le ", "la ", "les ", "l'", "l\u2019", "un ", "une ")

# English words that headline-style capitalisation leaves in lower case (Chicago
# 8.159: articles, the conjunctions and, but, for, or, nor, prepositions, "to"
# and "as"), and that a shortened title should not end on.
_MINOR_EN = """a an the and but for or nor as to at by in of on per via vs. with from into onto
upon over under after about above across against along amid among around before behind below
beneath beside between beyond despite during except through throughout toward towards until unto
within without"""
MINOR_WORDS_EN = frozenset(_MINOR_EN.split())

# French words a shortened title should not end on.
_MINOR_FR = """le la les l' un une des de du d' à au aux et ou en dans par pour sur sous avec sans
entre vers chez contre"""
MINOR_WORDS_FR = frozenset(_MINOR_FR.split())

# Words that leave a phrase hanging, which a short title (CMOS 14.33) must not end on
# besides the minor words: auxiliaries ("Are"), pronouns and determiners ("its", "que").
# "may" and "can" are left out: as a month or a noun they end a title well.
_DANGLING = """am is are was were be been being has have had do does did will would shall
should could might must its their his her our my your this that these those which who whom
whose what not est sont ont était étaient sera seront être avoir peut doit que qu' qui ce cet
cette ces son sa ses leur leurs mon ma mes notre nos votre vos ne pas se"""
DANGLING_WORDS = MINOR_WORDS_EN | MINOR_WORDS_FR | frozenset(_DANGLING.split())
