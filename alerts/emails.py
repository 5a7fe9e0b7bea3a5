"""The emails of alerts: confirmation, "already subscribed", and the alerts themselves.

Each has a plain text part and an HTML part in the NHS.UK look. Email programs
drop <style> blocks and linked stylesheets, so the HTML is laid out with tables
and its templates name classes of alerts/email.css, whose rules css-inline
writes onto the elements as style attributes when the email is rendered
(`_html`): the templates themselves hold no inline style, as the site's content
security policy asks of every template. Links are absolute, from settings.SITE_URL. Every
alert carries RFC 8058 one-click unsubscribe headers and RFC 3834's
Auto-Submitted, so out-of-office replies are not sent back.

An alert's text is the same for everyone who follows the same search and
filters and has seen the same changes, so it is rendered once per distinct
content (`AlertContent`) and only the links of each recipient are put in.
"""

import re
from dataclasses import dataclass, field
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.urls import reverse

from programmes.absolute_urls import absolute_url

from .models import Change, Frequency
from .queries import describe
from .tokens import confirm_token, manage_token, unsubscribe_token

# Stand-ins for each recipient's own links in a rendered alert.
MANAGE_LINK = "@@manage-link@@"
UNSUBSCRIBE_LINK = "@@unsubscribe-link@@"
# Stand-ins for the rest of what differs per recipient, in an alert's wire bytes.
_TO = b"recipient@alerts.invalid"
_DATE = b"@@date@@"
_MESSAGE_ID = b"<@@message-id@@>"
_TOKEN = "@@token@@"  # noqa: S105 (a stand-in, not a secret)
_MANAGE = MANAGE_LINK.encode()
_UNSUBSCRIBE = UNSUBSCRIBE_LINK.encode()
# An address that needs no encoding or quoting in a header (nearly all of them).
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")
ONE_LINE = 200  # characters of a programme's summary in an alert
SUBJECT_LENGTH = 140
# Made once, with the stylesheet read once, at import. It never fetches anything:
# the templates link no stylesheet, and one linked would not be loaded.
_INLINER = css_inline.CSSInliner(
    extra_css=Path(__file__).with_name("email.css").read_text(encoding="utf-8"),
    load_remote_stylesheets=False,
)


def one_line(text):
    """A programme's summary cut to about a line: its first sentence, or ONE_LINE characters."""
    text = " ".join(text.split())
    end = text.find(". ")
    if 0 < end < ONE_LINE:
        return text[: end + 1]
    if len(text) <= ONE_LINE:
        return text
    return text[:ONE_LINE].rsplit(" ", 1)[0] + "…"


def _subject(text):
    # Never a line break in a header (a search is cleaned of them, but be sure).
    text = " ".join(text.split())
    return text if len(text) <= SUBJECT_LENGTH else text[: SUBJECT_LENGTH - 1] + "…"


def _html(template, context):
    """The HTML part of an email, with alerts/email.css written onto its elements.
    css-inline parses the page and writes it out again: the same document, if not
    byte for byte (each table gains its <tbody>), and the stand-ins for each
    recipient's links come through as they are, for `AlertContent` to swap."""
    return _INLINER.inline(render_to_string(f"alerts/email/{template}.html", context))


def _message(subject, template, context, to, headers=None):
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": absolute_url(reverse("programmes:home")),
        **context,
    }
    text = render_to_string(f"alerts/email/{template}.txt", context)
    html = _html(template, context)
    message = EmailMultiAlternatives(
        _subject(subject), text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message


def what_it_follows(subscription, index):
    if subscription.programme_id:
        return f"the programme “{subscription.programme.title}”"
    return describe(subscription.query, index)


def confirmation(subscription, index):
    """The email that asks the address to confirm a sign-up (double opt-in)."""
    link = absolute_url(reverse("alerts:confirm", args=[confirm_token(subscription)]))
    context = {
        "follows": what_it_follows(subscription, index),
        "frequency": Frequency(subscription.frequency),
        "confirm_link": link,
        "days": 7,
    }
    return _message(
        f"Confirm your email alerts from {settings.SITE_NAME}",
        "confirm",
        context,
        subscription.subscriber.email,
        {"Auto-Submitted": "auto-generated"},
    )


def already_subscribed(subscription, index):
    """Sent instead of a confirmation when the address already gets these alerts."""
    context = {
        "follows": what_it_follows(subscription, index),
        "frequency": Frequency(subscription.frequency),
        "manage_link": absolute_url(
            reverse("alerts:manage", args=[manage_token(subscription.subscriber)])
        ),
    }
    return _message(
        f"You already get these email alerts from {settings.SITE_NAME}",
        "already_subscribed",
        context,
        subscription.subscriber.email,
        {"Auto-Submitted": "auto-generated"},
    )


@dataclass
class Entry:
    """One programme in an alert."""

    title: str
    line: str
    link: str
    changes: list


@dataclass
class AlertContent:
    subject: str
    text: str
    html: str
    # The message as sent over SMTP with stand-ins for what differs per recipient,
    # made on first use; False when stand-ins cannot be swapped safely (see `wire`).
    _frame: bytes | bool | None = field(default=None, init=False, repr=False)
    _link_forms: tuple = field(default=(), init=False, repr=False)

    def message(self, subscription, subscriber):
        """The alert for one recipient, as an EmailMessage (any email backend)."""
        return self._email(subscriber.email, *_links(subscription, subscriber))

    def wire(self, subscription, subscriber):
        """The alert for one recipient as the bytes an SMTP server receives, or None
        when only `message()` will do. Building a MIME message costs about a
        millisecond; this builds it once per content, with stand-ins, and swaps in
        each recipient's address, links, date and Message-ID (bench/README.md)."""
        if not PLAIN_ADDRESS.fullmatch(subscriber.email):
            return None  # quoted, international: Django's full treatment
        if self._frame is None:
            self._frame = self._make_frame()
        if self._frame is False:
            return None
        manage, unsubscribe = (
            link.replace(_TOKEN, token)
            for link, token in zip(
                self._link_forms,
                (manage_token(subscriber), unsubscribe_token(subscription.pk, subscriber.key)),
                strict=True,
            )
        )
        head, body = self._frame.split(b"\r\n\r\n", 1)
        head = (
            head.replace(_TO, subscriber.email.encode())
            .replace(_DATE, formatdate(localtime=settings.EMAIL_USE_LOCALTIME).encode())
            .replace(_MESSAGE_ID, make_msgid(domain=DNS_NAME).encode())
        )
        data = head + b"\r\n\r\n" + body
        return data.replace(_MANAGE, manage.encode()).replace(_UNSUBSCRIBE, unsubscribe.encode())

    def _make_frame(self):
        frame = (
            self._email(_TO.decode(), MANAGE_LINK, UNSUBSCRIBE_LINK, standins=True)
            .message()
            .as_bytes(linesep="\r\n")
        )
        head = frame.split(b"\r\n\r\n", 1)[0]
        # The recipient's links with a stand-in for the token (reverse() once, not per email).
        self._link_forms = tuple(
            absolute_url(reverse(name, args=[_TOKEN]))
            for name in ("alerts:manage", "alerts:unsubscribe")
        )
        # Each stand-in must have come through whole, where expected: a body sent
        # quoted-printable (a line over 998 characters) or a folded header would
        # split one, and then this content goes the slow way.
        intact = (
            head.count(_TO) == 1
            and head.count(_DATE) == 1
            and head.count(_MESSAGE_ID) == 1
            and frame.count(_MANAGE) == self.text.count(MANAGE_LINK) + self.html.count(MANAGE_LINK)
            and frame.count(_UNSUBSCRIBE)
            == self.text.count(UNSUBSCRIBE_LINK) + self.html.count(UNSUBSCRIBE_LINK) + 1
        )
        return frame if intact else False

    def _email(self, to, manage, unsubscribe, standins=False):
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"LWRS programme alerts <alerts.{host}>",
            "Auto-Submitted": "auto-generated",
        }
        if standins:
            headers |= {"Date": _DATE.decode(), "Message-ID": _MESSAGE_ID.decode()}
        message = EmailMultiAlternatives(
            self.subject,
            self.text.replace(MANAGE_LINK, manage).replace(UNSUBSCRIBE_LINK, unsubscribe),
            settings.DEFAULT_FROM_EMAIL,
            [to],
            headers=headers,
        )
        html = self.html.replace(MANAGE_LINK, manage).replace(UNSUBSCRIBE_LINK, unsubscribe)
        message.attach_alternative(html, "text/html")
        return message


def _links(subscription, subscriber):
    """The recipient's own links: manage their alerts, and unsubscribe from this one."""
    manage = absolute_url(reverse("alerts:manage", args=[manage_token(subscriber)]))
    unsubscribe = absolute_url(
        reverse("alerts:unsubscribe", args=[unsubscribe_token(subscription.pk, subscriber.key)])
    )
    return manage, unsubscribe


KIND_ORDER = [
    Change.Kind.PUBLISHED,
    Change.Kind.AVAILABILITY,
    Change.Kind.KEY_DATES,
    Change.Kind.UPDATED,
]


def alert_content(follows, frequency, programmes, changes):
    """The alert for `programmes` (published Programme objects, in order) and the
    Changes found for them; `follows` says what the subscription follows."""
    by_programme = {}
    for change in changes:
        by_programme.setdefault(change.programme_id, []).append(change)
    entries = []
    for programme in programmes:
        found = sorted(
            by_programme.get(programme.pk, []), key=lambda c: (KIND_ORDER.index(c.kind), c.pk)
        )
        if any(c.kind == Change.Kind.PUBLISHED for c in found):
            # New to subscribers: what else changed since is part of being new.
            found = [c for c in found if c.kind != Change.Kind.UPDATED]
        # The latest description of each kind: availability says what it is now.
        latest = {}
        for change in found:
            latest[change.kind] = change.description
        entries.append(
            Entry(
                programme.title,
                one_line(programme.summary),
                absolute_url(programme.get_absolute_url()),
                list(dict.fromkeys(latest.values())),
            )
        )
    count = len(entries)
    if count == 1:
        subject = (
            f"{entries[0].title}: {entries[0].changes[0] if entries[0].changes else 'updated'}"
        )
    else:
        subject = f"{count} new or changed LWRS programmes"
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": absolute_url(reverse("programmes:home")),
        "follows": follows,
        "frequency": Frequency(frequency),
        "entries": entries,
        "manage_link": MANAGE_LINK,
        "unsubscribe_link": UNSUBSCRIBE_LINK,
        "privacy_link": absolute_url(reverse("alerts:privacy")),
    }
    return AlertContent(
        _subject(subject),
        render_to_string("alerts/email/alert.txt", context),
        _html("alert", context),
    )
