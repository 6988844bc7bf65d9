"""What the read API shows of each thing: only what an anonymous visitor sees on its page.

Every field here is classified in api/privacy.py (a test walks them all). Labels are in the
language of the request (api/conventions.py); codes and slugs are the same in every language
and are what the list parameters take. Reference rows (places, categories, sectors) come from
memory (portal/reference.py), prefetched lists from the views' querysets, so a page of any
length costs the same number of queries.
"""

from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from companies import freshness
from companies.models import OrganisationKind
from events.models import EventAudience, EventKind
from procurement import eligibility
from procurement.models import Route
from vacancies.models import BudgetBand, ContractType, Status

# --- Building blocks ----------------------------------------------------------------------------


class ChoiceSerializer(serializers.Serializer):
    """A coded value and its label: {"value": "social", "label": "Sociale-economiebedrijf"}."""

    value = serializers.CharField()
    label = serializers.CharField()


def choice(choices, value):
    """A ChoiceSerializer's data for `value` of the TextChoices `choices`; None for no value."""
    if not value:
        return None
    return {"value": value, "label": str(choices(value).label)}


class VocabularySerializer(serializers.Serializer):
    """A row of a curated list (service category, recognition, support): slug and name."""

    slug = serializers.CharField()
    name = serializers.CharField()


class SectorSerializer(serializers.Serializer):
    """A NACE-BEL section: its letter and its name."""

    code = serializers.CharField()
    name = serializers.CharField()


class ProvinceSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    nis_code = serializers.CharField()


class RegionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.SerializerMethodField()

    @extend_schema_field(ChoiceSerializer)
    def get_kind(self, region):
        return {"value": region.kind, "label": str(region.get_kind_display())}


class MunicipalitySerializer(serializers.Serializer):
    nis_code = serializers.CharField()
    name = serializers.CharField()


class PlaceSerializer(serializers.Serializer):
    """Where a thing is, as the directory places it: the postcode (its centre's coordinates,
    not the street address), the municipality and the province (none in Brussels)."""

    postcode = serializers.CharField(source="postcode.code")
    place = serializers.CharField(source="postcode.name")
    municipality = MunicipalitySerializer()
    province = ProvinceSerializer(allow_null=True)
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()


def absolute(context, path):
    """`path` on this portal as an absolute address, in the request's language."""
    return context["request"].build_absolute_uri(path)


# Stands for a row's key in an address reversed once (a slug and any other path segment match it).
KEY_MARKER = "key-of-the-row"


def address(context, url_name, key):
    """The absolute address of the page `url_name` of the row `key` (a slug, a code): reversed
    once per response and kept in its serializer context, as api/dumps.py does per file (a
    reverse() per row cost more than the rest of the row's fields). The key is quoted as
    reverse() quotes it."""
    found = context.setdefault("addresses", {})
    if url_name not in found:
        found[url_name] = absolute(context, reverse(url_name, args=[KEY_MARKER])).partition(
            KEY_MARKER
        )
    before, _marker, after = found[url_name]
    return f"{before}{quote(str(key), safe=RFC3986_SUBDELIMS + '/~:@')}{after}"


# --- Organisations --------------------------------------------------------------------------------


class ServiceSerializer(serializers.Serializer):
    """A service a social enterprise offers; `radius_km` null means all of Flanders."""

    category = VocabularySerializer()
    description = serializers.CharField()
    radius_km = serializers.IntegerField(allow_null=True)


class OrganisationSerializer(serializers.Serializer):
    """An organisation as its public profile shows it. The contact details are those its
    members show (Organisation.public_*): a hidden one is null."""

    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.SerializerMethodField()
    description = serializers.CharField()
    enterprise_number = serializers.CharField(source="enterprise_number_display")
    recognitions = VocabularySerializer(many=True, source="recognition_list")
    services = ServiceSerializer(many=True, source="service_list")
    sectors = SectorSerializer(many=True, source="sector_list")
    place = PlaceSerializer(source="*")
    street = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()
    website = serializers.SerializerMethodField()
    verified = serializers.BooleanField(source="is_verified")
    verified_on = serializers.SerializerMethodField()
    last_confirmed_on = serializers.SerializerMethodField()
    eligible_routes = serializers.SerializerMethodField()
    distance_km = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(ChoiceSerializer)
    def get_kind(self, organisation):
        return choice(OrganisationKind, organisation.kind)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_street(self, organisation):
        return organisation.public_street or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_phone(self, organisation):
        """As stored: international form (E.164) where it was given so."""
        return organisation.public_phone or None

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_email(self, organisation):
        return organisation.public_email or None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_website(self, organisation):
        return organisation.public_website or None

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_verified_on(self, organisation):
        verified = organisation.verified_at
        return timezone.localdate(verified).isoformat() if verified else None

    @extend_schema_field(OpenApiTypes.DATE)
    def get_last_confirmed_on(self, organisation):
        return timezone.localdate(freshness.confirmed_on(organisation)).isoformat()

    @extend_schema_field(ChoiceSerializer(many=True))
    def get_eligible_routes(self, organisation):
        """The procurement routes its recognitions open (procurement/eligibility.py)."""
        table = self.context["eligibility"]
        return [choice(Route, route) for route in eligibility.routes_for(organisation, table)]

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_km(self, organisation):
        """From the place searched from (`postcode`), when there is one."""
        distance = getattr(organisation, "distance_km", None)
        return round(distance, 1) if distance is not None else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, organisation):
        return address(self.context, "companies:profile", organisation.slug)


# --- Vacancies and service requests -------------------------------------------------------------


class PosterSerializer(serializers.Serializer):
    """The organisation that posted an opportunity: its name and profile."""

    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, organisation):
        return address(self.context, "companies:profile", organisation.slug)


class OpportunitySerializer(serializers.Serializer):
    """What the page of a published (or expired, or closed) opportunity shows anyone."""

    URL_NAME = ""

    code = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    organisation = PosterSerializer()
    place = PlaceSerializer(source="*")
    status = serializers.SerializerMethodField()
    closing_date = serializers.DateField()
    published_on = serializers.SerializerMethodField()
    distance_km = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(ChoiceSerializer)
    def get_status(self, opportunity):
        """published, expired (also one past its closing date the nightly task has not marked
        yet) or closed."""
        status = opportunity.status
        if status == Status.PUBLISHED and opportunity.closing_date < timezone.localdate():
            status = Status.EXPIRED
        return choice(Status, status)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_published_on(self, opportunity):
        published = opportunity.published_at
        return timezone.localdate(published).isoformat() if published else None

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_km(self, opportunity):
        distance = getattr(opportunity, "distance_km", None)
        return round(distance, 1) if distance is not None else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, opportunity):
        return address(self.context, self.URL_NAME, opportunity.code)


class VacancySerializer(OpportunitySerializer):
    URL_NAME = "vacancies:vacancy_detail"

    sector = SectorSerializer()
    contract_type = serializers.SerializerMethodField()
    hours_per_week = serializers.IntegerField()
    start_date = serializers.DateField(allow_null=True)
    open_to_doorstroom = serializers.BooleanField()
    supports = VocabularySerializer(many=True, source="support_list")

    @extend_schema_field(ChoiceSerializer)
    def get_contract_type(self, vacancy):
        return choice(ContractType, vacancy.contract_type)


class ServiceRequestSerializer(OpportunitySerializer):
    URL_NAME = "vacancies:request_detail"

    category = VocabularySerializer()
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    volume = serializers.CharField()
    budget = serializers.SerializerMethodField()

    @extend_schema_field(ChoiceSerializer(allow_null=True))
    def get_budget(self, request):
        """The budget band the poster chose (a band, never an amount); null when none."""
        return choice(BudgetBand, request.budget_band)


# --- Events -------------------------------------------------------------------------------------


class EventPlaceSerializer(serializers.Serializer):
    """Where an event in person takes place (an online event's link is for its participants)."""

    address = serializers.CharField()
    postcode = serializers.CharField(source="postcode.code")
    place = serializers.CharField(source="postcode.name")
    municipality = MunicipalitySerializer(source="postcode.municipality")


class EventSerializer(serializers.Serializer):
    """A published event as its page shows it to anyone."""

    slug = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.SerializerMethodField()
    description = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    online = serializers.BooleanField()
    place = serializers.SerializerMethodField()
    region = VocabularySerializer()
    audience = serializers.SerializerMethodField()
    sector = SectorSerializer(allow_null=True)
    service = VocabularySerializer(source="category", allow_null=True)
    registration_deadline = serializers.DateTimeField()
    places_left = serializers.SerializerMethodField()
    cancelled = serializers.BooleanField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(ChoiceSerializer)
    def get_kind(self, event):
        return choice(EventKind, event.kind)

    @extend_schema_field(ChoiceSerializer)
    def get_audience(self, event):
        return choice(EventAudience, event.audience)

    @extend_schema_field(EventPlaceSerializer(allow_null=True))
    def get_place(self, event):
        if event.online or event.postcode is None:
            return None
        return EventPlaceSerializer(event, context=self.context).data

    @extend_schema_field(OpenApiTypes.INT)
    def get_places_left(self, event):
        """Places left for organisations (0: new registrations join the waiting list)."""
        return max(event.capacity - event.registered, 0)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, event):
        return absolute(self.context, event.get_absolute_url())


# --- Vocabularies and reports -------------------------------------------------------------------


class ReportSummarySerializer(serializers.Serializer):
    """A public report: what it answers, the parameters it honours, its table's address."""

    slug = serializers.CharField()
    letter = serializers.CharField()
    title = serializers.CharField()
    question = serializers.CharField()
    parameters = serializers.ListField(child=serializers.CharField())
    url = serializers.URLField()
    page = serializers.URLField()


class ReportColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class ReportRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    labels = serializers.ListField(child=serializers.CharField())
    total = serializers.BooleanField()
    note = serializers.CharField(
        required=False, help_text="Instead of figures: why the row has none."
    )
    cells = serializers.DictField(
        child=serializers.JSONField(),
        help_text='Per column key: a number, or "x" (or "<3") where the figure is hidden.',
    )


class ReportTableSerializer(serializers.Serializer):
    """A report's table exactly as its page shows it to the public (companies.reports.as_json)."""

    report = serializers.CharField()
    title = serializers.CharField()
    mode = serializers.CharField(help_text='Always "public" here.')
    threshold = serializers.IntegerField(
        allow_null=True, help_text="Figures of fewer firms than this are hidden."
    )
    filters = serializers.DictField(child=serializers.JSONField())
    row_headers = serializers.ListField(child=serializers.CharField())
    columns = ReportColumnSerializer(many=True)
    rows = ReportRowSerializer(many=True)
    as_of = serializers.DateTimeField(
        allow_null=True,
        help_text="When figures of an earlier version are served while new ones are computed: "
        "when they were last current; else null.",
    )
