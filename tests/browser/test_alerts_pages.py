"""The email alert pages in a real browser: axe finds no WCAG A/AA violation on any of them,
and signing up, confirming, managing and leaving work without JavaScript."""

import re

from django.core import mail

from alerts import tokens
from alerts.models import Subscriber, Subscription

ADDRESS = "dorothy.vaughan@nhs.net"


def _token_pages(site):
    """A confirmed and an unconfirmed subscription, and the pages of their links."""
    subscriber = Subscriber.objects.create(email=ADDRESS)
    confirmed = Subscription.objects.create(
        subscriber=subscriber, query="tag=leadership", confirmed_at="2027-01-01T10:00Z"
    )
    waiting = Subscription.objects.create(subscriber=subscriber, query="kind=toolkit")
    return {
        "confirm": f"/alerts/confirm/{tokens.confirm_token(waiting)}/",
        "manage": f"/alerts/manage/{tokens.manage_token(subscriber)}/",
        "unsubscribe": f"/alerts/unsubscribe/{tokens.unsubscribe_token(confirmed.pk, subscriber.key)}/",
        "bad link": "/alerts/confirm/not-a-token/",
    }


def test_no_axe_violations_on_the_alert_pages(site, page, axe_check):
    paths = {
        "subscribe, whole catalogue": "/alerts/",
        "subscribe, search and filters": "/alerts/?q=leadrship&tag=leadership&availability=open",
        "subscribe, one programme": "/alerts/?programme=london-de-bias-recruitment-toolkit",
        "privacy notice": "/alerts/privacy/",
        **_token_pages(site),
    }
    problems = []
    for name, path in paths.items():
        response = page.goto(site.url(path))
        if response.status != (400 if name == "bad link" else 200):
            problems.append(f"{name}: status {response.status}")
        try:
            axe_check(page)
        except AssertionError as failure:
            problems.append(f"{name}: {failure}")
    # The form with its errors shown.
    page.goto(site.url("/alerts/"))
    page.get_by_label("Email address").fill("not an address")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_load_state()
    assert page.get_by_text("There is a problem").is_visible()
    try:
        axe_check(page)
    except AssertionError as failure:
        problems.append(f"subscribe with errors: {failure}")
    assert not problems, "\n\n".join(problems)


def test_sign_up_confirm_manage_and_leave_without_javascript(site, nojs_page):
    page = nojs_page
    page.goto(site.url("/programmes/?tag=leadership"))
    page.get_by_role("link", name=re.compile("Get emails when these programmes")).click()
    assert "Get emails about these programmes" in page.locator("h1").inner_text()
    page.get_by_label("Email address").fill(ADDRESS)
    page.get_by_label("Once a week").check()
    page.get_by_role("button", name="Subscribe").click()
    assert page.locator("h1").inner_text() == "Check your email"
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+(/alerts/confirm/\S+)", mail.outbox[0].body)[1]
    page.goto(site.url(link))
    page.get_by_role("button", name="Confirm").click()
    assert page.locator("h1").inner_text() == "You are subscribed"
    page.get_by_role("link", name="change how often you get emails, or stop them").click()
    assert page.locator("h1").inner_text() == "Your email alerts"
    page.get_by_label(re.compile("^Once a day")).check()
    page.get_by_role("button", name=re.compile("Save how often")).click()
    assert Subscription.objects.get().frequency == "daily"
    page.get_by_role("button", name="Unsubscribe from all emails").click()
    assert page.locator("h1").inner_text() == "You have unsubscribed"
    assert not Subscriber.objects.exists()
