"""Whatever a client puts in the query string, the feed and the downloads answer with
documents their readers accept: a well-formed Atom feed, JSON that follows its
schema, a CSV with its header row. Never a 500."""

import csv
import io
import json
from urllib.parse import quote

import feedparser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programmes.exports import CSV_COLUMNS
from tests.test_catalogue_bad_input import PARAMS, VALUES
from tests.test_exports import valid

OUTPUT_PARAMS = [*PARAMS, "availability"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(st.sampled_from(OUTPUT_PARAMS), VALUES), max_size=6))
def test_generated_query_strings_give_valid_documents(client, catalogue, pairs):
    query = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in pairs)

    feed = client.get(f"/programmes/feed/?{query}")
    assert feed.status_code == 200, query
    parsed = feedparser.parse(feed.content)
    assert not parsed.bozo, (query, parsed.get("bozo_exception"))

    data = client.get(f"/programmes/export.json?{query}")
    assert data.status_code == 200, query
    valid(json.loads(data.content))

    table = client.get(f"/programmes/export.csv?{query}")
    assert table.status_code == 200, query
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8").removeprefix("\ufeff"))))
    assert rows[0] == [name for name, _ in CSV_COLUMNS]
    assert len(rows) - 1 == json.loads(data.content)["count"]
