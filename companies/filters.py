"""The directory's search: its GET parameters, their validation, the facets and their counts.

Parameters (the search contract of ARCHITECTURE.md): `q`; one facet per field, each taking
several values (`kind`, `service`, `sector`, `recognition`, `province`, `region`; values are
slugs, NACE codes or kinds, OR within a facet and AND between facets); `postcode` and `km`;
`verified`; `sort`; `page` and `per_page` (read by the view). A bad value never breaks the page:
the form reports it in words and the search runs without that parameter.
"""

import re
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Count, F
from django.db.models.functions import Lower
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from portal import geography
from portal.models import Municipality, Province, Region, Sector, ServiceCategory

from . import search
from .models import OfferedService, Organisation, OrganisationKind, Recognition

PAGE_SIZE = 20
# A facet lists this many options; the rest fold away under "Show more" (a <details>, no script).
FACET_OPTIONS_SHOWN = 10
MAX_PAGE_SIZE = 200
# Flanders is about 250 km from De Panne to Voeren; a wider circle asks for all of Belgium.
MAX_KM = 250
KM_ERROR = _("Enter the distance as a whole number of km, from 1 to 250.")  # MAX_KM

KIND_PLURALS = {
    OrganisationKind.REGULAR: _("Regular firms"),
    OrganisationKind.SOCIAL: _("Social-economy enterprises"),
    OrganisationKind.PUBLIC: _("Public bodies"),
    OrganisationKind.SCHOOL: _("Schools"),
    OrganisationKind.NONPROFIT: _("Non-profit organisations"),
}


class Sort:
    RELEVANCE = "relevance"
    NAME = "name"
    NEWEST = "newest"
    DISTANCE = "distance"

    CHOICES = [
        (RELEVANCE, _("Relevance")),
        (NAME, _("Name")),
        (NEWEST, _("Newest first")),
        (DISTANCE, _("Distance")),
    ]
    ORDER = {
        # An organisation never indexed (bulk-created) has no rank: last, not first.
        RELEVANCE: [F("search_rank").desc(nulls_last=True), Lower("name"), "pk"],
        NAME: [Lower("name"), "pk"],
        NEWEST: ["-created_at", "-pk"],
        DISTANCE: ["distance_km", Lower("name"), "pk"],
    }


def page_size(value):
    """`per_page` as asked when it is a whole number up to MAX_PAGE_SIZE, else the default."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return PAGE_SIZE
    return min(size, MAX_PAGE_SIZE) if size > 0 else PAGE_SIZE


class PostcodeField(forms.CharField):
    """Four digits of a known Belgian postcode; cleans to the Postcode (which serves as a point)."""

    default_error_messages = {
        "invalid": _("Enter a Belgian postcode of four digits, such as 3700."),
        "unknown": _("There is no Belgian postcode %(code)s."),
    }

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        if not re.fullmatch(r"\d{4}", code):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        postcode = geography.point_for_postcode(code)
        if postcode is None:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"code": code}
            )
        return postcode


class FacetField(django_filters.fields.ModelMultipleChoiceField):
    """Options named by slug or code; anything else is refused before it reaches the database
    (PostgreSQL cannot even compare a string with a NUL character in it)."""

    def clean(self, value):
        for item in value or []:
            if not isinstance(item, str) or not re.fullmatch(r"[-\w]{1,60}", item):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item[:60]},
                )
        return super().clean(value)


class FacetFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = FacetField


class PostcodeFilter(django_filters.Filter):
    field_class = PostcodeField


class WholeNumberFilter(django_filters.Filter):
    field_class = forms.IntegerField


class CheckboxFilter(django_filters.Filter):
    field_class = forms.BooleanField


class PlainChoiceFilter(django_filters.Filter):
    """A single choice without django-filter's empty option."""

    field_class = forms.ChoiceField


class DirectoryForm(forms.Form):
    def clean(self):
        cleaned_data = super().clean()
        if (
            cleaned_data.get("km")
            and not cleaned_data.get("postcode")
            and not self.has_error("postcode")
        ):
            self.add_error("postcode", _("Enter a postcode to search within a distance."))
        return cleaned_data


@dataclass(frozen=True)
class Facet:
    """A facet: the GET parameter, the path from Organisation to the value, and its labels."""

    name: str
    label: str
    path: str
    key: str = ""  # the field that identifies an option in the URL (slug, code)
    order: str = ""  # the field options are listed by
    translated: bool = True  # name_nl/name_fr/name_en rather than one name

    def value_field(self):
        return f"{self.path}__{self.key}" if self.key else self.path

    def label_fields(self):
        if not self.key:
            return []
        names = ["name_nl", "name_fr", "name_en"] if self.translated else ["name"]
        return [f"{self.path}__{name}" for name in names]


FACETS = [
    Facet("kind", _("Kind"), "kind"),
    Facet("service", _("Service"), "services__category", "slug", "position"),
    Facet("recognition", _("Recognition"), "recognitions", "slug", "position"),
    Facet("sector", _("Sector"), "sectors", "code", "code"),
    Facet("province", _("Province"), "province", "slug", "name_nl"),
    Facet("region", _("Region"), "municipality__regions", "slug", "name", translated=False),
]


FACETS_BY_NAME = {facet.name: facet for facet in FACETS}


def _translated_label(row, prefix):
    language = (get_language() or "nl")[:2]
    return row.get(f"{prefix}__name_{language}") or row.get(f"{prefix}__name_nl", "")


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=OrganisationKind.choices, method="filter_kind"
    )
    service = FacetFilter(
        label=_("Service"),
        queryset=ServiceCategory.objects.all(),
        to_field_name="slug",
        method="filter_service",
    )
    recognition = FacetFilter(
        label=_("Recognition"),
        queryset=Recognition.objects.all(),
        to_field_name="slug",
        method="filter_recognition",
    )
    sector = FacetFilter(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        to_field_name="code",
        method="filter_sector",
    )
    province = FacetFilter(
        label=_("Province"),
        queryset=Province.objects.all(),
        to_field_name="slug",
        method="filter_province",
    )
    region = FacetFilter(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="slug",
        method="filter_region",
    )
    km = WholeNumberFilter(
        label=_("Distance (km)"),
        method="filter_nothing",  # read by filter_distance
        min_value=1,
        max_value=MAX_KM,
        error_messages=dict.fromkeys(["invalid", "min_value", "max_value"], KM_ERROR),
    )
    postcode = PostcodeFilter(
        label=_("Postcode"),
        method="filter_distance",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": "4"}
        ),
    )
    verified = CheckboxFilter(
        label=_("Verified organisations only"), required=False, method="filter_verified"
    )
    sort = PlainChoiceFilter(
        label=_("Sort by"), choices=Sort.CHOICES, required=False, method="filter_nothing"
    )

    class Meta:
        model = Organisation
        fields = []
        form = DirectoryForm

    # --- Filtering ------------------------------------------------------------------------

    def filter_text(self, queryset, name, value):
        return search.search(queryset, value)

    def filter_kind(self, queryset, name, value):
        return queryset.filter(kind__in=value)

    def filter_service(self, queryset, name, value):
        # Subqueries rather than joins: an organisation with two chosen services is one result.
        return queryset.filter(
            pk__in=OfferedService.objects.filter(category__in=value).values("organisation")
        )

    def filter_recognition(self, queryset, name, value):
        through = Organisation.recognitions.through
        return queryset.filter(
            pk__in=through.objects.filter(recognition__in=value).values("organisation")
        )

    def filter_sector(self, queryset, name, value):
        through = Organisation.sectors.through
        return queryset.filter(
            pk__in=through.objects.filter(sector__in=value).values("organisation")
        )

    def filter_province(self, queryset, name, value):
        return queryset.filter(province__in=value)

    def filter_region(self, queryset, name, value):
        return queryset.filter(municipality__in=Municipality.objects.filter(regions__in=value))

    def filter_distance(self, queryset, name, postcode):
        km = self.form.cleaned_data.get("km")
        if km:
            return geography.within(queryset, postcode, km)
        return geography.annotate_distance(queryset, postcode)

    def filter_verified(self, queryset, name, value):
        return queryset.verified()

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset, *, leave_out=None):
        """Apply every valid parameter, except the facet `leave_out` (for that facet's counts)."""
        for name, value in self.form.cleaned_data.items():
            # An empty choice cleans to an empty list or queryset: nothing to filter on.
            if name == leave_out or not value:
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def qs(self):
        """The results: filtered, in the chosen order, ready for cards and the CSV guide."""
        if not hasattr(self, "_qs"):
            self._qs = super().qs.order_by(*Sort.ORDER[self.ordering]).for_directory()
        return self._qs

    # --- What the page shows about the search ---------------------------------------------

    def _value(self, name):
        """The cleaned value of a parameter; None when it is absent or not valid."""
        if not self.is_bound:
            return None
        self.form.is_valid()  # validates once; the form keeps what it cleaned
        return self.form.cleaned_data.get(name)

    @property
    def point(self):
        """The Postcode searched from, when a valid one was given."""
        return self._value("postcode")

    @property
    def radius_km(self):
        return self._value("km") if self.point else None

    @property
    def query(self):
        return (self._value("q") or "").strip()

    @property
    def ordering(self):
        """The order in effect: the one asked for when it applies, else the default."""
        asked = self._value("sort")
        if asked == Sort.RELEVANCE and self.query:
            return asked
        if asked == Sort.DISTANCE and self.point:
            return asked
        if asked in {Sort.NAME, Sort.NEWEST}:
            return asked
        # Without a text query, someone who gives a postcode wants the nearest first.
        if self.query:
            return Sort.RELEVANCE
        return Sort.DISTANCE if self.point else Sort.NAME

    def sort_options(self):
        """The orders that make sense for this search: value, label and whether it is in effect."""
        options = []
        for value, label in Sort.CHOICES:
            if value == Sort.RELEVANCE and not self.query:
                continue
            if value == Sort.DISTANCE and not self.point:
                continue
            options.append({"value": value, "label": label, "selected": value == self.ordering})
        return options

    def facets(self):
        """Every facet with its options and counts, one grouped query per facet.

        An option's count is the number of results with that option and every other parameter
        as given, so a count says what ticking the option (too) would bring. Options without
        results are left out unless they are chosen.
        """
        result = []
        for facet in FACETS:
            ids = self.filter_queryset(self.queryset.all(), leave_out=facet.name).values("pk")
            rows = (
                Organisation.objects.filter(pk__in=ids)
                .exclude(**{f"{facet.value_field()}__isnull": True})
                .values(facet.value_field(), *facet.label_fields(), *self._order_field(facet))
                .annotate(count=Count("pk"))
                .order_by()
            )
            chosen = self._chosen(facet)
            options = {}
            for row in rows:
                value = row[facet.value_field()]
                options[value] = {
                    "value": value,
                    "label": self._label(facet, row),
                    "count": row["count"],
                    "selected": value in chosen,
                    "order": self._order(facet, row, value),
                }
            for value, (label, order) in chosen.items():
                options.setdefault(
                    value,
                    {"value": value, "label": label, "count": 0, "selected": True, "order": order},
                )
            options = sorted(options.values(), key=lambda option: option["order"])
            more = options[FACET_OPTIONS_SHOWN:]
            result.append(
                {
                    "name": facet.name,
                    "label": facet.label,
                    "options": options,
                    "shown": options[:FACET_OPTIONS_SHOWN],
                    "more": more,
                    "more_open": any(option["selected"] for option in more),
                }
            )
        return result

    def _order_field(self, facet):
        if facet.key and facet.order:
            return [f"{facet.path}__{facet.order}"]
        return []

    def _order(self, facet, row, value):
        if not facet.key:
            return OrganisationKind.values.index(value)
        return row[f"{facet.path}__{facet.order}"]

    def _label(self, facet, row):
        if not facet.key:
            return OrganisationKind(row[facet.path]).label
        if facet.translated:
            return _translated_label(row, facet.path)
        return row[f"{facet.path}__name"]

    def _chosen(self, facet):
        """The valid chosen options of a facet: {value: (label, order)}."""
        chosen = self._value(facet.name) or []
        if not facet.key:
            return {
                value: (OrganisationKind(value).label, OrganisationKind.values.index(value))
                for value in chosen
            }
        return {getattr(obj, facet.key): (obj.name, getattr(obj, facet.order)) for obj in chosen}

    def _chosen_labels(self, name):
        return [str(label) for label, _order in self._chosen(FACETS_BY_NAME[name]).values()]

    def _without(self, name, value=None):
        """The current query string without `name` (or one of its values), from page 1."""
        data = self.data.copy()
        data.pop("page", None)
        data.pop("format", None)
        if value is None:
            data.pop(name, None)
        else:
            data.setlist(name, [v for v in data.getlist(name) if v != value])
        return data.urlencode()

    def active_filters(self):
        """What narrows the search now, each with the query string that drops it."""
        active = []
        if self.query:
            active.append(
                {
                    "label": _("Search: “%(query)s”") % {"query": self.query},
                    "remove": self._without("q"),
                }
            )
        if self.point:
            data = self.data.copy()
            for name in ("postcode", "km", "page", "format"):
                data.pop(name, None)
            if data.get("sort") == Sort.DISTANCE:
                data.pop("sort")
            active.append({"label": self.distance_label(), "remove": data.urlencode()})
        for facet in FACETS:
            for value, (label, _order) in self._chosen(facet).items():
                active.append(
                    {
                        "label": f"{facet.label}: {label}",
                        "remove": self._without(facet.name, str(value)),
                    }
                )
        if self._value("verified"):
            active.append({"label": _("Verified only"), "remove": self._without("verified")})
        return active

    def distance_label(self):
        if self.radius_km:
            return _("Within %(km)s km of %(place)s") % {"km": self.radius_km, "place": self.point}
        return _("Near %(place)s") % {"place": self.point}

    def wider(self):
        """Twice the distance (km, and the query string), when the distance can still grow."""
        if not self.radius_km or self.radius_km >= MAX_KM:
            return None
        km = min(self.radius_km * 2, MAX_KM)
        data = self.data.copy()
        data.pop("page", None)
        data["km"] = str(km)
        return {"km": km, "query": data.urlencode()}

    def describe(self):
        """The search in one sentence, as the title of a printed guide.

        "Social-economy enterprises for green maintenance within 25 km of 3700 Tongeren".
        """
        kinds = self._value("kind") or []
        parts = [str(KIND_PLURALS[kinds[0]]) if len(kinds) == 1 else gettext("Organisations")]
        services = self._chosen_labels("service")
        if services:
            # A service reads as a common noun inside the sentence: "for green maintenance".
            services = [label[:1].lower() + label[1:] for label in services]
            parts.append(gettext("for %(services)s") % {"services": _either(services)})
        recognitions = self._chosen_labels("recognition")
        if recognitions:
            parts.append(
                gettext("recognised as %(recognitions)s") % {"recognitions": _either(recognitions)}
            )
        sectors = self._chosen_labels("sector")
        if sectors:
            parts.append(gettext("in the sector %(sectors)s") % {"sectors": _either(sectors)})
        if self.query:
            parts.append(gettext("matching “%(query)s”") % {"query": self.query})
        places = self._chosen_labels("province") + self._chosen_labels("region")
        if places:
            parts.append(gettext("in %(places)s") % {"places": _either(places)})
        if self.radius_km:
            parts.append(
                gettext("within %(km)s km of %(place)s")
                % {"km": self.radius_km, "place": self.point}
            )
        elif self.point:
            parts.append(gettext("near %(place)s") % {"place": self.point})
        if self._value("verified"):
            parts.append(gettext("(verified only)"))
        return " ".join(parts)


def _either(labels):
    """Labels joined as a list with "or": a; a or b; a, b or c."""
    labels = [str(label) for label in labels]
    if len(labels) == 1:
        return labels[0]
    return gettext("%(first)s or %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}
