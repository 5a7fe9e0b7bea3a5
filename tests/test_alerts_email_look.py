"""The alerts emails' HTML parts look as they did with styles written in the templates:
email programs drop <style> blocks and linked stylesheets, so the rules of
alerts/email.css must arrive on the elements themselves (alerts/emails.py writes them
there), while the templates hold no inline style (tests/test_pages.py)."""

import re

import lxml.html
import pytest
from django.core.management import call_command

from programmes.models import Programme
from tests.mailserver import text_of

ADDRESS = "ada.lovelace@nhs.net"
FONT = "Frutiger, Arial, sans-serif"


def sign_up(client):
    page = client.post("/alerts/", {"email": ADDRESS, "frequency": "immediately"})
    assert "Check your email" in page.content.decode()


@pytest.fixture
def sent(client, programme, mail_server):
    """Each kind of email as a real SMTP server received it: a confirmation, an
    "already subscribed", and an alert (sent the fast way, AlertContent.wire)."""
    sign_up(client)
    confirm = mail_server.messages[-1]
    path = re.search(r"http://testserver(/alerts/confirm/\S+)", text_of(confirm))[1]
    assert client.post(path).status_code == 200
    sign_up(client)
    call_command("send_alerts", verbosity=0)  # where the changes start
    Programme.objects.create(title="Leadership for ward managers", is_published=True)
    call_command("send_alerts", verbosity=0)
    confirm, already, alert = mail_server.messages
    assert "Confirm" in confirm["Subject"]
    assert "already get these" in already["Subject"]
    assert "Leadership for ward managers" in alert["Subject"]
    return {"confirm": confirm, "already_subscribed": already, "alert": alert}


def html_part(message):
    return message.get_body(("html",)).get_content()


def style(element):
    """An element's style attribute as {property: value}."""
    declarations = (d.split(":", 1) for d in element.get("style", "").split(";") if d.strip())
    return {name.strip(): " ".join(value.split()) for name, value in declarations}


def every(root, tag, class_name=None):
    """The `tag` elements under `root` (with that class, if one is given)."""
    if class_name is None:
        return root.xpath(f".//{tag}")
    return root.xpath(f".//{tag}[contains(concat(' ', @class, ' '), ' {class_name} ')]")


def the(root, tag, class_name=None):
    (element,) = every(root, tag, class_name)
    return element


def test_each_email_carries_the_nhs_look_on_its_elements(sent):
    for name, message in sent.items():
        html = html_part(message)
        document = lxml.html.document_fromstring(html)
        # Nothing an email program would drop, and nothing left to it.
        assert "<style" not in html, name
        assert "<link" not in html, name
        assert style(document.body)["background-color"] == "#f0f4f5", name
        assert style(the(document, "table", "email-column"))["max-width"] == "600px", name
        header = the(document, "td", "email-header")
        assert style(header) == {"background-color": "#005eb8", "padding": "16px 20px"}, name
        assert style(the(header, "a")) == {
            "color": "#ffffff",  # over the links' blue (a class beats the `a` rule)
            "font-family": FONT,
            "font-size": "20px",
            "font-weight": "bold",
            "text-decoration": "none",
        }, name
        body = the(document, "td", "email-body")
        assert style(body)["font-family"] == FONT, name
        assert style(body)["color"] == "#212b32", name
        assert style(the(body, "h1")) == {
            "margin": "0 0 16px 0",
            "font-size": "24px",
            "line-height": "1.3",
        }, name
        footer = the(document, "td", "email-footer")
        assert style(footer)["font-size"] == "14px", name
        for paragraph in footer.iter("p"):
            assert style(paragraph) == {"margin": "0 0 8px 0"}, name  # not the body's 16px
        for link in document.iter("a"):
            assert style(link).get("color") in ("#005eb8", "#ffffff"), (name, link.text)
        # A class with no rule in alerts/email.css (a typo) would leave its element bare.
        for element in document.xpath("//*[@class]"):
            assert element.get("style"), (name, element.get("class"))


def test_the_confirmation_s_button_is_nhs_green_with_its_darker_edge(sent):
    document = lxml.html.document_fromstring(html_part(sent["confirm"]))
    button = the(document, "a", "email-button")
    assert button.text == "Confirm your email alerts"
    assert button.get("href").startswith("http://testserver/alerts/confirm/")
    assert style(button) == {
        "display": "inline-block",
        "background-color": "#007f3b",
        "color": "#ffffff",
        "font-weight": "bold",
        "padding": "12px 16px",
        "text-decoration": "none",
        "border-bottom": "4px solid #00401e",
    }
    assert style(button.getparent()) == {"margin": "0 0 24px 0"}


def test_an_alert_s_changes_are_marked_and_its_links_are_the_recipient_s_own(sent):
    html = html_part(sent["alert"])
    document = lxml.html.document_fromstring(html)
    title = the(the(document, "td", "email-body"), "h2")
    assert style(title) == {"margin": "0 0 8px 0", "font-size": "20px", "line-height": "1.3"}
    assert style(the(title, "a")) == {"color": "#005eb8"}
    assert style(the(document, "p", "email-summary")) == {"margin": "0 0 8px 0"}
    assert style(the(document, "p", "email-changes")) == {
        "margin": "0 0 24px 0",
        "padding-left": "12px",
        "border-left": "4px solid #005eb8",
    }
    # The stand-ins came through the inliner whole, and were swapped for real links.
    assert "@@" not in html
    links = [a.get("href") for a in document.iter("a")]
    assert any(link.startswith("http://testserver/alerts/manage/") for link in links)
    assert any(link.startswith("http://testserver/alerts/unsubscribe/") for link in links)
