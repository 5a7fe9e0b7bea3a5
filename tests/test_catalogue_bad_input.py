"""Nothing a visitor can put in the catalogue's query string causes a server error."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PARAMS = [
    "q",
    "status",
    "kind",
    "audience",
    "tag",
    "partner",
    "sort",
    "page",
    "spelling",
    "unknown",
]
VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "wres",
            "in-action",
            "training",
            "brap",
            "0",
            "-1",
            "abc",
            "99999",
            "title",
            "relevance",
            "' OR 1=1 --",
            "%",
            "_",
            "\\",
            "NULL",
            "😀",
            "\u202e",
            "a" * 500,
            "exact",
            # Searches that take the finder's new paths: stems, hyphens, vocabulary,
            # corrections, partial matches, stop words and punctuation only.
            "the of and",
            "what is there",
            "?!.,;:-–—",
            "- - -",
            "co-design",
            "---co---",
            "leadrship",
            "BME staff car parking",
            "what training is there about racism for nurses",
            "ǅemal ﬁnance ß İstanbul",
            "اللغة العربية",
            "中文 搜索",
            "leadership " * 40,
        ]
    ),
    st.text(max_size=300),
    st.lists(
        st.sampled_from(["racism", "the", "lead", "co-", "data", "xyzzy", "é"]), max_size=60
    ).map(" ".join),
)


@pytest.mark.parametrize(
    "query",
    [
        "tag=nope&tag=wres",
        "tag=&tag=&status=",
        "q=" + "x" * 5000,
        "q=%00%01%02",
        "q=%27%3B+DROP+TABLE+programmes_programme%3B--",
        "q=%25%25%25&tag=%25",
        "page=0",
        "page=-1",
        "page=abc",
        "page=99999",
        "page=1e9",
        "page=" + "9" * 400,
        "sort=bogus&sort=title",
        "status=in-action&status=in-action",
        "q=%ED%A0%80",  # a lone surrogate, badly encoded
        "q=caf%C3%A9&tag=%F0%9F%98%80",
        "%=%&&&==",
        "q=" + "+".join(["word"] * 1000),  # 1,000 words
        "q=the+of+and+is",  # stop words only
        "q=%3F%21%2C%2E%3B",  # punctuation only
        "q=leadrship&spelling=exact",
        "q=leadrship&spelling=bogus",
        "q=-&spelling=exact",
        "q=%E2%80%8B%E2%80%8B",  # zero-width spaces
        "q=co--design--",
    ],
)
def test_malformed_query_strings_get_a_page(client, catalogue, query):
    response = client.get(f"/programmes/?{query}")
    assert response.status_code == 200


def test_unknown_values_are_ignored_with_a_visible_notice(client, catalogue):
    response = client.get("/programmes/?tag=no-such-topic&tag=wres&status=finished")
    html = response.content.decode()
    assert response.status_code == 200
    assert "We ignored the topic “no-such-topic”: no programme has it." in html
    assert "We ignored the stage “finished”: no programme has it." in html
    assert [p.title for p in response.context["page"].object_list][0] == "EDI Insights & Analytics"


def test_over_long_search_is_shortened_with_a_notice(client, catalogue):
    response = client.get("/programmes/", {"q": "bias " * 100})
    assert response.status_code == 200
    assert "longer than 200 characters" in response.content.decode()
    assert len(response.context["finder"].query) <= 200


@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(st.sampled_from(PARAMS), VALUES), max_size=8))
def test_generated_query_strings_never_give_a_server_error(client, catalogue, pairs):
    query = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in pairs)
    response = client.get(f"/programmes/?{query}")
    assert response.status_code < 500


@pytest.mark.parametrize("name", ["tag", "partner", "audience", "status", "kind", "sort", "q"])
def test_nul_bytes_in_any_parameter_are_harmless(client, catalogue, name):
    # PostgreSQL refuses NUL in text: found by the generated test on PostgreSQL.
    response = client.get(f"/programmes/?{name}=wr%00es")
    assert response.status_code == 200
