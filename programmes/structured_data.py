"""schema.org descriptions of programme pages (JSON-LD), for search engines and link previews.

Training is a `Course` (schema.org's type for teaching that has a provider);
everything else (toolkits, guidance, funding, projects) is a `CreativeWork`.
Either way the provider is NHS England London, whose Equality and Inclusion
team runs the strategy.
"""

from .absolute_urls import absolute_url
from .models import Programme

PROVIDER = {
    "@type": "GovernmentOrganization",
    "name": "NHS England London",
    "url": "https://www.england.nhs.uk/london/",
}


def programme_data(programme, request):
    url = absolute_url(programme.get_absolute_url(), request)
    data = {
        "@context": "https://schema.org",
        "@type": "Course" if programme.kind == Programme.Kind.TRAINING else "CreativeWork",
        "@id": url,
        "url": url,
        "name": programme.title,
        "description": programme.summary,
        "inLanguage": "en-GB",
        "provider": PROVIDER,
        "dateModified": programme.updated_at.isoformat(),
        "creativeWorkStatus": programme.get_status_display(),
    }
    if programme.kind != Programme.Kind.TRAINING:
        # CreativeWork has no "provider" in every consumer's eyes: say who publishes it too.
        data["publisher"] = PROVIDER
    if programme.launched_on:
        data["dateCreated"] = programme.launched_on.isoformat()
    audiences = [a.name for a in programme.audiences_and_topics.audiences]
    if audiences:
        data["audience"] = [{"@type": "Audience", "audienceType": a} for a in audiences]
    partners = programme.audiences_and_topics.partners
    if partners:
        data["contributor"] = [
            {
                "@type": "Organization",
                "name": p.name,
                "url": p.website or absolute_url(p.get_absolute_url(), request),
            }
            for p in partners
        ]
    keywords = [t.name for t in programme.audiences_and_topics.topics]  # A to Z
    if keywords:
        data["keywords"] = ", ".join(keywords)
    return data
