"""The catalogue's records: programmes, the partners who deliver them, contacts.

Everything the public may see goes through `Programme.objects.published()`.
"""

import datetime
import re
from typing import NamedTuple
from urllib.parse import quote

import simple_history
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from . import taking_part
from .collation import a_to_z
from .revisions import ChildRowsInRevision
from .taking_part import (
    Availability,
    KeyDateKind,
    add_months,
    clock_time,
    london_today,
    long_date,
)

# How long a page stays "reviewed" unless the EDI team sets another interval
# (CatalogueSettings): the admin's "Needs review" filter and home page, and the
# page's "Next review due", all count from the last review.
REVIEW_INTERVAL_MONTHS = 6


# --- Catalogue records ----------------------------------------------------------
# Public pages are cached, and the finder indexes the catalogue, under the catalogue's
# version (programmes/cache.py): every change to what they show must make a new one.


class CatalogueQuerySet(models.QuerySet):
    """The default queryset of every catalogue record. Django sends no signal for
    changes made in bulk (update(), bulk_create(), and bulk_update(), which runs
    update()), so they make a new catalogue version here, in their transaction.
    delete() needs nothing: it sends post_delete for each row while a receiver
    listens, as one does for every catalogue record."""

    def update(self, **kwargs):
        from .cache import catalogue_changed  # cache.py imports this module

        with transaction.atomic(using=self.db, savepoint=False):
            rows = super().update(**kwargs)
            if rows:
                catalogue_changed()
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        from .cache import catalogue_changed

        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            if created:
                catalogue_changed()
        return created


class CatalogueRecord(models.Model):
    """A model whose rows public pages show, or that changes what they show.

    Subclassing it is all a new model has to do: apps.py connects the save and
    delete signals of every CatalogueRecord (and the many-to-many relations they
    declare) to a new catalogue version, and their default manager makes one for
    changes in bulk. tests/test_catalogue_records.py fails for a model of the
    project that is neither a catalogue record nor declared as never shown."""

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                value = getattr(self, field.attname)
                if isinstance(value, str) and PASTED_CONTROLS.search(value):
                    one_line = not isinstance(field, models.TextField)
                    setattr(self, field.attname, without_controls(value, one_line=one_line))
        super().save(*args, **kwargs)


# Text pasted from a word processor brings control characters: a vertical tab is
# Word's line break and a form feed its page break. They show as boxes in the
# booklet and XML cannot carry them, so a save keeps them as line breaks (spaces in
# a one-line field) and drops the other control characters, which mean nothing.
PASTED_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MEANINGLESS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def without_controls(text, *, one_line):
    text = re.sub(r"[\x0b\x0c]", " " if one_line else "\n", text)
    return _MEANINGLESS.sub("", text)


# Catalogue records of other apps, which cannot subclass CatalogueRecord: taggit's
# topics. Their saves and deletes are connected like ours; a change in bulk to tags
# (Tag.objects...update()) must call programmes.cache.catalogue_changed() itself.
CATALOGUE_RECORDS_ELSEWHERE = (Tag,)


def catalogue_models():
    """(models, relation tables): every catalogue record's model, and the tables
    Django makes for their many-to-many relations, changed only through the
    relation's manager, which sends m2m_changed."""
    from django.apps import apps

    records = [m for m in apps.get_models() if issubclass(m, CatalogueRecord)]
    records += CATALOGUE_RECORDS_ELSEWHERE
    relations = [
        field.remote_field.through
        for model in records
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    return records, relations


class Audience(CatalogueRecord):
    """A group of staff a programme is for, e.g. line managers."""

    name = models.CharField(
        max_length=100, unique=True, help_text="Who it is for, e.g. “Line managers”."
    )
    slug = models.SlugField(
        "web address",
        max_length=100,
        unique=True,
        help_text="Used in filter links. Filled in from the name.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PartnerQuerySet(CatalogueQuerySet):
    def public(self):
        """Partners the public may see: those of at least one published programme."""
        # A subquery, not a join: it composes with the counts the views annotate.
        return self.filter(
            pk__in=ProgrammePartner.objects.filter(published_rule("programme")).values("partner")
        )


class Partner(CatalogueRecord):
    """An organisation or team that works with the LWRS team on a programme."""

    class Kind(models.TextChoices):
        NHS_ORGANISATION = "nhs-organisation", "NHS organisation or team"
        CHARITY = "charity", "Charity"
        COMPANY = "company", "Company"
        LOCAL_GOVERNMENT = "local-government", "Local government"

    name = models.CharField(
        max_length=200, help_text="The organisation’s full name, as it writes it."
    )
    slug = models.SlugField(
        "web address",
        max_length=200,
        unique=True,
        help_text="The end of the partner’s web address. Filled in from the name.",
    )
    kind = models.CharField(
        "kind of organisation",
        max_length=30,
        choices=Kind.choices,
        default=Kind.NHS_ORGANISATION,
        help_text="What sort of organisation it is. Shown on its page and in the partner list.",
    )
    website = models.URLField(blank=True, help_text="The partner’s own website, starting https://")
    description = models.TextField(blank=True, help_text="One or two sentences on who they are.")

    objects = PartnerQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="partner_name_unique_ignoring_case"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programmes:partner_detail", args=[self.slug])


class Contact(CatalogueRecord):
    """A person or team mailbox. One row is shared by every programme it answers for."""

    name = models.CharField(
        max_length=200, help_text="A person’s name or a team, e.g. “LWRS team”."
    )
    email = models.EmailField(blank=True, help_text="An email address staff can write to.")
    phone = models.CharField(
        max_length=40, blank=True, help_text="Optional. A phone number, with area code."
    )
    url = models.URLField(
        "web page", blank=True, help_text="Optional. A page with contact details."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="contact_email_unique_ignoring_case",
            ),
            models.CheckConstraint(
                condition=~models.Q(email="", phone="", url=""),
                name="contact_has_a_way_to_reach_them",
            ),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.email else self.name


# Addresses under /programmes/ that are pages of their own, not programmes.
RESERVED_SLUGS = frozenset({"feed"})


class Label(NamedTuple):
    """An audience or topic of a programme, as its page links to it."""

    slug: str
    name: str


class PartnerLabel(NamedTuple):
    """A partner of a programme, with its role, as the programme page shows it."""

    slug: str
    name: str
    role: str
    website: str

    @property
    def role_display(self):
        return ProgrammePartner.Role(self.role).label

    def get_absolute_url(self):
        return reverse("programmes:partner_detail", args=[self.slug])


class AudiencesAndTopics(NamedTuple):
    audiences: list
    topics: list
    partners: list
    # The search vocabulary's groups (term lists): the page explains acronyms from
    # them. Read in the same query, since the page has a budget of six.
    vocabulary: list


class ContactsAndLinks(NamedTuple):
    contacts: list
    links: list


class ContactRow(NamedTuple):
    name: str
    email: str
    phone: str
    url: str


class LinkRow(NamedTuple):
    label: str
    url: str


class CallToAction(NamedTuple):
    label: str
    url: str
    is_email: bool


CTA_SCHEMES = ("https://", "http://", "mailto:")
EMAIL_ADDRESS = re.compile(r"^[^@\s/?:]+@[^@\s/?]+\.[^@\s/?]+$")


def validate_call_to_action_link(value):
    """A web page (https:// or http://) or an email address (mailto:), nothing else:
    not javascript:, not a file, not a relative address."""
    lowered = value.lower()
    if not lowered.startswith(CTA_SCHEMES):
        raise ValidationError(
            "Start the link with https:// for a web page, or mailto: for an email address "
            "(for example mailto:London.RaceStrategy@nhs.net).",
            code="scheme",
        )
    if lowered.startswith("mailto:"):
        address = value[len("mailto:") :].split("?", 1)[0]
        if not EMAIL_ADDRESS.match(address):
            raise ValidationError(
                "After mailto: put one email address, like mailto:name@nhs.net.", code="mailto"
            )
    elif any(c.isspace() for c in value) or "." not in value.split("//", 1)[1].split("/", 1)[0]:
        raise ValidationError(
            "Enter a full web address with no spaces, for example https://www.england.nhs.uk/",
            code="url",
        )


def validate_has_words(value):
    """Text must say something: "£" or "-" alone tells nobody anything."""
    if value and not any(c.isalnum() for c in value):
        raise ValidationError(
            "Use words or numbers, for example “Free” or “£250 per person”. "
            "Leave it empty if you do not know.",
            code="no_words",
        )


def published_rule(via=""):
    """The rule for what the public may see, as a Q object: on Programme itself, or
    from another model through the relation `via` to programmes ("programme",
    "programmes", "content_object"). `published()` is this rule; a query that reaches
    programmes from another table uses it rather than a copy of it."""
    lookup = f"{via}__is_published" if via else "is_published"
    return models.Q(**{lookup: True})


class ProgrammeQuerySet(CatalogueQuerySet):
    def published(self):
        """What the public may see. Every public view, feed and sitemap starts here."""
        return self.filter(published_rule())

    def needs_review(self, today=None, months=None):
        """Entries nobody has confirmed as still right for the team's review interval
        (due today or overdue): never reviewed, or last reviewed on or before the day
        that many months ago."""
        today = today or london_today()
        cutoff = add_months(today, -(months or review_interval_months()))
        return self.filter(
            models.Q(last_reviewed_on__isnull=True) | models.Q(last_reviewed_on__lte=cutoff)
        )

    def with_review_interval(self):
        """Each row carries the team's review interval, read in the same query (the
        programme page's query budget has no room for another)."""
        return self.annotate(
            review_interval=models.Subquery(
                CatalogueSettings.objects.filter(pk=1).values("review_interval_months")[:1]
            )
        )


# A programme's choices, named at module level so that its Meta's constraints can
# use them (a nested class cannot see the names of the class around it); the
# programme offers them as Programme.Status, Programme.Precision, Programme.Delivery.
class ProgrammeStatus(models.TextChoices):
    # The seed's own words: programmes "in action" or "being developed".
    IN_ACTION = "in-action", "In action"
    BEING_DEVELOPED = "being-developed", "Being developed"
    ENDED = "ended", "Ended"


class LaunchPrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class Delivery(models.TextChoices):
    ONLINE = "online", "Online"
    IN_PERSON = "in-person", "In person"
    BLENDED = "blended", "Blended: online and in person"
    SELF_DIRECTED = "self-directed", "Self-directed: at your own pace"


class Programme(CatalogueRecord):
    """A programme or initiative of the London Workforce Race Strategy."""

    Status = ProgrammeStatus

    class Kind(models.TextChoices):
        TRAINING = "training", "Training"
        TOOLKIT = "toolkit", "Toolkit"
        GUIDANCE = "guidance", "Guidance"
        FUNDING = "funding", "Funding"
        STRATEGY = "strategy", "Strategy"
        PROJECT = "project", "Project"
        DATA = "data", "Data and insight"
        EVALUATION = "evaluation", "Evaluation"

    Precision = LaunchPrecision
    Delivery = Delivery
    Availability = Availability

    title = models.CharField(max_length=200, help_text="The programme’s name, as staff know it.")
    slug = models.SlugField(
        "web address",
        max_length=200,
        unique=True,
        help_text=(
            "The end of the page’s web address: lower-case letters, numbers and hyphens. "
            "Filled in from the title. Trusts link to it: if you change it, the old address "
            "keeps working and sends visitors here."
        ),
    )
    summary = models.TextField(
        help_text="One paragraph: what it is and who it is for. Shown on the catalogue card."
    )
    body = models.TextField(
        blank=True,
        help_text=(
            "Optional. More detail: how to take part, what people get. Markdown: blank line between "
            "paragraphs, “- ” for a list item, [link text](https://…) for a link."
        ),
    )
    search_keywords = models.TextField(
        blank=True,
        help_text=(
            "Optional. Words staff might search for that do not belong in the text, separated "
            "by commas, e.g. “shortlisting, interview panels”. Not shown on the page. Words "
            "that mean the same everywhere belong in the search vocabulary instead."
        ),
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.IN_ACTION,
        help_text="“In action”: running now. “Being developed”: not ready to join yet. "
        "“Ended”: stopped; its page stays, saying where to go instead.",
    )
    kind = models.CharField(
        "format",
        max_length=20,
        choices=Kind.choices,
        default=Kind.TRAINING,
        help_text="What sort of thing it is. Staff filter the catalogue by it.",
    )
    audiences = models.ManyToManyField(
        Audience, blank=True, related_name="programmes", help_text="Who it is for."
    )
    launched_on = models.DateField(
        "launch date",
        null=True,
        blank=True,
        help_text="When it started. If you only know the month, use its first day and choose “Month” below.",
    )
    launch_precision = models.CharField(
        "launch date known to the",
        max_length=5,
        choices=Precision.choices,
        default=Precision.MONTH,
        help_text="How much of the launch date is known: shown as “July 2021” for Month, “2021” for Year.",
    )
    partners = models.ManyToManyField(
        Partner,
        through="ProgrammePartner",
        blank=True,
        related_name="programmes",
        help_text="Organisations it works with, and how.",
    )
    contacts = models.ManyToManyField(
        Contact, blank=True, related_name="programmes", help_text="Who staff should contact."
    )
    tags = TaggableManager(
        "topics",
        through="TaggedProgramme",
        blank=True,
        help_text="Topics staff might look for, e.g. WRES, recruitment, leadership. Separate with commas.",
    )
    # django-simple-history does not follow taggit's tags (django-taggit issue
    # 918), so a copy of the tag names is kept here for history and revert.
    # The admin form sets it from the tags chosen (never typed by hand); it is
    # "editable" only so that the history page lists its changes.
    tag_snapshot = models.TextField(
        "topics", blank=True, help_text="Set from the topics chosen, for the edit history."
    )
    is_published = models.BooleanField(
        "published",
        default=False,
        help_text="Untick to keep it as a draft: only editors can see drafts.",
    )
    ended_notice = models.TextField(
        "where to go instead",
        blank=True,
        help_text="When the programme has ended: what staff should do or use instead.",
    )
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        help_text="When it has ended: the programme that takes its place, if any.",
    )
    created_at = models.DateTimeField(
        "added", auto_now_add=True, help_text="When it was added to the catalogue."
    )
    updated_at = models.DateTimeField(
        "last updated", auto_now=True, help_text="When anyone last saved a change."
    )
    last_reviewed_on = models.DateField(
        "last reviewed",
        null=True,
        blank=True,
        help_text="The day someone last checked that this entry is still right.",
    )

    # Taking part. Each is optional: the page shows only what is filled in, and
    # falls back to "Ask the LWRS team" by email. Fill in only what is known.
    who_can_take_part = models.TextField(
        "who can take part",
        blank=True,
        validators=[validate_has_words],
        help_text="In a sentence, who can join, e.g. “Line managers and supervisors in London "
        "NHS trusts.” Leave empty if you do not know.",
    )
    how_to_take_part = models.TextField(
        "how to take part",
        blank=True,
        validators=[validate_has_words],
        help_text="What someone does to join, in a sentence or two, e.g. “Email the LWRS team "
        "with your name, role and organisation.”",
    )
    cta_label = models.CharField(
        "call to action",
        max_length=80,
        blank=True,
        validators=[validate_has_words],
        help_text="The words of the button under the summary, saying what happens, e.g. "
        "“Start the online training”, “Apply by 31 January”, “Register your interest by "
        "email”. Leave both this and the link empty to show “Ask the LWRS team”.",
    )
    cta_url = models.CharField(
        "call to action link",
        max_length=500,
        blank=True,
        validators=[validate_call_to_action_link],
        help_text="Where the button goes: a web page starting https://, or an email address "
        "starting mailto:. An email gets a subject naming the programme.",
    )
    availability = models.CharField(
        "availability",
        max_length=20,
        blank=True,
        choices=Availability.choices,
        help_text="Can people join now? If the programme has key dates for applications "
        "opening or closing, the page works this out from them and changes on the day. "
        "“Open for applications” needs a closing date and “Opening on a date” an opening "
        "date, under Key dates below. Leave empty if you do not know.",
    )
    cost = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_has_words],
        help_text="What it costs, e.g. “Free” or “£250 per person, paid by your trust”.",
    )
    time_commitment = models.CharField(
        "time it takes",
        max_length=200,
        blank=True,
        validators=[validate_has_words],
        help_text="How much time it takes, e.g. “Five half-day sessions over two months”.",
    )
    delivery = models.CharField(
        "how it is delivered",
        max_length=20,
        blank=True,
        choices=Delivery,
        help_text="Online, in person, both, or at your own pace.",
    )
    location = models.CharField(
        "where",
        max_length=200,
        blank=True,
        validators=[validate_has_words],
        help_text="Where it happens, e.g. “Online (Microsoft Teams)” or “Venues across London”.",
    )

    objects = ProgrammeQuerySet.as_manager()
    # Each version keeps the whole programme as its form edits it, child rows too
    # (programmes/revisions.py): a new inline's relation name joins revision_children.
    history = HistoricalRecords(m2m_fields=[audiences, contacts], bases=[ChildRowsInRevision])
    revision_children = ("partner_roles", "links", "key_dates")

    class Meta:
        ordering = [Lower("title")]  # A to Z whatever the case and the database collation
        constraints = [
            models.UniqueConstraint(Lower("title"), name="programme_title_unique_ignoring_case"),
            models.CheckConstraint(
                condition=models.Q(status__in=ProgrammeStatus.values),
                name="programme_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(launch_precision__in=LaunchPrecision.values),
                name="programme_launch_precision_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(availability__in=["", *Availability.values]),
                name="programme_availability_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(delivery__in=["", *Delivery.values]),
                name="programme_delivery_valid",
            ),
        ]
        indexes = [models.Index(fields=["is_published", "title"], name="programme_published_title")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)
        with transaction.atomic():
            if self.pk:
                old_slug = (
                    Programme.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
                )
                if old_slug and old_slug != self.slug:
                    # Keep the old address working: it now redirects here.
                    ProgrammeSlug.objects.get_or_create(slug=old_slug, defaults={"programme": self})
            super().save(*args, **kwargs)
            # Taking back one of its own old slugs makes it current again.
            ProgrammeSlug.objects.filter(programme=self, slug=self.slug).delete()

    def get_absolute_url(self):
        return reverse("programmes:detail", args=[self.slug])

    def clean(self):
        super().clean()
        if not self.slug and self.title:
            self.slug = slugify(self.title)
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {
                    "slug": f"“{self.slug}” is kept for another page of the site. Choose a different one."
                }
            )
        taken = ProgrammeSlug.objects.filter(slug=self.slug).exclude(programme_id=self.pk)
        if self.slug and taken.exists():
            raise ValidationError(
                {
                    "slug": "Another programme used this web address before, and old links still lead there. "
                    "Choose a different one."
                }
            )

    @property
    def public_replacement(self):
        """The programme that replaces it, if the public may see that one: a page never
        names or links a draft."""
        replacement = self.replaced_by
        return replacement if replacement is not None and replacement.is_published else None

    @property
    def is_ended(self):
        return self.status == self.Status.ENDED

    @property
    def launch_display(self):
        """The launch date at the precision it is known: "July 2021", "2021" or "5 July 2021"."""
        if not self.launched_on:
            return ""
        if self.launch_precision == self.Precision.YEAR:
            return f"{self.launched_on:%Y}"
        if self.launch_precision == self.Precision.MONTH:
            return f"{self.launched_on:%B %Y}"
        return f"{self.launched_on.day} {self.launched_on:%B %Y}"

    @property
    def launch_label(self):
        """The summary list's key for the launch date: "Launched" only when it is surely
        past, "Launches" when surely ahead, "Launch date" while today falls in the
        month or year it is known to (a future date never reads "Launched")."""
        if not self.launched_on:
            return ""
        today = london_today()
        start = self.launched_on
        if self.launch_precision == self.Precision.YEAR:
            start, end = datetime.date(start.year, 1, 1), datetime.date(start.year, 12, 31)
        elif self.launch_precision == self.Precision.MONTH:
            start = start.replace(day=1)
            end = add_months(start, 1) - datetime.timedelta(days=1)
        else:
            end = start
        if end < today or (start == end and end == today):
            return "Launched"
        if start > today:
            return "Launches"
        return "Launch date"

    @cached_property
    def audiences_and_topics(self):
        """Its audiences, topics (tags) and partners, each A to Z, and the search
        vocabulary, read in one query: a programme page has a budget of six queries
        (bench/README.md)."""
        empty = models.Value("")
        audiences = self.audiences.annotate(facet=models.Value("audience"))
        topics = self.tags.all().annotate(facet=models.Value("tag"))
        partners = ProgrammePartner.objects.filter(programme=self).annotate(
            facet=models.Value("partner")
        )
        vocabulary = VocabularyGroup.objects.annotate(
            facet=models.Value("vocabulary"), slug=empty, role=empty, web=empty
        ).values_list("facet", "slug", "terms", "role", "web")
        found = {"audience": [], "tag": [], "partner": [], "vocabulary": []}
        for facet, slug, name, role, website in (
            audiences.annotate(role=empty, web=empty)
            .values_list("facet", "slug", "name", "role", "web")
            .order_by()
            .union(
                topics.annotate(role=empty, web=empty)
                .values_list("facet", "slug", "name", "role", "web")
                .order_by(),
                partners.values_list(
                    "facet", "partner__slug", "partner__name", "role", "partner__website"
                ).order_by(),
                vocabulary.order_by(),
                all=True,
            )
        ):
            if facet == "partner":
                found[facet].append(PartnerLabel(slug, name, role, website))
            elif facet == "vocabulary":
                found[facet].append(VocabularyGroup(terms=name).term_list())
            else:
                found[facet].append(Label(slug, name))
        by_name = [
            sorted(found[facet], key=lambda label: a_to_z(label.name))
            for facet in ("audience", "tag", "partner")
        ]
        return AudiencesAndTopics(*by_name, found["vocabulary"])

    @cached_property
    def contacts_and_links(self):
        """Its contacts (A to Z) and links (in their editors' order), read in one query."""
        empty = models.Value("")
        contacts = self.contacts.annotate(
            kind=models.Value("contact"), position=models.Value(0)
        ).values_list("kind", "name", "email", "phone", "url", "position")
        links = self.links.annotate(
            kind=models.Value("link"), email=empty, phone=empty
        ).values_list("kind", "label", "email", "phone", "url", "position")
        contacts_found, links_found = [], []
        for kind, name, email, phone, url, position in contacts.order_by().union(
            links.order_by(), all=True
        ):
            if kind == "contact":
                contacts_found.append(ContactRow(name, email, phone, url))
            else:
                links_found.append((position, a_to_z(name), LinkRow(name, url)))
        contacts_found.sort(key=lambda c: a_to_z(c.name))
        return ContactsAndLinks(contacts_found, [row for *_, row in sorted(links_found)])

    @cached_property
    def dates(self):
        """Its key dates, earliest first (the prefetched ones when a list view prefetched them)."""
        return list(self.key_dates.all())

    def availability_on(self, today=None):
        """Whether someone can take part on `today` (London's today by default): see
        taking_part.availability()."""
        return taking_part.availability(
            status_ended=self.is_ended,
            choice=self.availability,
            key_dates=[(d.kind, d.starts_on) for d in self.dates],
            today=today or london_today(),
        )

    def dates_on(self, today=None):
        """(upcoming, past): upcoming key dates earliest first, past ones latest first.
        A date is past from the day after it ends."""
        today = today or london_today()
        upcoming = [d for d in self.dates if d.last_day >= today]
        past = [d for d in self.dates if d.last_day < today]
        past.reverse()
        return upcoming, past

    def call_to_action(self, team_email, today=None):
        """The action link under the summary: the editor's, or "Ask the LWRS team" by
        email. An email link gets a subject naming the programme. A closed or ended
        programme asks the team instead: its own button may say "Apply"."""
        state = self.availability_on(today).state
        if (
            self.cta_url
            and self.cta_label
            and state not in (Availability.CLOSED, Availability.ENDED)
        ):
            url = self.cta_url
            is_email = url.lower().startswith("mailto:")
            if is_email and "subject=" not in url.lower():
                url += ("&" if "?" in url else "?") + "subject=" + quote(self.title, safe="")
            return CallToAction(self.cta_label, url, is_email)
        return CallToAction(
            "Ask the LWRS team",
            f"mailto:{team_email}?subject={quote(self.title, safe='')}",
            True,
        )

    @property
    def review_due_on(self):
        """When the entry should next be checked: the team's review interval after its
        last review (read with the row by with_review_interval(), or asked for)."""
        if not self.last_reviewed_on:
            return None
        if hasattr(self, "review_interval"):
            months = self.review_interval or REVIEW_INTERVAL_MONTHS
        else:
            months = review_interval_months()
        return add_months(self.last_reviewed_on, months)

    def related(self, limit=3):
        """Up to `limit` other published programmes sharing its audiences or topics, those
        sharing the most first, then A to Z. One query."""
        through = Programme.audiences.through
        my_audiences = through.objects.filter(programme_id=self.pk).values("audience_id")
        my_topics = TaggedProgramme.objects.filter(content_object_id=self.pk).values("tag_id")
        return list(
            Programme.objects.published()
            .exclude(pk=self.pk)
            .annotate(
                shared_audiences=models.Count(
                    "audiences", filter=models.Q(audiences__in=my_audiences), distinct=True
                ),
                shared_topics=models.Count(
                    "tagged_items",
                    filter=models.Q(tagged_items__tag_id__in=my_topics),
                    distinct=True,
                ),
            )
            .annotate(shared=models.F("shared_audiences") + models.F("shared_topics"))
            .filter(shared__gt=0)
            .only("title", "slug", "summary")
            .order_by("-shared", Lower("title"))[:limit]
        )


class ProgrammeSlug(CatalogueRecord):
    """A web address a programme used before. It redirects to the programme for ever."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="old_slugs",
        help_text="The programme it redirects to.",
    )
    slug = models.SlugField(
        "old web address",
        max_length=200,
        unique=True,
        help_text="The end of an address the page had before. No other programme can use it.",
    )
    created_at = models.DateTimeField(
        "replaced on", auto_now_add=True, help_text="When the page moved away from it."
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = "old web address"

    def __str__(self):
        return f"{reverse('programmes:detail', args=[self.slug])} → {self.programme}"


class ProgrammePartner(CatalogueRecord):
    """How a partner is involved in a programme."""

    class Role(models.TextChoices):
        DELIVERY = "delivery", "Delivery partner"
        DESIGN = "design", "Designed and developed with"
        SUPPORTED = "supported", "Team the programme supports"
        OBJECTIVES = "objectives", "Its objectives are supported"

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="partner_roles",
        help_text="The programme the partner works on.",
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="programme_roles",
        help_text="Start typing to find a partner. Not listed? Add it under Partners first.",
    )
    role = models.CharField(
        max_length=20,
        choices=Role.choices,
        default=Role.DELIVERY,
        help_text="How the partner is involved.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["partner__name"]
        verbose_name = "partner"
        constraints = [
            models.UniqueConstraint(fields=["programme", "partner"], name="programme_partner_once"),
        ]

    def __str__(self):
        return f"{self.partner} ({self.get_role_display()})"


class ProgrammeLink(CatalogueRecord):
    """A link to more on a programme: its own page, a toolkit, a booklet."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="links",
        help_text="The programme the link is about.",
    )
    label = models.CharField(
        max_length=200,
        help_text="What the link leads to, e.g. “Register your interest”. Not “click here”.",
    )
    url = models.URLField("web address", max_length=500, help_text="Starting https://")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers are shown first."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "label"]
        verbose_name = "link"

    def __str__(self):
        return self.label


class KeyDate(CatalogueRecord):
    """A dated moment of a programme: applications opening or closing, a cohort
    starting, a session, an event. Times are London wall-clock times."""

    Kind = KeyDateKind

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="key_dates",
        help_text="The programme the date belongs to.",
    )
    kind = models.CharField(
        "what it is",
        max_length=20,
        choices=KeyDateKind.choices,
        default=KeyDateKind.EVENT,
        help_text="“Applications open” and “Applications close” set the programme’s "
        "availability on those days.",
    )
    label = models.CharField(
        max_length=200,
        validators=[validate_has_words],
        help_text="What happens, e.g. “Applications close for the spring cohort”.",
    )
    starts_on = models.DateField("date", help_text="The day it happens, or starts.")
    starts_at = models.TimeField(
        "start time",
        null=True,
        blank=True,
        help_text="Optional. London time, e.g. 10:00. Leave empty for the whole day.",
    )
    ends_on = models.DateField(
        "end date", null=True, blank=True, help_text="Optional. When it lasts more than a day."
    )
    ends_at = models.TimeField(
        "end time", null=True, blank=True, help_text="Optional. London time, e.g. 12:30."
    )
    url = models.URLField(
        "link",
        max_length=500,
        blank=True,
        help_text="Optional. A page about this date, e.g. where to book. Starting https://",
    )
    updated_at = models.DateTimeField(
        "last updated", auto_now=True, help_text="When anyone last saved a change to it."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on", models.F("starts_at").asc(nulls_first=True), "label"]
        verbose_name = "key date"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="key_date_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=KeyDateKind.values), name="key_date_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["programme", "starts_on"], name="key_date_programme_day")]

    def __str__(self):
        return f"{self.label} ({self.when})"

    @property
    def last_day(self):
        return self.ends_on or self.starts_on

    @property
    def when(self):
        """In words, as NHS.UK writes dates and times: "31 January 2027",
        "1 March 2027, 10am to 12:30pm", "1 March 2027 to 3 March 2027"."""
        start = long_date(self.starts_on)
        if self.starts_at:
            start += f", {clock_time(self.starts_at)}"
        if self.ends_on and self.ends_on != self.starts_on:
            end = long_date(self.ends_on)
            if self.ends_at:
                end += f", {clock_time(self.ends_at)}"
            return f"{start} to {end}"
        if self.starts_at and self.ends_at:
            return f"{start} to {clock_time(self.ends_at)}"
        return start

    def clean(self):
        super().clean()
        errors = {}
        if self.ends_at and not self.starts_at:
            errors["starts_at"] = "Give a start time too, or leave the end time empty."
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = (
                f"The end date is before the date it starts ({long_date(self.starts_on)})."
            )
        elif (
            self.starts_at
            and self.ends_at
            and (not self.ends_on or self.ends_on == self.starts_on)
            and self.ends_at <= self.starts_at
        ):
            errors["ends_at"] = "The end time must be after the start time on the same day."
        if errors:
            raise ValidationError(errors)


class TaggedProgramme(CatalogueRecord, TaggedItemBase):  # noqa: DJ008 - taggit's ItemBase has __str__
    """A programme's tag. A plain foreign key rather than taggit's generic relation,
    so the catalogue's filters and facet counts join on indexed integer columns."""

    content_object = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="tagged_items",
        verbose_name="programme",
        help_text="The programme with this topic.",
    )
    tag = models.ForeignKey(
        Tag,
        on_delete=models.CASCADE,
        related_name="%(app_label)s_%(class)s_items",
        verbose_name="topic",
        help_text="One of the programme's topics.",
    )

    class Meta:
        verbose_name = "topic"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="programme_tag_once"),
        ]


class CatalogueVersion(models.Model):
    """One row whose token changes with every change to the catalogue.

    Public pages are cached under it (programmes/cache.py): a new token makes
    every cached page stale at once, on every worker and app server."""

    token = models.CharField(
        max_length=32, help_text="Set by the site at every change; nobody edits it."
    )

    class Meta:
        verbose_name = "catalogue version"

    def __str__(self):
        return self.token


class VocabularyGroup(CatalogueRecord):
    """Words staff use for one thing. In a search each finds what the others
    find, both ways: "BME" finds "ethnic minority" and "ethnic minority" finds
    "BME". Kept by the EDI team; programmes/finder/vocabulary.py reads it."""

    terms = models.TextField(
        "words that mean the same",
        help_text=(
            "Two or more words or phrases, separated by commas or on lines of their own, e.g. "
            "“GP, general practice, primary care”. Write acronyms in capitals (“WRES”) and "
            "include what they stand for (“Workforce Race Equality Standard”): pages explain "
            "them from here. Capitals, accents, word endings, hyphens and punctuation do not "
            "matter to search."
        ),
    )
    note = models.CharField(
        max_length=200,
        blank=True,
        help_text="Optional. Why these belong together, for the next editor.",
    )

    history = HistoricalRecords()

    MAX_TERMS = 30
    MAX_TERM_LENGTH = 100

    class Meta:
        ordering = ["terms"]
        verbose_name = "search vocabulary group"
        verbose_name_plural = "search vocabulary"

    def __str__(self):
        return ", ".join(self.term_list())

    def term_list(self):
        """The group's words and phrases, each once (ignoring case), in the order written."""
        found = {}
        for term in re.split(r"[,\n;]", self.terms):
            term = " ".join(term.split())
            if term:
                found.setdefault(term.casefold(), term)
        return list(found.values())

    def clean(self):
        super().clean()
        terms = self.term_list()
        if len(terms) < 2:
            raise ValidationError(
                {
                    "terms": "Add at least two words or phrases, separated by commas: a group of one "
                    "word changes nothing."
                }
            )
        if len(terms) > self.MAX_TERMS:
            raise ValidationError(
                {
                    "terms": f"A group can have at most {self.MAX_TERMS} words or phrases. Split it "
                    "into groups of words that really mean the same."
                }
            )
        too_long = [t for t in terms if len(t) > self.MAX_TERM_LENGTH]
        if too_long:
            raise ValidationError(
                {
                    "terms": f"“{too_long[0][:40]}…” is longer than {self.MAX_TERM_LENGTH} "
                    "characters. Use a short phrase, as staff would type it."
                }
            )
        wordless = [t for t in terms if not re.search(r"[^\W_]", t)]
        if wordless:
            raise ValidationError(
                {"terms": f"“{wordless[0]}” has no letters or numbers, so search cannot use it."}
            )


class SearchCount(models.Model):
    """How often a search was made in a week, and what it found.

    Anonymous by design: the words searched (folded to lower case), the week
    and counts; never who searched, their address, browser or time of day.
    Kept for 13 months (programmes/finder/search_log.py deletes older weeks)."""

    week = models.DateField(help_text="The Monday of the week.")
    query = models.CharField(
        "search", max_length=200, help_text="The words searched for, in lower case."
    )
    searches = models.PositiveIntegerField(
        default=0, help_text="How many times it was searched for that week."
    )
    results = models.PositiveIntegerField(
        default=0, help_text="How many programmes it found, the last time it was made that week."
    )
    partial = models.BooleanField(
        "only some words matched",
        default=False,
        help_text="No programme matched every word, so the page listed programmes matching some.",
    )

    class Meta:
        ordering = ["-week", "-searches", "query"]
        verbose_name = "search"
        verbose_name_plural = "searches"
        constraints = [
            models.UniqueConstraint(fields=["week", "query"], name="search_count_once_a_week"),
        ]

    def __str__(self):
        return f"“{self.query}” in the week of {self.week:%-d %B %Y}"


# taggit's tags are catalogue records too: their renames are kept and can be undone.
simple_history.register(Tag, app="programmes")


class CatalogueSettings(CatalogueRecord):
    """Choices the EDI team makes for the whole catalogue. One row (pk 1)."""

    review_interval_months = models.PositiveSmallIntegerField(
        "review every",
        default=REVIEW_INTERVAL_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text="How many months a programme's page stays reviewed. After that it is "
        "“due for review” on the editing home page and in the programme list, and its page "
        "says when the next review was due. From 1 to 36; the NHS usually reviews pages "
        "every 6 to 12 months.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "catalogue settings"
        verbose_name_plural = "catalogue settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="catalogue_settings_one_row"),
        ]

    def __str__(self):
        return "Catalogue settings"

    @classmethod
    def load(cls):
        return cls.objects.get_or_create(pk=1)[0]


def review_interval_months():
    """The team's review interval in months (one query)."""
    months = (
        CatalogueSettings.objects.filter(pk=1).values_list("review_interval_months", flat=True)
    ).first()
    return months or REVIEW_INTERVAL_MONTHS


class LinkCheck(models.Model):
    """The last visit of one web address that a published programme links to
    (`manage.py check_links`): whether it answered, and what."""

    url = models.CharField(
        "web address", max_length=500, unique=True, help_text="The address visited."
    )
    checked_at = models.DateTimeField("checked", help_text="When it was last visited.")
    status_code = models.PositiveSmallIntegerField(
        "answer", null=True, blank=True, help_text="The HTTP status code; empty if none came."
    )
    final_url = models.CharField(
        "moved to", max_length=500, blank=True, help_text="Where a redirect led, if anywhere."
    )
    error = models.CharField(
        max_length=200, blank=True, help_text="Why no answer came, e.g. a timeout."
    )
    broken = models.BooleanField(
        default=False, help_text="It answered with an error, or not at all, at the last visit."
    )
    broken_since = models.DateTimeField(
        null=True, blank=True, help_text="The first visit of the run of failed visits."
    )

    class Meta:
        ordering = ["url"]
        verbose_name = "link check"
        indexes = [models.Index(fields=["broken", "url"], name="link_check_broken")]

    def __str__(self):
        return self.url

    @property
    def outcome(self):
        """In words, for editors: "Not found (404)", "No answer within 10 seconds"."""
        if self.error:
            return self.error
        words = {
            404: "Not found",
            410: "Gone",
            401: "Needs a sign-in",
            403: "Refused",
            500: "The other site's server failed",
            502: "The other site's server failed",
            503: "The other site is unavailable",
        }
        text = words.get(self.status_code, "Answered")
        text = f"{text} ({self.status_code})"
        if self.final_url and self.final_url != self.url:
            text += f", after moving to {self.final_url}"
        return text
