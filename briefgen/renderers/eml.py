"""A brief as an e-mail message (RFC 5322), ready for ``sendmail -t``.

One ``multipart/alternative`` message: the Markdown brief as ``text/plain``
and the HTML brief as ``text/html``, both drawn from the same brief; with
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
from typing import TYPE_CHECKING

from briefgen.brief import source_date_epoch
from briefgen.errors import UsageError
from briefgen.labels import format_date

if TYPE_CHECKING:
    from briefgen.brief import Brief
    from briefgen.production import Mail, RenderOptions

# Where the digest of a reproducible Message-ID is made when the sender has no domain.
FALLBACK_DOMAIN = "briefgen.invalid"


def render_eml(brief: Brief, options: RenderOptions, pdf: bytes | None = None) -> bytes:
    """The brief as one RFC 5322 message, CRLF line ends; ``pdf`` is attached if given
    (made here when ``options.mail.attach_pdf`` asks for it and none is given)."""
    from briefgen.renderers.html import render_html
    from briefgen.renderers.markdown import render_markdown

    mail = options.mail
    check_mail(mail)
    if mail.attach_pdf and pdf is None:
        from briefgen.renderers.pdf import render_pdf

        pdf = render_pdf(brief, options)
    text = render_markdown(brief, options)
    html = render_html(brief, options)

    assert mail.sender is not None  # check_mail
    sender = addresses("--from", mail.sender)
    to = [a for value in mail.to for a in addresses("--to", value)]
    cc = [a for value in mail.cc for a in addresses("--cc", value)]
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
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
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
        raise UsageError(
            "a message needs a recipient: give --to ADDRESS (or 'to' in briefgen.toml)"
        )
    if not mail.sender:
        raise UsageError(
            "a message needs a sender: give --from ADDRESS (or 'from' in briefgen.toml)"
        )
    for option, values in (("--from", (mail.sender,)), ("--to", mail.to), ("--cc", mail.cc)):
        for value in values:
            _check_addresses(option, value)
    if mail.subject is not None and _breaks_header(mail.subject):
        raise UsageError("--subject: a subject is one line, without control characters")


def _check_addresses(option: str, value: str) -> None:
    addresses(option, value)


def addresses(option: str, value: str) -> list[Address]:
    """The addresses of ``value`` (``Zoë <zoe@exämple.org>, desk@example.org``), each
    domain as IDNA writes it in ASCII; :class:`UsageError` if one is not an address."""
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
    """``Russia–North Korea alliance – 1 December 2025``: the title and the date."""
    return f"{brief.title} – {format_date(brief.date, brief.lang)}"


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
