"""The search contract of every list page: GET parameters, facets with counts, distance, sort.

ARCHITECTURE.md: `q` (text), facets named after their fields (several values each: OR within a
facet, AND between facets), `postcode` and `km`, `sort`, `page` (and `per_page`), `format=csv`.
A bad value never breaks a page: the form reports it in words and the search runs without it.

`FacetedSearch` is a django-filter FilterSet that the directory, the vacancies and the service
requests extend with their own filters, their FACETS and their sort orders.
"""

import re
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Count
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from . import geography
from .models import Municipality, Province, Region

PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
# A facet lists this many options; the rest fold away under "Show more" (a <details>, no script).
FACET_OPTIONS_SHOWN = 10
# Flanders is about 250 km from De Panne to Voeren; a wider circle asks for all of Belgium.
MAX_KM = 250
KM_ERROR = _("Enter the distance as a whole number of km, from 1 to 250.")  # MAX_KM


# A list counts its results up to this many; beyond it says "more than 1,000" (issue 9: on a
# broad search, counting every result costs as much as finding them).
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A Paginator that counts at most COUNT_CAP results, in one query (a COUNT over the
    results with a LIMIT): `capped` says there are more, and the pages end at the cap."""

    def __init__(self, object_list, per_page, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP

    @cached_property
    def counted(self):
        """The results counted up to one beyond the cap."""
        return self.object_list[: self.cap + 1].count()

    @property
    def count(self):
        return min(self.counted, self.cap)

    @property
    def capped(self):
        return self.counted > self.cap


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


class SearchForm(forms.Form):
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
    """A facet: its GET parameter, the path from the model to the value, and its labels.

    A facet over related rows names the field that identifies an option in the URL (`key`:
    slug or code) and the field options are listed by (`order`). A facet over a field with
    choices names them instead (`choices`, a TextChoices class). A `flag` facet is one checkbox
    over a boolean field ("open to doorstroom"), counted where the field is true; its filter is
    a CheckboxFilter.
    """

    name: str
    label: str
    path: str
    key: str = ""
    order: str = ""
    translated: bool = True  # name_nl/name_fr/name_en rather than one name
    choices: type | None = None
    flag: bool = False

    def value_field(self):
        return f"{self.path}__{self.key}" if self.key else self.path

    def label_fields(self):
        if not self.key:
            return []
        names = ["name_nl", "name_fr", "name_en"] if self.translated else ["name"]
        return [f"{self.path}__{name}" for name in names]

    def order_fields(self):
        return [f"{self.path}__{self.order}"] if self.key and self.order else []

    def label_of(self, row):
        if self.choices:
            return self.choices(row[self.path]).label
        if self.translated:
            language = (get_language() or "nl")[:2]
            return row.get(f"{self.path}__name_{language}") or row.get(f"{self.path}__name_nl", "")
        return row[f"{self.path}__name"]

    def order_of(self, row, value):
        if self.choices:
            return self.choices.values.index(value)
        return row[f"{self.path}__{self.order}"]

    def chosen(self, values):
        """{value: (label, order)} for the cleaned values of this facet's filter."""
        if self.flag:
            return {"1": (self.label, 0)} if values else {}
        if self.choices:
            return {
                value: (self.choices(value).label, self.choices.values.index(value))
                for value in values
            }
        return {getattr(obj, self.key): (obj.name, getattr(obj, self.order)) for obj in values}


class Sort:
    """The sort orders every list knows; a list adds its own (e.g. closing soon)."""

    RELEVANCE = "relevance"
    DISTANCE = "distance"


class FacetedSearch(django_filters.FilterSet):
    """The shared machinery; subclasses declare filters, FACETS, SORT_CHOICES and SORT_ORDER.

    SORT_ORDER maps a sort value to order_by() arguments; `default_ordering()` picks the order
    when none (or one that does not apply) is asked.
    """

    FACETS = []
    SORT_CHOICES = []
    SORT_ORDER = {}

    class Meta:
        form = SearchForm

    # --- Filtering --------------------------------------------------------------------------

    def filter_distance(self, queryset, name, postcode):
        km = self.form.cleaned_data.get("km")
        if km:
            return geography.within(queryset, postcode, km)
        return geography.annotate_distance(queryset, postcode)

    def filter_nothing(self, queryset, name, value):
        return queryset

    # Every list is of Located rows: the place filters are the same for all of them.
    def filter_province(self, queryset, name, value):
        return queryset.filter(province__in=value)

    def filter_region(self, queryset, name, value):
        return queryset.filter(municipality__in=Municipality.objects.filter(regions__in=value))

    def filter_queryset(self, queryset, *, leave_out=None):
        """Apply every valid parameter, except those named in `leave_out` (a name or a list)."""
        leave_out = [leave_out] if isinstance(leave_out, str) else leave_out or []
        names = [name for name in self.form.cleaned_data if name not in leave_out]
        return self._apply(queryset, names)

    def _apply(self, queryset, names):
        """Apply the valid parameters `names`."""
        for name in names:
            value = self.form.cleaned_data.get(name)
            # An empty choice cleans to an empty list or queryset: nothing to filter on.
            if value:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def ordered(self, queryset):
        return queryset.order_by(*self.SORT_ORDER[self.ordering])

    @property
    def qs(self):
        """The results, filtered and in the order in effect."""
        if not hasattr(self, "_qs"):
            self._qs = self.ordered(super().qs)
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

    def applies(self, sort):
        if sort == Sort.RELEVANCE:
            return bool(self.query)
        if sort == Sort.DISTANCE:
            return self.point is not None
        return sort in self.SORT_ORDER

    def default_ordering(self):
        raise NotImplementedError

    @property
    def ordering(self):
        """The order in effect: the one asked for when it applies, else the default."""
        asked = self._value("sort")
        return asked if asked and self.applies(asked) else self.default_ordering()

    def sort_options(self):
        """The orders that make sense for this search: value, label and whether it is in effect."""
        return [
            {"value": value, "label": label, "selected": value == self.ordering}
            for value, label in self.SORT_CHOICES
            if self.applies(value)
        ]

    def facets(self):
        """Every facet with its options and counts, one grouped query per facet.

        An option's count is the number of results with that option and every other parameter
        as given, so a count says what ticking the option (too) would bring. Options without
        results are left out unless they are chosen.
        """
        result = []
        # Every parameter but the facets is applied once; each facet's count adds the others.
        names = [facet.name for facet in self.FACETS]
        common = self.filter_queryset(self.queryset.all(), leave_out=names)
        for facet in self.FACETS:
            filtered = self._apply(common, [name for name in names if name != facet.name])
            if facet.flag:
                result.append(self._flag_facet(facet, filtered))
                continue
            # Grouped straight on the results (no self-join): every filter over a related
            # table is a subquery, so each result is one row per option it has.
            rows = (
                filtered.filter(**{f"{facet.value_field()}__isnull": False})
                .values(facet.value_field(), *facet.label_fields(), *facet.order_fields())
                .annotate(count=Count("pk"))
                .order_by()
            )
            if facet.choices:
                # A blank (an optional field left empty) is no option to offer.
                rows = rows.filter(**{f"{facet.path}__in": facet.choices.values})
            chosen = self._chosen(facet)
            options = {}
            for row in rows:
                value = row[facet.value_field()]
                options[value] = {
                    "value": value,
                    "label": facet.label_of(row),
                    "count": row["count"],
                    "selected": value in chosen,
                    "order": facet.order_of(row, value),
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

    def _flag_facet(self, facet, filtered):
        """A flag facet: one option, counted with a plain count (one query) over `filtered`,
        the results with every parameter but this facet."""
        count = filtered.filter(**{facet.path: True}).count()
        selected = bool(self._value(facet.name))
        # Like any option without results, a flag that would leave nothing is not offered.
        options = (
            [{"value": "1", "label": facet.label, "count": count, "selected": selected}]
            if count or selected
            else []
        )
        return {
            "name": facet.name,
            "label": facet.label,
            "flag": True,
            "options": options,
            "shown": options,
            "more": [],
            "more_open": False,
        }

    def _facet(self, name):
        return next(facet for facet in self.FACETS if facet.name == name)

    def _chosen(self, facet):
        """The valid chosen options of a facet: {value: (label, order)}."""
        return facet.chosen(self._value(facet.name) or [])

    def chosen_labels(self, name):
        return [str(label) for label, _order in self._chosen(self._facet(name)).values()]

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

    def extra_active_filters(self):
        """Filters other than text, distance and facets that narrow the search now."""
        return []

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
        for facet in self.FACETS:
            for value, (label, _order) in self._chosen(facet).items():
                if facet.flag:
                    # A checkbox may come as "1", "on" or "true": drop the parameter whole.
                    active.append({"label": label, "remove": self._without(facet.name)})
                    continue
                active.append(
                    {
                        "label": f"{facet.label}: {label}",
                        "remove": self._without(facet.name, str(value)),
                    }
                )
        return active + self.extra_active_filters()

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

    def describe_place(self):
        """The distance part of a one-sentence description ("within 25 km of 3700 Tongeren")."""
        if self.radius_km:
            return gettext("within %(km)s km of %(place)s") % {
                "km": self.radius_km,
                "place": self.point,
            }
        if self.point:
            return gettext("near %(place)s") % {"place": self.point}
        return ""


def either(labels):
    """Labels joined as a list with "or": a; a or b; a, b or c."""
    labels = [str(label) for label in labels]
    if len(labels) == 1:
        return labels[0]
    return gettext("%(first)s or %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def postcode_filter():
    return PostcodeFilter(
        label=_("Postcode"),
        method="filter_distance",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": "4"}
        ),
    )


def province_filter():
    return FacetFilter(
        label=_("Province"),
        queryset=Province.objects.all(),
        to_field_name="slug",
        method="filter_province",
    )


def region_filter():
    return FacetFilter(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="slug",
        method="filter_region",
    )


def km_filter():
    return WholeNumberFilter(
        label=_("Distance (km)"),
        method="filter_nothing",  # read by filter_distance
        min_value=1,
        max_value=MAX_KM,
        error_messages=dict.fromkeys(["invalid", "min_value", "max_value"], KM_ERROR),
    )


def text_filter(method="filter_text"):
    return django_filters.CharFilter(
        label=_("Search"),
        method=method,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


def sort_filter(choices):
    return PlainChoiceFilter(
        label=_("Sort by"), choices=choices, required=False, method="filter_nothing"
    )
