"""The editing interface meets WCAG 2.2 AA too (issue 21): axe-core finds no violation on
any admin page an editor uses, signed in with both steps, in a real Chromium.

Pages are listed from the admin's own registry, so a model added to the admin later is
checked without editing this file. Fixtures: tests/browser/conftest.py.
"""

import contextlib
import re

import pytest

from tests.browser.signing_in import code_for, sign_in

pytestmark = pytest.mark.browser

# A programme with partners, links, key dates and an old web address: every inline has rows.
FULL_PROGRAMME = "london-de-bias-recruitment-toolkit"


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def admin_pages(user):
    """Every admin page `user` may open: each model's list (searched, and filtered by its
    first filter's first choice), add form, and a record's change form and History."""
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    request = _request_for(user)
    pages = {"home": reverse("admin:index")}
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        shown = model_admin.has_module_permission(request)
        if not shown or not model_admin.has_view_or_change_permission(request):
            continue
        name = str(opts.verbose_name_plural)
        base = f"admin:{opts.app_label}_{opts.model_name}"
        changelist = reverse(f"{base}_changelist")
        pages[f"{name}: list"] = changelist
        if model_admin.get_search_fields(request):
            pages[f"{name}: list searched"] = f"{changelist}?q=e"
        if model_admin.has_add_permission(request):
            pages[f"{name}: add"] = reverse(f"{base}_add")
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is not None:
            pages[f"{name}: change"] = reverse(f"{base}_change", args=[first.pk])
            with contextlib.suppress(NoReverseMatch):
                pages[f"{name}: history"] = reverse(f"{base}_history", args=[first.pk])
    return pages


def _filtered(page, site):
    """The list's first filter choice (other than "All"), as an editor clicks it."""
    choice = page.locator("#changelist-filter li:not(.selected) a").first
    if not choice.count():
        return None
    choice.click()
    page.wait_for_load_state()
    return page.url


def _check_all(page, site, pages, axe_check):
    problems = []
    for name, path in pages.items():
        response = page.goto(site.url(path))
        if response.status != 200:
            problems.append(f"{name} ({path}): status {response.status}")
            continue
        for what in ("", " filtered"):
            if what and not (path.endswith("/") and "list" in name and _filtered(page, site)):
                continue
            try:
                axe_check(page)
            except AssertionError as failure:
                problems.append(f"{name}{what}: {failure}")
    return problems


@pytest.fixture
def editor_page(site, new_page, editor):
    page = new_page()
    sign_in(page, site, editor.username)
    assert page.url == site.url("/admin/"), page.locator("body").inner_text()[:500]
    return page


def test_sign_in_pages_have_no_axe_violations(site, new_page, editor, axe_check):
    page = new_page()
    code_for(editor.username)
    page.goto(site.url("/admin/login/?next=/admin/"))
    axe_check(page)
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    axe_check(page)  # with its error
    sign_in(page, site, editor.username)
    for path in ["/admin/two-factor/", "/admin/two-factor/recovery-codes/"]:
        page.goto(site.url(path))
        axe_check(page)
    page.get_by_role("button", name=re.compile("recovery codes", re.I)).first.click()
    page.wait_for_load_state()
    axe_check(page)  # the new codes, shown once


def test_no_axe_violations_on_any_admin_page_an_editor_uses(site, editor, editor_page, axe_check):
    problems = _check_all(editor_page, site, admin_pages(editor), axe_check)
    assert not problems, "\n\n".join(problems)


def test_the_admin_pages_checked_include_every_catalogue_model(site, editor):
    """The page list really covers the catalogue (else the test above would prove less)."""
    pages = admin_pages(editor)
    for expected in [
        "home",
        "programmes: list",
        "programmes: list searched",
        "programmes: add",
        "programmes: change",
        "programmes: history",
        "partners: add",
        "contacts: change",
        "audiences: list",
        "topics: change",
        "search vocabulary: change",
        "searches: list searched",
        "link checks: list searched",
        "emails sent: list",
        "subscribers per filter: list",
        "catalogue settings: change",
    ]:
        assert expected in pages, "\n".join(sorted(pages))


def _one_row_in_every_inline(programme):
    import datetime

    from programmes.models import KeyDate, Partner, ProgrammeLink, ProgrammePartner

    if not programme.partner_roles.exists():
        ProgrammePartner.objects.create(
            programme=programme, partner=Partner.objects.order_by("name").first(), role="delivery"
        )
    if not programme.links.exists():
        ProgrammeLink.objects.create(
            programme=programme, label="The toolkit", url="https://example.org/toolkit"
        )
    if not programme.key_dates.exists():
        KeyDate.objects.create(
            programme=programme,
            kind="event",
            label="Launch event",
            starts_on=datetime.date(2027, 3, 1),
        )


def test_programme_forms_with_every_inline_and_errors_have_no_axe_violations(
    site, editor_page, axe_check
):
    from programmes.models import Programme

    page = editor_page
    programme = Programme.objects.get(slug=FULL_PROGRAMME)
    programme.slug = f"{FULL_PROGRAMME}-renamed"
    programme.save()  # an old web address, so its inline shows a row
    _one_row_in_every_inline(programme)
    change = site.url(f"/admin/programmes/programme/{programme.pk}/change/")
    page.goto(change)
    for group in ["#partner_roles-group", "#links-group", "#key_dates-group", "#old_slugs-group"]:
        assert page.locator(f"{group} tr.form-row.has_original").count(), group
    axe_check(page)

    # "Add another" rows: each new row's controls are named for its place.
    for group in ["#partner_roles-group", "#links-group", "#key_dates-group"]:
        page.locator(f"{group} .add-row a").click()
    rows = page.locator("#partner_roles-group tr.form-row:not(.empty-form)")
    last = rows.count()
    assert rows.nth(last - 1).locator("select[name$=-role]").get_attribute("aria-label") == (
        f"Partner {last}: role"
    )
    assert page.get_by_role("combobox", name=f"Partner {last}: role").count() == 1
    axe_check(page)

    # A preview of a form with an error opens a page that says so.
    page.goto(change)
    page.get_by_label("Title").fill("")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name=re.compile("^Preview changes")).click()
    preview = opened.value
    preview.wait_for_load_state()
    assert "cannot be shown" in preview.locator("h1").inner_text()
    axe_check(preview)
    preview.close()

    # Validation errors, on the change form and on a new programme.
    page.goto(change)
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert page.locator(".errorlist").count()
    axe_check(page)

    page.goto(site.url("/admin/programmes/programme/add/"))
    axe_check(page)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert page.locator(".errorlist").count()
    axe_check(page)

    # History, one version's detail and revert page, and the preview's error page.
    page.goto(site.url(f"/admin/programmes/programme/{programme.pk}/history/"))
    axe_check(page)
    version = programme.history.order_by("history_date").first()
    page.goto(site.url(f"/admin/programmes/programme/{programme.pk}/history/{version.pk}/"))
    assert re.search(r"revert|restore", page.locator("body").inner_text(), re.I)
    axe_check(page)


def test_superuser_only_pages_have_no_axe_violations(site, new_page, editor, axe_check):
    """Accounts, subscribers, alerts and sign-in attempts: pages editors may not open."""
    from django.contrib.auth.models import User

    user = User.objects.create_superuser("sue", "sue@nhs.net", "a long passphrase 9")
    page = new_page()
    sign_in(page, site, user.username)
    editors = set(admin_pages(editor).values())
    pages = {k: v for k, v in admin_pages(user).items() if v.split("?")[0] not in editors}
    assert any("subscriber" in k for k in pages), sorted(pages)
    problems = _check_all(page, site, pages, axe_check)
    assert not problems, "\n\n".join(problems)


def test_the_admin_axe_check_can_fail(editor_page, site, axe_check):
    """An admin page made inaccessible must fail the check: a control with no name."""
    page = editor_page
    page.goto(site.url("/admin/programmes/programme/add/"))
    page.evaluate(
        "() => { const s = document.createElement('select');"
        " s.innerHTML = '<option>a</option>';"
        " document.querySelector('#content-main').append(s); }"
    )
    with pytest.raises(AssertionError, match="select-name"):
        axe_check(page)


def _records_on_every_report():
    """A row on each page that reports rather than edits: searches, link checks, emails
    sent, subscribers per filter (the fixtures leave them empty)."""
    import datetime

    from django.utils import timezone

    from alerts.models import Alert, Subscriber, Subscription
    from programmes.models import LinkCheck, Programme, SearchCount

    now = timezone.now()
    week = now.date() - datetime.timedelta(days=now.weekday())
    SearchCount.objects.create(week=week, query="mentoring nurses", searches=12, results=3)
    SearchCount.objects.create(week=week, query="mentroing", searches=2, results=0)
    LinkCheck.objects.create(
        url="https://example.org/gone",
        checked_at=now,
        status_code=404,
        broken=True,
        broken_since=now - datetime.timedelta(days=3),
    )
    programme = Programme.objects.published().order_by("pk").first()
    subscriber = Subscriber.objects.create(email="ada.lovelace@nhs.net")
    subscription = Subscription.objects.create(
        subscriber=subscriber, query="tag=leadership", confirmed_at=now
    )
    Subscription.objects.create(subscriber=subscriber, programme=programme, confirmed_at=now)
    Alert.objects.create(
        subscription=subscription,
        query=subscription.query,
        frequency="immediately",
        status=Alert.Status.SENT,
        sent_at=now,
        programmes=[programme.pk],
    )
    Alert.objects.create(
        subscription=subscription,
        query=subscription.query,
        frequency="immediately",
        status=Alert.Status.FAILED,
        failure="550 No such user",
        programmes=[programme.pk],
    )


def test_report_pages_with_records_have_no_axe_violations(site, editor, editor_page, axe_check):
    _records_on_every_report()
    reports = ("searches", "link checks", "emails sent", "subscribers per filter", "home")
    pages = {k: v for k, v in admin_pages(editor).items() if k.startswith(reports)}
    assert {"searches: change", "link checks: change", "emails sent: change"} <= set(pages)
    problems = _check_all(editor_page, site, pages, axe_check)
    assert not problems, "\n\n".join(problems)
