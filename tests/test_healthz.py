"""/healthz: what load balancers ask. (A dead database is tested on a real server in
test_production_server.py: there the database is really gone, not mocked.)"""

import pytest


def test_healthz_is_200_and_short_when_the_database_answers(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain"
    assert not response.cookies


def test_healthz_is_never_cached(client, db):
    response = client.get("/healthz")
    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert "ETag" not in response


def test_healthz_answers_head(client, db):
    response = client.head("/healthz")
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_healthz_takes_no_writes(client, db, method):
    assert getattr(client, method)("/healthz").status_code in {403, 405}
