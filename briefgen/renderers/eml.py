"""A brief as an e-mail message (RFC 5322), ready for ``sendmail -t``.

One ``multipart/alternative`` message: the brief as plain text
(``text/plain``: notes called as ``[1]``, lines of 72 characters) and as
HTML made for mail clients (``text/html``, from ``mail.html.j2``: tables
600 px wide at most, every style inlined by css-inline, no ``<style>``
block, no CSS variables, no SVG: a chart is a bar of coloured spans beside
the numbers it draws), both drawn from the same brief; with
``attach_pdf``, inside a ``multipart/mixed`` with the PDF of that brief
attached. Written with the standard library's :mod:`email` package and its
SMTP policy (CRLF line ends, lines of at most 78 characters, non-ASCII
headers encoded): briefgen writes the message, a mail transfer agent sends
it. Nothing here opens a network connection.

An address is never written with RFC 2047's encoded words, which RFC 2047
(section 5) forbids in it: a domain that is not ASCII (``exämple.org``) is
written as IDNA writes it (``xn--exmple-cua.org``), which every mail system
reads; a mailbox name that is not ASCII (``zoë@``) can only be written raw, in
UTF-8, so the whole message is then an internationalized one (RFC 6532, the
email package's SMTPUTF8 policy), which only a server offering SMTPUTF8
(RFC 6531) accepts.

``Date`` is the time the message is made; with ``SOURCE_DATE_EPOCH`` it is
that time instead, and ``Message-ID`` is then a digest of the message, so
that the same inputs give the same bytes (without it, ``Message-ID`` is
unique, as mail wants).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, localtime, make_msgid
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateError

from briefgen.clock import source_date_epoch
from briefgen.errors import RenderError, UsageError, setting
from briefgen.labels import format_date, format_number, label
from briefgen.model import FOLDABLE_SPACE

if TYPE_CHECKING:
    from briefgen.brief import Brief, Estimates, Item, JudgmentItem
    from briefgen.renderers.options import Mail, RenderOptions

# Where the digest of a reproducible Message-ID is made when the sender has no domain.
FALLBACK_DOMAIN = "briefgen.invalid"


def render_eml(brief: Brief, options: RenderOptions, pdf: bytes | None = None) -> bytes:
    """The brief as one RFC 5322 message, CRLF line ends; ``pdf`` is attached if given
    (made here when ``options.mail.attach_pdf`` asks for it and none is given)."""
    mail = options.mail
    check_mail(mail)
    if mail.attach_pdf and pdf is None:
        from briefgen.renderers.pdf import render_pdf

        pdf = render_pdf(brief, options)
    text = mail_text(brief)
    html = mail_html(brief, options)

    assert mail.sender is not None  # check_mail
    sender = addresses("from", mail.sender)
    to = [a for value in mail.to for a in addresses("to", value)]
    cc = [a for value in mail.cc for a in addresses("cc", value)]
    international = any(not a.username.isascii() for a in (*sender, *to, *cc))
    message = EmailMessage(policy=policy.SMTPUTF8 if international else policy.SMTP)
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = mail.subject or default_subject(brief)
    # With SOURCE_DATE_EPOCH, that time (in UTC); else now, in local time.
    epoch = source_date_epoch()
    message["Date"] = format_datetime(epoch if epoch is not None else localtime())
    # Quoted-printable: 7-bit, which any transfer agent takes, and still legible.
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    if pdf is not None:
        message.add_attachment(
            pdf, maintype="application", subtype="pdf", filename=attachment_name(brief)
        )
    # After the parts are made: making them moves the Content-* headers into the first part.
    message["Content-Language"] = brief.lang
    _name_boundaries(message)
    domain = _domain(sender[0].domain)
    if epoch is not None:
        digest = hashlib.sha256(message.as_bytes()).hexdigest()[:32]
        message["Message-ID"] = f"<{digest}@{domain}>"
    else:
        message["Message-ID"] = make_msgid("briefgen", domain=domain)
    return message.as_bytes()


def _name_boundaries(message: EmailMessage) -> None:
    """Boundaries drawn from the parts' digest, not at random: the same parts, the same bytes.

    A boundary must not occur in the parts it separates; a digest of them cannot.
    """
    digest = hashlib.sha256()
    for part in message.walk():
        if not part.is_multipart():
            digest.update(part.as_bytes())
    for depth, part in enumerate(p for p in message.walk() if p.is_multipart()):
        part.set_boundary(f"=_briefgen_{depth}_{digest.hexdigest()[:24]}")


def check_mail(mail: Mail) -> None:
    """Refuse an envelope ``sendmail -t`` could not send, or whose headers a value would break."""
    if not mail.to:
        raise UsageError(f"a message needs a recipient: give {setting('to', 'ADDRESS', both=True)}")
    if not mail.sender:
        raise UsageError(f"a message needs a sender: give {setting('from', 'ADDRESS', both=True)}")
    for option, values in (("from", (mail.sender,)), ("to", mail.to), ("cc", mail.cc)):
        for value in values:
            _check_addresses(option, value)
    if mail.subject is not None and _breaks_header(mail.subject):
        raise UsageError(f"{setting('subject')}: a subject is one line, without control characters")


def _check_addresses(option: str, value: str) -> None:
    addresses(option, value)


def addresses(key: str, value: str) -> list[Address]:
    """The addresses of ``value`` (``Zoë <zoe@exämple.org>, desk@example.org``), the
    setting ``key``, each domain as IDNA writes it in ASCII; :class:`UsageError` if one
    is not an address."""
    option = setting(key)
    if _breaks_header(value):
        raise UsageError(f"{option}: an address is one line, without control characters: {value!r}")
    pairs = getaddresses([value])
    found = []
    for name, address in pairs:
        local, _, domain = address.rpartition("@")
        if not local or not domain or " " in address:
            raise UsageError(f"{option}: not an e-mail address: {value!r}")
        if not domain.isascii():
            try:
                domain = domain.encode("idna").decode("ascii")
            except UnicodeError:
                raise UsageError(f"{option}: not a domain IDNA can write: {value!r}") from None
        found.append(Address(display_name=name, username=local, domain=domain))
    if not found:
        raise UsageError(f"{option}: not an e-mail address: {value!r}")
    return found


def _breaks_header(value: str) -> bool:
    return any(unicodedata.category(c) == "Cc" for c in value)


def default_subject(brief: Brief) -> str:
    """``Military cooperation — 1 December 2025``: the selection and the date. A title of
    one's own (``--title``) is followed by the themes it does not name."""
    title, themes = brief.title, brief.theme_titles()
    chosen = brief.names_themes or brief.base_title is not None  # themes, not the whole base
    if chosen and themes and not all(theme in title for theme in themes):
        title += f" ({', '.join(themes)})"
    return f"{title} — {format_date(brief.date, brief.lang)}"


def attachment_name(brief: Brief) -> str:
    """``russia-north-korea-alliance-2025-12-01.pdf``: the title in ASCII, and the date."""
    # Accents dropped (é: e), any other character a word break (–, ', Hangul).
    ascii_title = "".join(
        c if c.isascii() else "" if unicodedata.combining(c) else " "
        for c in unicodedata.normalize("NFKD", brief.title)
    )
    slug = "-".join(re.findall(r"[a-z0-9]+", ascii_title.lower()))[:60].strip("-") or "brief"
    return f"{slug}-{brief.date.isoformat()}.pdf"


def _domain(domain: str) -> str:
    return domain if re.fullmatch(r"[A-Za-z0-9.-]+", domain) else FALLBACK_DOMAIN


# -- the HTML part ------------------------------------------------------------

MAIL_TEMPLATE = "mail.html.j2"
# The narrowest a bar is drawn, as a share of its cell (a single value is a dot).
MARK_WIDTH = 2.0


def mail_html(brief: Brief, options: RenderOptions | None = None) -> str:
    """The brief as the HTML part of a mail: the mail template with its styles inlined."""
    import css_inline

    from briefgen.renderers.html import template_environment

    environment = template_environment(options.template_dir if options else None)
    lang = brief.lang
    context = {
        "brief": brief,
        "bars": [_bars(group, lang) for group in brief.estimates],
        "label": lambda key, **values: label(lang, key, **values),
    }
    try:
        html = environment.get_template(MAIL_TEMPLATE).render(context)
    except TemplateError as exc:
        raise RenderError(f"template {MAIL_TEMPLATE}: {exc}") from None
    # The style block goes once its rules are in the elements' style attributes.
    inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)
    return str(inliner.inline(html))


def _bars(group: Estimates, lang: str) -> dict[str, Any]:
    """Each row's bar on one scale (briefgen.charts'): its offset and width, in % of the
    chart's cell, and the numbers it draws in words."""
    from briefgen.charts import number_scale

    quantities = [row.item.fact.quantity for row in group.rows if row.item.fact.quantity]
    if not quantities:
        return {"scale": "", "rows": [{"offset": 0, "width": 0, "text": ""} for _ in group.rows]}
    scale = number_scale(quantities, 100.0, lang)
    span = scale.x1 - scale.x0
    rows = []
    for row in group.rows:
        quantity = row.item.fact.quantity
        if quantity is None:
            rows.append({"offset": 0, "width": 0, "text": ""})
            continue
        low = quantity.value if quantity.value is not None else quantity.low
        high = quantity.value if quantity.value is not None else quantity.high
        start = (scale.x(low) if low is not None else scale.x0) - scale.x0
        end = (scale.x(high) if high is not None else scale.x1) - scale.x0
        offset = min(100 * start / span, 100 - MARK_WIDTH)
        width = max(100 * (end - start) / span, MARK_WIDTH)
        rows.append(
            {
                "offset": round(offset, 1),
                "width": round(min(width, 100 - offset), 1),
                "text": f"{row.value} ({group.unit})",
            }
        )
    bounds = f"{format_number(scale.start, lang)}–{format_number(scale.end, lang)}"
    kind = label(lang, "scale_log" if scale.log else "scale_linear")
    return {"scale": f"{bounds} ({kind})", "rows": rows}


# -- the plain part -------------------------------------------------------------

LINE = 72


def mail_text(brief: Brief) -> str:
    """The brief as plain text: headings in capitals, bullets, notes called ``[1]`` and
    listed at the end, lines of at most 72 characters (a word longer than that aside)."""
    lang = brief.lang
    out: list[str] = [brief.title, "=" * min(len(brief.title), LINE)]
    if brief.marking:
        out.insert(0, brief.marking.upper())
        out.insert(1, "")
    if brief.subtitle:
        out += _wrap(brief.subtitle)
    out += _wrap(" · ".join(brief.byline()))
    if brief.is_empty:
        out += ["", *_wrap(brief.empty_text)]
    if brief.judgments:
        out += _text_judgments(brief)
    if brief.key_points:
        out += _heading(label(lang, "key_points"))
        for item in brief.key_points:
            out += _wrap(_statement(item, lang), "- ")
    for section in brief.sections:
        out += _heading(section.title)
        for item in section.items:
            out += _wrap(_statement(item, lang), "- ")
    if brief.estimates:
        out += _text_estimates(brief)
    if brief.contradictions:
        out += _heading(label(lang, "contradictions"))
        for pair in brief.contradictions:
            out += _wrap(_statement(pair.left, lang), "- ")
            out += _wrap(f"{label(lang, 'versus')}: {_statement(pair.right, lang)}", "  ")
    if brief.removed:
        out += _heading(label(lang, "removed"))
        for item in brief.removed:
            out += _wrap(f"{item.text} ({item.fact.id})", "- ")
    if brief.notes:
        out += _text_notes(brief)
    if brief.bibliography_entries:
        out += _heading(label(lang, "bibliography"))
        for entry in brief.bibliography_entries:
            out += _wrap("".join(segment.text for segment in entry), "- ")
    if brief.marking:
        out += ["", brief.marking.upper()]
    return "\n".join(out) + "\n"


def _text_judgments(brief: Brief) -> list[str]:
    lang, bottom = brief.lang, brief.bottom_line
    assert bottom is not None
    out = ["", *_wrap(f"{label(lang, 'bottom_line').upper()}: {_judgment(bottom)}")]
    if brief.key_judgments:
        out += _heading(label(lang, "key_judgments"))
        for judgment in brief.key_judgments:
            out += _wrap(_judgment(judgment), "- ")
    return out


def _text_estimates(brief: Brief) -> list[str]:
    """Each measure's values, a line each: value, as of, who gives it, its note."""
    lang = brief.lang
    out = _heading(label(lang, "estimates"))
    for index, group in enumerate(brief.estimates):
        spread = f" [{group.spread}]" if group.spread else ""
        out += [""] * bool(index) + _wrap(f"{group.title} ({group.unit}){spread}")
        for row in group.rows:
            line = f"{row.value}, {row.as_of}: {_statement(row.item, lang, row.source)}"
            out += _wrap(line, "- ")
    return out


def _text_notes(brief: Brief) -> list[str]:
    """The source summary, the grades' legend and the notes, each called ``[n]``."""
    lang = brief.lang
    out = _heading(label(lang, "sources")) + _wrap(brief.summary_text())
    legend = brief.legend()
    if legend:
        out += ["", *_wrap(legend)]
    out.append("")
    for note in brief.notes:
        text = "".join(segment.text for segment in note.citation)
        if note.comment:
            text += f" {label(lang, 'comment')} {note.comment}"
        out += _wrap(text, f"[{note.number}] ")
    return out


def _heading(text: str) -> list[str]:
    return ["", text.upper(), ""]


def _wrap(text: str, lead: str = "") -> list[str]:
    """``text`` on lines of at most 72 characters, the first after ``lead``, the others
    indented as far. No-break spaces hold a note's call to its word."""
    import textwrap

    return textwrap.wrap(
        FOLDABLE_SPACE.sub(" ", text),
        LINE,
        initial_indent=lead,
        subsequent_indent=" " * len(lead),
        break_long_words=False,
        break_on_hyphens=False,
    ) or [lead.rstrip()]


def _calls(item: Item | JudgmentItem) -> str:
    return "".join(f"\u00a0[{number}]" for number in item.notes)


def _statement(item: Item, lang: str, text: str | None = None) -> str:
    parts = [item.date] if item.date and text is None else []
    parts.append(item.text if text is None else text)
    if item.grade:
        parts.append(f"[{item.grade}]")
    line = " ".join(parts) + _calls(item)
    if item.spread and text is None:
        listed = "".join(before + _calls(other) for before, other in item.spread.parts())
        line += f" [{listed}{item.spread.tail()}]"
    if item.status:
        line += f" ({label(lang, 'status_' + item.status)})"
    return line


def _judgment(item: JudgmentItem) -> str:
    line = f"{item.text} {item.confidence_sentence()}{_calls(item)}"
    if item.status:
        line += f" ({label(item.lang, 'status_' + item.status)})"
    change = item.change()
    if change:
        line += " " + change
    return line
