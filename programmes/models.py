"""The catalogue's records: programmes, the partners who deliver them, contacts.

Everything the public may see goes through `Programme.objects.published()`.
"""

import datetime
from typing import NamedTuple

import simple_history
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from .collation import a_to_z
from .revisions import ChildRowsInRevision


class Audience(models.Model):
    """A group of staff a programme is for, e.g. line managers."""

    name = models.CharField(
        max_length=100, unique=True, help_text="Who it is for, e.g. “Line managers”."
    )
    slug = models.SlugField(
        max_length=100, unique=True, help_text="Used in filter links. Filled in from the name."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PartnerQuerySet(models.QuerySet):
    def public(self):
        """Partners the public may see: those of at least one published programme."""
        # A subquery, not a join: it composes with the counts the views annotate.
        return self.filter(
            pk__in=ProgrammePartner.objects.filter(programme__is_published=True).values("partner")
        )


class Partner(models.Model):
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
        max_length=200,
        unique=True,
        help_text="The end of the partner’s web address. Filled in from the name.",
    )
    kind = models.CharField(
        "kind of organisation", max_length=30, choices=Kind.choices, default=Kind.NHS_ORGANISATION
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


class Contact(models.Model):
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


class AudiencesAndTopics(NamedTuple):
    audiences: list
    topics: list


class ProgrammeQuerySet(models.QuerySet):
    def published(self):
        """What the public may see. Every public view, feed and sitemap starts here."""
        return self.filter(is_published=True)

    def needs_review(self, today=None):
        """Entries nobody has confirmed as still right for twelve months."""
        today = today or datetime.date.today()
        cutoff = today - datetime.timedelta(days=365)
        return self.filter(
            models.Q(last_reviewed_on__isnull=True) | models.Q(last_reviewed_on__lt=cutoff)
        )


class Programme(models.Model):
    """A programme or initiative of the London Workforce Race Strategy."""

    class Status(models.TextChoices):
        # The seed's own words: programmes "in action" or "being developed".
        IN_ACTION = "in-action", "In action"
        BEING_DEVELOPED = "being-developed", "Being developed"
        ENDED = "ended", "Ended"

    class Kind(models.TextChoices):
        TRAINING = "training", "Training"
        TOOLKIT = "toolkit", "Toolkit"
        GUIDANCE = "guidance", "Guidance"
        FUNDING = "funding", "Funding"
        STRATEGY = "strategy", "Strategy"
        PROJECT = "project", "Project"
        DATA = "data", "Data and insight"
        EVALUATION = "evaluation", "Evaluation"

    class Precision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"

    title = models.CharField(max_length=200, help_text="The programme’s name, as staff know it.")
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text=(
            "The end of the page’s web address. Filled in from the title. Trusts link to it: "
            "if you change it, the old address keeps working and sends visitors here."
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
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_ACTION)
    kind = models.CharField("format", max_length=20, choices=Kind.choices, default=Kind.TRAINING)
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
        Partner, through="ProgrammePartner", blank=True, related_name="programmes"
    )
    contacts = models.ManyToManyField(
        Contact, blank=True, related_name="programmes", help_text="Who staff should contact."
    )
    tags = TaggableManager(
        through="TaggedProgramme",
        blank=True,
        help_text="Topics staff might look for, e.g. WRES, recruitment, leadership. Separate with commas.",
    )
    # django-simple-history does not follow taggit's tags (django-taggit issue
    # 918), so a copy of the tag names is kept here for history and revert.
    # The admin form sets it from the tags chosen (never typed by hand); it is
    # "editable" only so that the history page lists its changes.
    tag_snapshot = models.TextField("tags", blank=True)
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField("last updated", auto_now=True)
    last_reviewed_on = models.DateField(
        "last reviewed",
        null=True,
        blank=True,
        help_text="The day someone last checked that this entry is still right.",
    )

    objects = ProgrammeQuerySet.as_manager()
    # Each version keeps the whole programme as its form edits it, child rows too
    # (programmes/revisions.py): a new inline's relation name joins revision_children.
    history = HistoricalRecords(m2m_fields=[audiences, contacts], bases=[ChildRowsInRevision])
    revision_children = ("partner_roles", "links")

    class Meta:
        ordering = [Lower("title")]  # A to Z whatever the case and the database collation
        constraints = [
            models.UniqueConstraint(Lower("title"), name="programme_title_unique_ignoring_case"),
            models.CheckConstraint(
                condition=models.Q(status__in=["in-action", "being-developed", "ended"]),
                name="programme_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(launch_precision__in=["day", "month", "year"]),
                name="programme_launch_precision_valid",
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

    @cached_property
    def audiences_and_topics(self):
        """Its audiences and topics (tags), each A to Z, read in one query: a
        programme page has a budget of six queries (bench/README.md)."""
        audiences = self.audiences.annotate(facet=models.Value("audience"))
        topics = self.tags.all().annotate(facet=models.Value("tag"))
        found = {"audience": [], "tag": []}
        for facet, slug, name in (
            audiences.values_list("facet", "slug", "name")
            .order_by()
            .union(topics.values_list("facet", "slug", "name").order_by(), all=True)
        ):
            found[facet].append(Label(slug, name))
        return AudiencesAndTopics(
            *(sorted(found[facet], key=lambda label: a_to_z(label.name)) for facet in found)
        )

    def refresh_tag_snapshot(self):
        names = ", ".join(sorted(self.tags.names(), key=str.lower))
        if names != self.tag_snapshot:
            self.tag_snapshot = names
            Programme.objects.filter(pk=self.pk).update(tag_snapshot=names)
        return names


class ProgrammeSlug(models.Model):
    """A web address a programme used before. It redirects to the programme for ever."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="old_slugs")
    slug = models.SlugField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = "old web address"

    def __str__(self):
        return f"/programmes/{self.slug}/ → {self.programme}"


class ProgrammePartner(models.Model):
    """How a partner is involved in a programme."""

    class Role(models.TextChoices):
        DELIVERY = "delivery", "Delivery partner"
        DESIGN = "design", "Designed and developed with"
        SUPPORTED = "supported", "Team the programme supports"
        OBJECTIVES = "objectives", "Its objectives are supported"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="partner_roles")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="programme_roles")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.DELIVERY)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partner__name"]
        verbose_name = "partner"
        constraints = [
            models.UniqueConstraint(fields=["programme", "partner"], name="programme_partner_once"),
        ]

    def __str__(self):
        return f"{self.partner} ({self.get_role_display()})"


class ProgrammeLink(models.Model):
    """A link to more on a programme: its own page, a toolkit, a booklet."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="links")
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


class TaggedProgramme(TaggedItemBase):
    """A programme's tag. A plain foreign key rather than taggit's generic relation,
    so the catalogue's filters and facet counts join on indexed integer columns."""

    content_object = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = "tag"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="programme_tag_once"),
        ]


class CatalogueVersion(models.Model):
    """One row whose token changes with every change to the catalogue.

    Public pages are cached under it (programmes/cache.py): a new token makes
    every cached page stale at once, on every worker and app server."""

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = "catalogue version"

    def __str__(self):
        return self.token


# taggit's tags are catalogue records too: their renames are kept and can be undone.
simple_history.register(Tag, app="programmes")
