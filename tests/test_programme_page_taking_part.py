"""The programme page tells staff whether, when and how they can take part."""

import datetime
import re

import pytest
import time_machine

from programmes.models import KeyDate, Programme
from programmes.taking_part import Availability, KeyDateKind

D = datetime.date


def london(*args):
    return datetime.datetime(*args, tzinfo=datetime.UTC).astimezone(
        __import__("zoneinfo").ZoneInfo("Europe/London")
    )


def page(client, programme):
    response = client.get(programme.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def text(html):
    """The page's words, without tags, as one line."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" :", ":")


def main(html):
    """What a visitor reads: the page's <main> element."""
    return html[html.index("<main") : html.index("</main>")]


def summary_rows(html):
    """(key, value) of each summary-list row, in order."""
    rows = re.findall(
        r'<dt class="nhsuk-summary-list__key">(.*?)</dt>\s*<dd class="nhsuk-summary-list__value">(.*?)</dd>',
        html,
        re.S,
    )
    return [(text(k), text(v)) for k, v in rows]


@pytest.fixture
def filled(programme):
    """A programme with every taking-part field filled in."""
    programme.who_can_take_part = "Line managers in London trusts."
    programme.how_to_take_part = "Ask your manager, then book a place."
    programme.cta_label = "Start the online training"
    programme.cta_url = "https://example.org/start"
    programme.availability = Availability.ANY_TIME
    programme.cost = "Free"
    programme.time_commitment = "Five half-day sessions over two months"
    programme.delivery = Programme.Delivery.BLENDED
    programme.location = "Online and venues across London"
    programme.save()
    return programme


def test_availability_comes_first_and_status_in_action_is_gone(client, filled):
    html = page(client, filled)
    rows = summary_rows(html)
    assert rows[0][0] == "Availability"
    assert rows[0][1].startswith("Open to join any time")
    assert "In action" not in text(main(html))
    assert "Status" not in [key for key, _ in rows]


def test_a_programme_being_developed_says_so(client, programme):
    programme.status = Programme.Status.BEING_DEVELOPED
    programme.save()
    assert ("Stage", "Being developed") in summary_rows(page(client, programme))


def test_the_call_to_action_is_an_action_link_directly_under_the_summary(client, filled):
    html = page(client, filled)
    glance = html.index("</dl>")  # the end of the "At a glance" summary list
    action = html.index('class="nhsuk-action-link"')
    assert glance < action < html.index("How to take part")
    link = re.search(r'<a class="nhsuk-action-link" href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
    assert link.group(1) == "https://example.org/start"
    assert text(link.group(2)) == "Start the online training"


def test_every_taking_part_fact_is_shown(client, filled):
    html = page(client, filled)
    part = html[html.index('id="how-to-take-part"') :]
    rows = summary_rows(part)
    assert rows[:6] == [
        ("Who can take part", "Line managers in London trusts."),
        ("How to take part", "Ask your manager, then book a place."),
        ("Cost", "Free"),
        ("Time it takes", "Five half-day sessions over two months"),
        ("How it is delivered", "Blended: online and in person"),
        ("Where", "Online and venues across London"),
    ]


def test_empty_facts_are_not_shown_and_the_team_is_asked(client, programme):
    programme.cost = "Free"
    programme.save()
    html = page(client, programme)
    part = html[html.index('id="how-to-take-part"') :]
    keys = [key for key, _ in summary_rows(part)]
    assert "Cost" in keys
    for absent in ["Who can take part", "How to take part", "Time it takes", "Where"]:
        assert absent not in keys
    assert ("Availability", "Ask the LWRS team") in summary_rows(html)
    link = re.search(r'<a class="nhsuk-action-link" href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
    assert link.group(1) == (
        "mailto:London.RaceStrategy@nhs.net?subject=Example%20Inclusion%20Programme"
    )
    assert text(link.group(2)) == "Ask the LWRS team"


def test_no_taking_part_section_when_nothing_is_known(client, programme):
    assert 'id="how-to-take-part"' not in page(client, programme)


def test_the_team_email_subject_is_url_encoded_in_the_page(client, catalogue):
    html = client.get("/programmes/edi-insights-analytics/").content.decode()
    # The call to action there is the editor's "ask for access", by email to the team.
    assert (
        'href="mailto:London.RaceStrategy@nhs.net?subject=EDI%20Insights%20%26%20Analytics"' in html
    )


@pytest.fixture
def dated(programme):
    for kind, label, day in [
        (KeyDateKind.APPLICATIONS_OPEN, "Applications open", D(2027, 1, 4)),
        (KeyDateKind.APPLICATIONS_CLOSE, "Applications close", D(2027, 1, 31)),
        (KeyDateKind.COHORT_STARTS, "Spring cohort starts", D(2027, 3, 1)),
        (KeyDateKind.SESSION, "Second session", D(2027, 3, 15)),
    ]:
        KeyDate.objects.create(programme=programme, kind=kind, label=label, starts_on=day)
    programme.availability = Availability.OPEN
    programme.cta_label, programme.cta_url = "Apply by 31 January", "https://example.org/apply"
    programme.save()
    return programme


def test_key_dates_upcoming_first_and_past_apart(client, dated):
    with time_machine.travel(datetime.datetime(2027, 2, 10, 12, tzinfo=datetime.UTC)):
        html = page(client, dated)
    dates = html[html.index('id="key-dates"') :]
    upcoming, past = dates.split("Past dates", 1)
    assert text(upcoming).index("1 March 2027: Spring cohort starts") < text(upcoming).index(
        "15 March 2027: Second session"
    )
    assert "Applications" not in text(upcoming)
    assert text(past).index("31 January 2027: Applications close") < text(past).index(
        "4 January 2027: Applications open"
    )
    assert 'href="/programmes/example-inclusion-programme/calendar.ics"' in html
    assert "Add these dates to your calendar" in text(html)


def test_no_key_dates_section_without_dates(client, programme):
    html = page(client, programme)
    assert 'id="key-dates"' not in html
    assert "calendar.ics" not in html


def test_closed_after_the_closing_date(client, dated):
    with time_machine.travel(datetime.datetime(2027, 1, 31, 12, tzinfo=datetime.UTC)):
        html = page(client, dated)
    assert summary_rows(html)[0][1].startswith("Open for applications until 31 January 2027")
    assert "Apply by 31 January" in text(html)
    with time_machine.travel(datetime.datetime(2027, 2, 1, 12, tzinfo=datetime.UTC)):
        html = page(client, dated)
    assert summary_rows(html)[0][1].startswith("Applications closed on 31 January 2027")
    assert "Apply by 31 January" not in text(html)  # no invitation to apply once closed
    assert "Ask the LWRS team" in text(html)


def test_a_future_launch_reads_launches(client, programme):
    programme.launched_on = D(2027, 9, 1)
    programme.save()
    with time_machine.travel(datetime.datetime(2027, 3, 1, 12, tzinfo=datetime.UTC)):
        rows = dict(summary_rows(page(client, programme)))
    assert rows.get("Launches") == "September 2027"
    assert "Launched" not in rows


def test_the_past_funding_round_does_not_read_as_live(client, catalogue):
    html = client.get("/programmes/edi-innovations/").content.decode()
    rows = summary_rows(html)
    assert rows[0][0] == "Availability"
    assert rows[0][1].startswith("Closed")
    assert "In action" not in text(main(html))
    assert ("Launched", "October 2022") in rows


def test_review_dates_as_nhs_pages_show_them(client, programme):
    programme.last_reviewed_on = D(2026, 12, 3)
    programme.save()
    words = text(page(client, programme))
    assert "Page last reviewed: 3 December 2026 Next review due: 3 June 2027" in words
    assert "Last updated:" in words


def test_next_review_due_follows_the_teams_interval_on_a_cached_page(client, programme):
    from programmes.models import CatalogueSettings

    programme.last_reviewed_on = D(2026, 12, 3)
    programme.save()
    assert "Next review due: 3 June 2027" in text(page(client, programme))
    assert "Next review due: 3 June 2027" in text(page(client, programme))  # cached now
    settings_row = CatalogueSettings.load()
    settings_row.review_interval_months = 12
    settings_row.save()  # a new catalogue version: the cached page is stale
    assert "Next review due: 3 December 2027" in text(page(client, programme))


def test_no_review_dates_before_a_review(client, programme):
    words = text(page(client, programme))
    assert "Page last reviewed" not in words
    assert "Last updated:" in words


def test_related_programmes_are_listed(client, catalogue):
    html = client.get("/programmes/white-allies-programme/").content.decode()
    related = html[html.index("Related programmes") : html.index("<h2>Contact")]
    links = re.findall(r'class="nhsuk-card__link" href="(/programmes/[^"]+/)"', related)
    assert 1 <= len(links) <= 3
    assert "/programmes/white-allies-programme/" not in links
    # The Calibre programme shares the topic "leadership"; the anti-racism project "anti-racism".
    assert {
        "/programmes/calibre-leadership-programme/",
        "/programmes/london-anti-racism-project/",
    } <= set(links)


def test_plain_english(client, catalogue):
    for programme in Programme.objects.published():
        html = client.get(programme.get_absolute_url()).content.decode()
        running = main(html).replace(f"{programme.title}".replace("&", "&amp;"), "")
        # The embed code to copy is HTML source: its own "&amp;" is escaped once more.
        running = re.sub(r'<input[^>]*id="embed-code-source"[^>]*>', "", running)
        for other in Programme.objects.all():
            running = running.replace(other.title.replace("&", "&amp;"), "")
        assert "&amp;" not in running, programme.slug  # "&" only in titles
        for name in re.findall(r'href="/programmes/\?tag=[^"]+">([^<]+)</a>', html):
            assert name[0] == name[0].upper(), (programme.slug, name)


def test_topic_names_are_capitalised_as_the_filters_show_them(client, catalogue):
    html = client.get("/programmes/active-bystander-training/").content.decode()
    assert ">Bullying and harassment</a>" in html
    assert ">bullying and harassment</a>" not in html
    catalogue_page = client.get("/programmes/?q=bystander").content.decode()
    assert "Bullying and harassment (" in catalogue_page


def test_one_programme_is_never_these_1_programme(client, catalogue):
    html = client.get("/programmes/?tag=active-bystander").content.decode()
    assert "these 1 programme" not in html
    assert "Download or follow this programme" in html
    assert (
        "Download or follow these 3 programmes"
        in client.get("/programmes/?tag=wres").content.decode()
    )


def test_home_names_the_count_in_its_action_link(client, catalogue):
    html = client.get("/").content.decode()
    assert "Browse all 12 programmes" in text(html)


def test_draft_preview_with_dates_for_editors(editor_client, dated):
    dated.is_published = False
    dated.save()
    assert editor_client.get(dated.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("extra", [0, 150])
def test_a_page_with_dates_and_related_programmes_stays_within_six_queries(
    client, dated, make_programmes, django_assert_max_num_queries, extra
):
    make_programmes(extra)  # each shares the programme's audience and topics
    with django_assert_max_num_queries(6):
        html = page(client, dated)
    assert 'id="key-dates"' in html
    assert ("Related programmes" in html) == bool(extra)


def test_a_new_key_date_shows_on_a_cached_page_at_once(client, programme):
    assert "Key dates" not in page(client, programme)
    page(client, programme)  # now from the cache
    KeyDate.objects.create(programme=programme, label="Open day", starts_on=D(2099, 5, 5))
    assert "Open day" in page(client, programme)
    KeyDate.objects.filter(label="Open day").delete()
    assert "Open day" not in page(client, programme)


def test_acronyms_are_explained_on_first_use_from_the_vocabulary(client, catalogue):
    html = client.get("/programmes/edi-insights-analytics/").content.decode()
    lede = html[html.index('<p class="nhsuk-lede-text">') :]
    lede = lede[: lede.index("</p>")]
    # The summary's first WRES and WDES are explained; the next ones are not.
    assert "WRES (Workforce Race Equality Standard)" in lede
    assert "WDES (Workforce Disability Equality Standard)" in lede
    assert "EDI (equality diversity and inclusion)" in lede
    assert html.count("(Workforce Race Equality Standard)") == 1
    # Already spelt out before the acronym: left as it is.
    html = client.get("/programmes/wres-experts-programme/").content.decode()
    assert "Standard (WRES) (" not in html
    assert "WRES (Workforce Race Equality Standard)" not in html


def test_explaining_acronyms_changes_text_never_tags_or_link_text():
    from programmes.formatting import explain_acronyms

    meanings = {"GP": "general practitioner", "ICB": "integrated care board"}
    explained = set()
    html = '<p>Ask your <a href="https://example.org/GP">GP team</a> or GP.</p><p>GP and ICB</p>'
    out = explain_acronyms(html, meanings, explained)
    assert out == (
        '<p>Ask your <a href="https://example.org/GP">GP team</a> or GP (general practitioner).'
        "</p><p>GP and ICB (integrated care board)</p>"
    )
    assert explained == {"GP", "ICB"}
    # The meaning is escaped; an acronym already explained stays as it is.
    out = explain_acronyms("GP & ICB", {"GP": "<b>x</b>", "ICB": "y"}, {"ICB"})
    assert out == "GP (&lt;b&gt;x&lt;/b&gt;) & ICB"
