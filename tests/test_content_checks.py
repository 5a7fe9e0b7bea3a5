"""Content checks in NHS style (programmes/content_checks.py): warnings after a save,
never a refusal."""

import pytest

from programmes.content_checks import check_programme, reading_age, syllables
from programmes.models import Programme, VocabularyGroup
from tests.adminform import admin_form_data

MEANINGS = {"WRES": "Workforce Race Equality Standard"}
PLAIN = "Line managers learn to spot unfair choices when they hire staff. It takes an hour."


def _programme(**fields):
    fields = {"title": "A programme", "summary": PLAIN, **fields}
    return Programme(**fields)


def _warnings(links=(), **fields):
    return check_programme(_programme(**fields), MEANINGS, links)


def test_plain_text_raises_nothing():
    assert _warnings() == []


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("cat", 1),
        ("make", 1),
        ("table", 2),
        ("helped", 1),
        ("wanted", 2),
        ("leadership", 3),
        ("organisational", 6),
        ("every", 3),
        ("inclusive", 3),
        ("changes", 2),
    ],
)
def test_syllables(word, count):
    assert syllables(word) == count


def test_reading_age():
    assert reading_age(PLAIN) <= 11
    hard = (
        "Organisational transformation necessitates comprehensive multidisciplinary "
        "collaboration, facilitating sustainable improvements in workforce representation."
    )
    assert reading_age(hard) > 18
    assert reading_age("Too short to say.") is None


def test_a_summary_at_a_university_reading_level():
    summary = (
        "This programme facilitates organisational development by operationalising "
        "evidence-based interventions. Participants consolidate transferable competencies."
    )
    (warning,) = [w for w in _warnings(summary=summary) if "reads at about age" in w]
    assert warning.startswith("The summary reads at about age ")
    assert "reading age of 9 to 11" in warning


def test_the_body_reading_age_ignores_link_addresses_and_list_marks():
    body = "- [Read the guide](https://example.org/a-very-long-address/with/many/parts)\n" * 3
    body += "\n".join(PLAIN for _ in range(3))
    assert not [w for w in _warnings(body=body) if "reads at" in w]


def test_acronyms_without_explanation():
    warnings = _warnings(summary="The WRES data shows gaps. The ICB team helps.")
    assert (
        "“WRES” in the summary is not explained: write “Workforce Race Equality Standard (WRES)” "
        "the first time." in warnings
    )
    assert any(
        w.startswith("“ICB” in the summary is not explained: write what it stands for")
        for w in warnings
    )
    # Explained in the text, either way round, or known to every member of staff: fine.
    for summary in [
        "The Workforce Race Equality Standard (WRES) data shows gaps.",
        "The WRES (Workforce Race Equality Standard) data shows gaps.",
        "The NHS in London and the UK.",
    ]:
        assert not [w for w in _warnings(summary=summary) if "explained" in w], summary
    # Explained in the summary, used again in the body: fine.
    assert not [
        w
        for w in _warnings(
            summary="The Workforce Race Equality Standard (WRES) helps.", body="WRES data."
        )
        if "explained" in w
    ]


def test_ampersands_in_running_text_but_not_a_and_e():
    assert "The summary uses “&”: write “and”." in _warnings(summary="Training & support.")
    assert "The title uses “&”: write “and”." in _warnings(title="Insights & Analytics")
    assert not [w for w in _warnings(summary="Staff in A&E and R&D teams.") if "write “and”" in w]


@pytest.mark.parametrize("text", ["click here", "Click here.", "here", "Read more", "this link"])
def test_vague_link_text(text):
    warnings = _warnings(body=f"To apply [{text}](https://example.org/apply).")
    assert any("does not say where it goes" in w for w in warnings), warnings
    warnings = _warnings(links=[(text, "https://example.org/")])
    assert f"The link “{text}” does not say where it goes" in " ".join(warnings)
    assert any("call to action" in w for w in _warnings(cta_label=text, cta_url="https://x.org"))


def test_bare_web_addresses():
    warnings = _warnings(body="See https://example.org/toolkit for more.")
    assert any("The body has a bare web address" in w for w in warnings)
    warnings = _warnings(links=[("https://example.org/toolkit", "https://example.org/toolkit")])
    assert any("is a web address: say where it goes" in w for w in warnings)
    assert not _warnings(body="See [the toolkit](https://example.org/toolkit).")


def test_long_sentences():
    long = " ".join(["word"] * 26) + "."
    (warning,) = [w for w in _warnings(body=long) if "sentence" in w]
    assert warning == (
        "A sentence in the body has 26 words (“word word word word word word word word…”): "
        "aim for 25 at most, splitting it in two."
    )
    assert not [w for w in _warnings(body=" ".join(["word"] * 25) + ".") if "sentence" in w]
    # List items are sentences of their own.
    assert not [
        w
        for w in _warnings(body="\n".join(["- " + " ".join(["word"] * 10)] * 5))
        if "sentence" in w
    ]


def test_long_summaries():
    summary = ("Staff learn. " * 23).strip()  # 298 characters
    assert not [w for w in _warnings(summary=summary) if "characters" in w]
    summary = ("Staff learn. " * 24).strip()  # 311
    assert (
        f"The summary has {len(summary)} characters: keep it to 300 or fewer, and put more "
        "detail in the body." in _warnings(summary=summary)
    )


def test_warnings_show_after_a_save_and_never_stop_it(editor_client, programme):
    VocabularyGroup.objects.create(terms="WRES, Workforce Race Equality Standard")
    url = f"/admin/programmes/programme/{programme.pk}/change/"
    page = editor_client.get(url)
    response = editor_client.post(
        url,
        admin_form_data(page, summary="WRES training & support: click https://example.org now."),
        follow=True,
    )
    assert response.status_code == 200
    programme.refresh_from_db()
    assert programme.summary.startswith("WRES training")  # saved
    shown = [str(m) for m in response.context["messages"]]
    assert "Content check: The summary uses “&”: write “and”." in shown
    assert (
        "Content check: “WRES” in the summary is not explained: write “Workforce Race Equality "
        "Standard (WRES)” the first time." in shown
    )
    assert any("bare web address" in m for m in shown)
    # The form shows the saved version's checks too.
    form = editor_client.get(url).content.decode()
    assert "The summary uses “&amp;”: write “and”." in form or "The summary uses “&”" in form


def test_the_form_shows_broken_links(editor_client, programme):
    from django.utils import timezone

    from programmes.models import LinkCheck

    LinkCheck.objects.create(
        url="https://example.org/register",
        checked_at=timezone.now(),
        status_code=404,
        broken=True,
        broken_since=timezone.now(),
    )
    form = editor_client.get(f"/admin/programmes/programme/{programme.pk}/change/")
    html = form.content.decode()
    assert "https://example.org/register: Not found (404) (since" in html
