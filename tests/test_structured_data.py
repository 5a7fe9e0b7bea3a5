"""schema.org JSON-LD on programme pages, read as a structured-data checker reads it:
every block parses, uses only properties schema.org defines for its type, and has
what the type needs (a Course: name, description, provider; a CreativeWork: name, url)."""

import datetime
import json

import pytest

from programmes.models import Audience, Partner, Programme, ProgrammePartner
from tests.test_production_sharing import head_of

# The properties schema.org (https://schema.org/<Type>) defines for the types the
# catalogue uses, inherited ones included: a small table, enough for what we write.
THING = {"@context", "@type", "@id", "name", "description", "url", "sameAs", "identifier"}
CREATIVE_WORK = THING | {
    "about",
    "audience",
    "author",
    "contributor",
    "creativeWorkStatus",
    "dateCreated",
    "dateModified",
    "datePublished",
    "inLanguage",
    "isAccessibleForFree",
    "keywords",
    "provider",
    "publisher",
    "teaches",
    "timeRequired",
}
COURSE = CREATIVE_WORK | {
    "courseCode",
    "coursePrerequisites",
    "educationalCredentialAwarded",
    "hasCourseInstance",
}
ORGANIZATION = THING | {"email", "telephone", "logo", "parentOrganization"}
PROPERTIES = {
    "Course": COURSE,
    "CreativeWork": CREATIVE_WORK,
    "Organization": ORGANIZATION,
    "GovernmentOrganization": ORGANIZATION,
    "Audience": THING | {"audienceType", "geographicArea"},
}
# What each type needs here (Google's Course rich result asks the same of a Course).
REQUIRED = {
    "Course": {"name", "description", "provider"},
    "CreativeWork": {"name", "url"},
    "Organization": {"name"},
    "GovernmentOrganization": {"name"},
    "Audience": {"audienceType"},
}
# The types schema.org expects as values of the properties that hold nodes.
RANGES = {
    "provider": {"Organization", "GovernmentOrganization", "Person"},
    "publisher": {"Organization", "GovernmentOrganization", "Person"},
    "contributor": {"Organization", "GovernmentOrganization", "Person"},
    "audience": {"Audience"},
}
DATES = {"dateCreated": datetime.date, "dateModified": datetime.datetime}


def problems(node, path="$"):
    """What is wrong with a JSON-LD node and the nodes it holds, by the table above."""
    kind = node.get("@type")
    if kind not in PROPERTIES:
        return [f"{path}: unknown @type {kind!r}"]
    found = [f"{path}: {kind} has no {name}" for name in sorted(set(node) - PROPERTIES[kind])]
    found += [
        f"{path}: {kind} needs {name}"
        for name in sorted(REQUIRED[kind])
        if not node.get(name) or (isinstance(node[name], str) and not node[name].strip())
    ]
    for name, value in node.items():
        values = value if isinstance(value, list) else [value]
        if name in RANGES:
            for i, child in enumerate(values):
                if not isinstance(child, dict) or child.get("@type") not in RANGES[name]:
                    found.append(f"{path}.{name}[{i}]: not one of {sorted(RANGES[name])}")
                else:
                    found += problems(child, f"{path}.{name}[{i}]")
        elif name in DATES:
            parsed = DATES[name].fromisoformat(value)
            if name == "dateModified" and parsed.tzinfo is None:
                found.append(f"{path}.{name}: no time zone")
        elif name in {"url", "@id"} and not value.startswith(("https://", "http://")):
            found.append(f"{path}.{name}: not an absolute address")
        elif not name.startswith("@") and not (isinstance(value, str) and value.strip()):
            found.append(f"{path}.{name}: not text")
    return found


def json_ld_blocks(client, programme):
    response = client.get(programme.get_absolute_url(), secure=True)
    assert response.status_code == 200
    return [json.loads(block) for block in head_of(response).json_ld]


def checked(client, programme):
    [data] = json_ld_blocks(client, programme)
    assert data["@context"] == "https://schema.org"
    assert not problems(data), problems(data)
    return data


def test_the_check_can_fail():
    assert problems({"@type": "Course", "name": "x", "creativeWorkStatus": "x"}) == [
        "$: Course needs description",
        "$: Course needs provider",
    ]
    assert problems({"@type": "CreativeWork", "name": "x", "url": "/x", "price": "1"}) == [
        "$: CreativeWork has no price",
        "$.url: not an absolute address",
    ]
    assert problems(
        {"@type": "CreativeWork", "name": "x", "url": "https://a.org/", "audience": "staff"}
    ) == ["$.audience[0]: not one of ['Audience']"]
    assert problems({"@type": "Event"}) == ["$: unknown @type 'Event'"]


def test_every_documented_programme_has_one_valid_block(client, catalogue):
    kinds = set()
    for programme in Programme.objects.published():
        data = checked(client, programme)
        kinds.add(data["@type"])
        assert data["name"] == programme.title
        assert data["url"] == f"https://testserver{programme.get_absolute_url()}"
    assert kinds == {"Course", "CreativeWork"}


@pytest.mark.parametrize("kind", list(Programme.Kind))
def test_every_format_with_every_optional_field_filled(client, programme, kind):
    programme.kind = kind
    programme.save()
    data = checked(client, programme)
    assert data["@type"] == ("Course" if kind == Programme.Kind.TRAINING else "CreativeWork")
    for name in ("dateCreated", "audience", "contributor", "keywords", "provider"):
        assert name in data, name


@pytest.mark.parametrize("kind", [Programme.Kind.TRAINING, Programme.Kind.TOOLKIT])
def test_with_every_optional_field_empty(client, db, kind):
    bare = Programme.objects.create(
        title="Bare programme", summary="Only a summary.", kind=kind, is_published=True
    )
    data = checked(client, bare)
    for name in ("dateCreated", "audience", "contributor", "keywords"):
        assert name not in data, name


def test_a_partner_with_its_own_website_and_a_stored_script(client, programme):
    payload = '</script><script>alert(1)</script><img src=x onerror="alert(2)">'
    programme.title = payload
    programme.summary = payload
    programme.save()
    programme.tags.add(payload)
    programme.audiences.add(Audience.objects.create(name=payload, slug="payload"))
    web = Partner.objects.create(name=payload, slug="web", website="https://partner.example/")
    ProgrammePartner.objects.create(programme=programme, partner=web)
    data = checked(client, programme)
    assert data["name"] == data["description"] == payload
    assert {"@type": "Audience", "audienceType": payload} in data["audience"]
    assert {"@type": "Organization", "name": payload, "url": "https://partner.example/"} in data[
        "contributor"
    ]
