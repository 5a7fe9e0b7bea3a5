"""Signing up for email alerts, confirming, managing and leaving: no account, no cookie.

These pages set no cookie: no session, and no CSRF cookie. Their forms need
none. Signing up only ever sends a confirmation email (rate-limited per address
and per network, alerts/limits.py), so a forged sign-up can do no more than
anyone typing the address could. Confirming, changing and cancelling are POSTs
to addresses that carry a signed token (alerts/tokens.py), which another site
cannot know, so they cannot be forged either; mail programs' one-click
unsubscribe (RFC 8058) posts without any cookie, as it must.

Links from emails open a page with a button rather than acting at once: mail
scanners open links in emails, and must not confirm or cancel anything.
"""

import logging
import smtplib

from django import forms
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from programmes.finder import Finder
from programmes.models import Programme
from programmes.views import CATALOGUE, HOME

from . import emails, limits, queries, tokens
from .changes import find_changes
from .models import Change, Frequency, Subscriber, Subscription, next_due

logger = logging.getLogger("alerts")


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@nhs.net",
            "max_length": "Enter an email address of 254 characters or fewer",
        },
    )
    frequency = forms.ChoiceField(
        label="How often do you want emails?",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how often you want emails",
            "invalid_choice": "Choose how often you want emails",
        },
    )


def _what(request):
    """What the sign-up is for, from the page's GET (or the form's POST)
    parameters: (programme or None, normalised query, finder)."""
    params = request.POST if request.method == "POST" else request.GET
    slug = params.get("programme", "")
    if slug:
        programme = Programme.objects.published().filter(slug=slug[:200]).first()
        if programme is None:
            raise Http404("No such programme")
        return programme, "", None
    catalogue = QueryDict(mutable=True)
    for name in ("q", "spelling", *queries.FACETS):
        values = [v for v in params.getlist(name) if isinstance(v, str)]
        if values:
            catalogue.setlist(name, values)
    finder = Finder(catalogue)
    return None, queries.normalised(finder), finder


def _no_store(response):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    programme, query, finder = _what(request)
    if queries.too_big(query):
        return render(request, "alerts/too_big.html", {"breadcrumb": [HOME, CATALOGUE]}, status=400)
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    context = {
        "form": form,
        "programme": programme,
        "query": query,
        "parts": queries.parts(query, finder.index) if finder else [],
        "corrected": finder.corrected if finder else None,
        "partial": bool(finder and finder.partial),
        "hidden": [("programme", programme.slug)] if programme else list(QueryDict(query).lists()),
        "catalogue_link": f"{reverse('programmes:list')}?{query}"
        if query
        else reverse("programmes:list"),
        "frequencies": [Frequency(value) for value in Frequency.values],
        "breadcrumb": [HOME, CATALOGUE],
        "programme_items": [f"You will get emails about the programme “{programme.title}”."]
        if programme
        else [],
        "all_items": ["You will get emails about every programme in the catalogue."],
    }
    if request.method != "POST":
        return render(request, "alerts/subscribe.html", context)
    if not form.is_valid():
        return render(request, "alerts/subscribe.html", context, status=400)
    address = form.cleaned_data["email"]
    reason = limits.refused(request, address)
    if reason:
        context["refused"] = reason
        return render(request, "alerts/subscribe.html", context, status=429)
    subscription, already = _sign_up(address, programme, query, form.cleaned_data["frequency"])
    index = finder.index if finder else queries.current_index()
    message = (
        emails.already_subscribed(subscription, index)
        if already
        else emails.confirmation(subscription, index)
    )
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as error:
        logger.warning("Could not send a confirmation email: %s", error)
        return render(request, "alerts/not_sent.html", context, status=503)
    # The same page whether or not the address was subscribed already: nobody
    # learns from it who gets alerts.
    return render(request, "alerts/check_email.html", {**context, "email": address})


def _sign_up(address, programme, query, frequency):
    """The subscription for this address and filters (an unconfirmed one is made, or
    its frequency updated), and whether it was confirmed already."""
    for _ in range(2):  # a second try if another request made the same rows meanwhile
        try:
            with transaction.atomic():
                subscriber = Subscriber.objects.filter(email__iexact=address).first()
                if subscriber is None:
                    subscriber = Subscriber.objects.create(email=address)
                subscription, _ = Subscription.objects.get_or_create(
                    subscriber=subscriber,
                    programme=programme,
                    query=query,
                    defaults={"frequency": frequency},
                )
                if subscription.confirmed_at:
                    return subscription, True
                if subscription.frequency != frequency:
                    subscription.frequency = frequency
                    subscription.save(update_fields=["frequency"])
                return subscription, False
        except IntegrityError:
            continue
    raise IntegrityError("sign-up kept clashing")


def _bad_link(request, status=400, expired=False):
    return _no_store(
        render(
            request,
            "alerts/bad_link.html",
            {"expired": expired, "breadcrumb": [HOME]},
            status=status,
        )
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    try:
        subscription = tokens.subscription_to_confirm(token)
    except tokens.Expired:
        return _bad_link(request, status=410, expired=True)
    except signing.BadSignature:
        return _bad_link(request)
    if subscription is None:
        return _bad_link(request, status=404)
    index = queries.current_index()
    context = {
        "follows": emails.what_it_follows(subscription, index),
        "frequency": Frequency(subscription.frequency),
        "subscription": subscription,
        "breadcrumb": [HOME],
    }
    if request.method == "POST" and not subscription.confirmed_at:
        _confirm(subscription)
    if subscription.confirmed_at:
        context["manage_link"] = reverse(
            "alerts:manage", args=[tokens.manage_token(subscription.subscriber)]
        )
        return _no_store(render(request, "alerts/confirmed.html", context))
    return _no_store(render(request, "alerts/confirm.html", context))


def _confirm(subscription):
    """Start sending: from the changes known now on (none before it is confirmed)."""
    find_changes()
    now = timezone.now()
    newest = Change.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    subscription.confirmed_at = now
    subscription.last_change_id = newest
    subscription.due_at = next_due(subscription.frequency, now)
    subscription.save(update_fields=["confirmed_at", "last_change_id", "due_at"])
    # Confirming is the address saying it takes email again.
    Subscriber.objects.filter(pk=subscription.subscriber_id).update(failures=0, stopped_at=None)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    try:
        subscriber = tokens.subscriber_to_manage(token)
    except signing.BadSignature:
        return _bad_link(request)
    if subscriber is None:
        return _no_store(
            render(request, "alerts/left.html", {"breadcrumb": [HOME], "already": True})
        )
    notice = ""
    if request.method == "POST":
        notice = _change(request, subscriber)
        if not subscriber.subscriptions.exists():
            subscriber.delete()
            return _no_store(render(request, "alerts/left.html", {"breadcrumb": [HOME]}))
    index = queries.current_index()
    subscriptions = list(
        subscriber.subscriptions.filter(confirmed_at__isnull=False)
        .select_related("programme")
        .order_by("pk")
    )
    rows = [
        {
            "subscription": s,
            "follows": emails.what_it_follows(s, index),
            "frequency": Frequency(s.frequency),
            "link": s.programme.get_absolute_url()
            if s.programme_id
            else f"{reverse('programmes:list')}?{s.query}",
        }
        for s in subscriptions
    ]
    context = {
        "subscriber": subscriber,
        "rows": rows,
        "frequencies": [Frequency(value) for value in Frequency.values],
        "notice": notice,
        "notice_items": [notice],
        "breadcrumb": [HOME],
    }
    return _no_store(render(request, "alerts/manage.html", context))


def _change(request, subscriber):
    action = request.POST.get("action", "")
    if action == "leave":
        subscriber.subscriptions.all().delete()
        return ""
    pk = request.POST.get("subscription", "")
    subscription = (
        subscriber.subscriptions.filter(pk=int(pk)).first()
        if pk.isdigit() and len(pk) < 18
        else None
    )
    if subscription is None:
        return "That subscription has already been cancelled."
    if action == "cancel":
        subscription.delete()
        return "Cancelled: you will get no more emails about that."
    frequency = request.POST.get("frequency", "")
    if action == "frequency" and frequency in Frequency.values:
        if frequency != subscription.frequency:
            subscription.frequency = frequency
            subscription.due_at = next_due(frequency, timezone.now())
            subscription.save(update_fields=["frequency", "due_at"])
        return f"Saved: you will get these emails {Frequency(frequency).label.lower()}."
    return "Choose how often you want emails."


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    try:
        subscription = tokens.subscription_to_cancel(token)
    except signing.BadSignature:
        return _bad_link(request)
    one_click = request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click"
    if request.method == "POST":
        if subscription is not None:
            cancel(subscription)
        if one_click:
            return _no_store(
                HttpResponse("Unsubscribed.\n", content_type="text/plain; charset=utf-8")
            )
        return _no_store(render(request, "alerts/left.html", {"breadcrumb": [HOME], "one": True}))
    if subscription is None:
        # Already unsubscribed (a link used twice): say so, never an error.
        return _no_store(
            render(request, "alerts/left.html", {"breadcrumb": [HOME], "already": True})
        )
    context = {
        "follows": emails.what_it_follows(subscription, queries.current_index()),
        "breadcrumb": [HOME],
    }
    return _no_store(render(request, "alerts/unsubscribe.html", context))


def cancel(subscription):
    """Delete a subscription, and the address with its last one."""
    with transaction.atomic():
        subscriber_id = subscription.subscriber_id
        subscription.delete()
        Subscriber.objects.filter(pk=subscriber_id, subscriptions__isnull=True).delete()


@never_cache
def privacy(request):
    return render(request, "alerts/privacy.html", {"breadcrumb": [HOME], "days": 7})
