"""Nothing typed into the admin's sign-in, addresses or filters gives a server error,
on SQLite and on PostgreSQL (run under scripts/with-postgres for the latter)."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

LOGIN = "/admin/login/?next=/admin/"
HUGE = "9" * 20  # beyond any database integer
MODELS = [
    "programmes/programme",
    "programmes/partner",
    "programmes/contact",
    "programmes/audience",
    "taggit/tag",
]


def test_a_very_long_username_is_simply_a_failed_sign_in(client, editor):
    response = client.post(LOGIN, {"username": "x" * 300, "password": "whatever"})
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()
    # ...and the right account still signs in.
    response = client.post(LOGIN, {"username": "edna", "password": "a long passphrase 9"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "path",
    [
        "/admin/programmes/programme/?q=wr%00es",
        "/admin/programmes/programme/?status=in%00action",
        "/admin/programmes/programme/?is_published__exact=%00",
        "/admin/programmes/partner/?kind=%00",
        "/admin/programmes/programme/?o=%00",
        "/admin/autocomplete/?app_label=programmes&model_name=programme&field_name=contacts&term=a%00b",
        "/admin/autocomplete/?app_label=programmes&model_name=programme&field_name=tags&term=%00",
        "/admin/autocomplete/?app_label=programmes&model_name=programme&field_name=replaced_by&term=x%00",
        "/admin/autocomplete/?app_label=programmes%00&model_name=programme&field_name=contacts&term=a",
    ],
)
def test_nul_bytes_in_the_admin_are_refused_not_a_server_error(editor_client, programme, path):
    response = editor_client.get(path)
    assert response.status_code in (400, 404)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(
    "suffix",
    [f"{HUGE}/change/", f"{HUGE}/history/", f"1/history/{HUGE}/", f"{HUGE}/history/1/"],
)
def test_an_out_of_range_id_in_an_admin_address_is_404(editor_client, programme, model, suffix):
    response = editor_client.get(f"/admin/{model}/{suffix}")
    assert response.status_code == 404


def test_an_out_of_range_id_in_a_list_filter_is_not_a_server_error(editor_client, programme):
    for query in [f"id__exact={HUGE}", f"replaced_by__id__exact={HUGE}", f"p={HUGE}"]:
        response = editor_client.get(f"/admin/programmes/programme/?{query}")
        assert response.status_code < 500, query


@pytest.mark.parametrize("field", ["replaced_by", "contacts", "audiences", "tags"])
def test_an_out_of_range_id_posted_in_a_form_saves_nothing(editor_client, programme, field):
    from tests.adminform import admin_form_data

    url = f"/admin/programmes/programme/{programme.pk}/change/"
    data = admin_form_data(editor_client.get(url), summary="Changed.", **{field: [HUGE]})
    response = editor_client.post(url, data)
    assert response.status_code in (200, 400)  # a form error, or refused outright
    programme.refresh_from_db()
    assert programme.summary != "Changed."


PATHS = st.sampled_from(
    [
        "/admin/{model}/",
        "/admin/{model}/{id}/change/",
        "/admin/{model}/{id}/history/",
        "/admin/{model}/{id}/history/{id}/",
        "/admin/{model}/add/",
        "/admin/autocomplete/",
    ]
)
PARAMS = st.sampled_from(
    [
        "q",
        "o",
        "p",
        "status",
        "kind",
        "is_published__exact",
        "review",
        "updated_at__gte",
        "last_reviewed_on__lt",
        "id__exact",
        "app_label",
        "model_name",
        "field_name",
        "term",
        "compare",
        "_changelist_filters",
        "e",
    ]
)
VALUES = st.one_of(
    st.sampled_from(
        ["", "1", "0", "-1", HUGE, "programmes", "programme", "contacts", "tags", "%", "\x00", "😀"]
    ),
    st.text(max_size=40),
)
IDS = st.one_of(st.sampled_from(["1", "0", HUGE, "abc", "-1", "1.5", "%00"]), st.text(max_size=25))


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.sampled_from(MODELS),
    PATHS,
    IDS,
    st.lists(st.tuples(PARAMS, VALUES), max_size=5),
)
def test_generated_admin_addresses_never_give_a_server_error(
    editor_client, programme, model, path, object_id, pairs
):
    url = path.format(model=model, id=quote(object_id, safe=""))
    query = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in pairs)
    response = editor_client.get(f"{url}?{query}")
    assert response.status_code < 500, (url, query)
