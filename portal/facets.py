"""The search contract of every list page: GET parameters, facets with counts, distance, sort.

ARCHITECTURE.md: `q` (text), facets named after their fields (several values each: OR within a
facet, AND between facets), `postcode` and `km`, `sort`, `page` (and `per_page`), `format=csv`.
A bad value never breaks a page: the form reports it in words and the search runs without it.

`FacetedSearch` is a django-filter FilterSet that the directory, the vacancies and the service
requests extend with their own filters, their FACETS and their sort orders.
"""

import functools
import hashlib
import json
import re
from array import array
from dataclasses import dataclass

import django_filters
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Exists, F, OuterRef, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from . import datachanges, geography, places, reference, textsearch
from .cache import code_fingerprint
from .forms import IntegerField
from .models import Province, Region

PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
MAX_PAGE = 1_000_000
# A facet lists this many options; the rest fold away under "Show more" (a <details>, no script).
FACET_OPTIONS_SHOWN = 10
# Flanders is about 250 km from De Panne to Voeren; a wider circle asks for all of Belgium.
MAX_KM = 250
KM_ERROR = _("Enter the distance as a whole number of km, from 1 to 250.")  # MAX_KM
# How long a browsed list's counts and order stay in the cache (FacetedSearch.browsing()). The
# key holds the data version and the day, so an entry is never served stale; those of past
# versions are left to expire.
BROWSE_CACHE_SECONDS = 60 * 60


class CountedPaginator(Paginator):
    """A Paginator over results already counted and ordered (FacetedSearch.paginate()): the
    object list, which may be lazy, is only sliced when a page is not at hand already."""

    def __init__(self, object_list, per_page, *, count, ready=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count
        self.ready = ready or {}  # {page number: its rows, fetched already}

    def page(self, number):
        number = self.validate_number(number)
        if number in self.ready:
            return self._get_page(self.ready[number], number, self)
        return super().page(number)

    def _check_object_list_is_ordered(self):
        """A search's results are always in its order in effect (and the check would build
        a lazy object list for nothing)."""


def _compiled(queryset):
    """(sql, params) of a queryset, to be part of a larger statement."""
    return queryset.query.get_compiler(using=queryset.db).as_sql()


# The option columns of a row of FacetedSearch._counted's statement, for a count that has none
# (a flag, a choice, the number of results, the page).
NO_OPTION_COLUMNS = (
    "CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), "
    "CAST(NULL AS BIGINT), CAST(NULL AS TEXT)"
)


def _option_columns(facet, where, quote):
    """The option's key, its three labels (nl, fr, en, or its one name thrice) and its order (a
    number, or else a text), from the option's row `o`, as _counted's statement reads them."""
    if facet.choices or where.option_model is None:
        return NO_OPTION_COLUMNS
    meta = where.option_model._meta
    labels = [f"o.{quote(meta.get_field(name).column)}" for name in facet.label_names()]
    labels = (labels * 3)[:3]
    order = meta.get_field(facet.order)
    ordered = f"o.{quote(order.column)}"
    number, text = (
        (f"CAST({ordered} AS BIGINT)", "CAST(NULL AS TEXT)")
        if order.get_internal_type().endswith("IntegerField")
        else ("CAST(NULL AS BIGINT)", f"CAST({ordered} AS TEXT)")
    )
    key = f"CAST(o.{quote(meta.get_field(facet.key).column)} AS TEXT)"
    return ", ".join([key, *labels, number, text])


def _option_join(where, value, quote):
    """The option's row `o` joined on `value`, when the option is a row."""
    if where.option_model is None:
        return ""
    meta = where.option_model._meta
    return f"JOIN {quote(meta.db_table)} o ON o.{quote(meta.pk.column)} = {value} "


def _canonical(value):
    """A cleaned parameter as it counts for a browse's cache key: rows by primary key, a place
    by its postcode (which gives the point), lists sorted."""
    if isinstance(value, list | tuple) or hasattr(value, "model"):
        return sorted({str(_canonical(item)) for item in value})
    if isinstance(value, places.Place):
        return f"place:{value.postcode.pk}"
    return str(getattr(value, "pk", value))


def _packed(ids):
    """Primary keys as a compact array when they are whole numbers (the order of 50,000 results
    is 400 kB in the cache, not 1.4 MB pickled as a list)."""
    try:
        return array("q", ids)
    except (TypeError, OverflowError):
        return list(ids)


def default_km():
    """The distance searched within when a place comes without one."""
    return min(settings.PLACE_DEFAULT_KM, MAX_KM)


def page_size(value):
    """`per_page` as asked when it is a whole number up to MAX_PAGE_SIZE, else the default."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return PAGE_SIZE
    return min(size, MAX_PAGE_SIZE) if size > 0 else PAGE_SIZE


class PlaceField(forms.CharField):
    """A place by name or postcode (portal.places); cleans to a places.Place (which serves as a
    point), and says in words what it cannot use: an unknown place, or a name of several places
    with the choices."""

    def clean(self, value):
        return places.find(super().clean(value) or "")


class FacetField(django_filters.fields.ModelMultipleChoiceField):
    """Options named by slug or code; anything else is refused before it reaches the database
    (PostgreSQL cannot even compare a string with a NUL character in it). Options that are
    reference rows (sectors, service categories, provinces) are found in memory
    (portal.reference), in their model's order."""

    def clean(self, value):
        for item in value or []:
            if not isinstance(item, str) or not re.fullmatch(r"[-\w]{1,60}", item):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item[:60]},
                )
        model = self.queryset.model
        if not value or model not in reference.MODELS or self.queryset.query.where:
            return super().clean(value)
        found = []
        for item in dict.fromkeys(value):
            row = reference.find(model, self.to_field_name, item, using=self.queryset.db)
            if row is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
            found.append(row)
        order = [name for name in model._meta.ordering if not name.startswith("-")]
        return sorted(found, key=lambda row: [getattr(row, name) for name in order])


class FacetFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = FacetField


class PlaceFilter(django_filters.Filter):
    field_class = PlaceField


class WholeNumberFilter(django_filters.Filter):
    # Its limits said in the language's format (portal/validators.py).
    field_class = IntegerField


class CheckboxFilter(django_filters.Filter):
    field_class = forms.BooleanField


class PlainChoiceFilter(django_filters.Filter):
    """A single choice without django-filter's empty option."""

    field_class = forms.ChoiceField


class SearchForm(forms.Form):
    # The place that a text query ended in, when the place field was left empty (places.py).
    place_from_query = None

    def clean(self):
        cleaned_data = super().clean()
        if (
            "postcode" in self.fields
            and cleaned_data.get("q")
            and not (self.data.get(self.add_prefix("postcode")) or "").strip()
        ):
            text, place = places.split_query(cleaned_data["q"])
            if place:
                cleaned_data["q"], cleaned_data["postcode"] = text, place
                self.place_from_query = place
        if (
            cleaned_data.get("km")
            and not cleaned_data.get("postcode")
            and not self.has_error("postcode")
        ):
            self.add_error("postcode", _("Enter a place or postcode to search within a distance."))
        return cleaned_data


@dataclass(frozen=True)
class Reach:
    """How a row of a list reaches the options of a facet, in the row's own table.

    `column`: the row's field (an attname) that holds the option itself, or, for an option the
    row has several of, the key by which `link` rows belong to it (often the row's "pk").
    `link`, `key`, `option`: for such options, the model whose rows pair a `key` with an
    `option` (attnames): a through table, or the rows of a reverse foreign key.
    `option_model`: the model options are rows of (None for plain values or a flag).
    """

    column: str
    link: type | None = None
    key: str = ""
    option: str = ""
    option_model: type | None = None

    def pairs(self):
        """(k, o) rows of the link, for SQL."""
        return self.link._default_manager.values(k=F(self.key), o=F(self.option)).order_by()

    def has_any(self, values):
        """Whether the row has one of the options `values` (an EXISTS over the row's own link
        rows, which an index on the link's key finds; a row with two of them is one row)."""
        return Exists(
            self.link._default_manager.filter(
                **{self.key: OuterRef(self.column), f"{self.option}__in": values}
            )
        )


def _keys(options):
    """The values a facet's cleaned options stand for in the table: a row's primary key, or the
    value itself (a choice)."""
    return [getattr(option, "pk", option) for option in options]


@functools.cache
def _pairs(where, using):
    """(sql, params) of where.pairs(): the same for every search, so compiled once."""
    sql, params = _compiled(where.pairs().using(using))
    return sql, tuple(params)


@functools.cache
def reach(model, path):
    """The Reach of the facet `path` from `model`. Four shapes are known: a field of the row
    ("kind", "province"), a many-to-many field ("sectors"), a reverse foreign key then a foreign
    key ("services__category"), a foreign key then a reverse many-to-many ("municipality__regions").
    """
    first, _sep, rest = path.partition("__")
    field = model._meta.get_field(first)
    if not rest and field.many_to_many and not field.auto_created:
        through = field.remote_field.through._meta
        return Reach(
            "pk",
            link=through.model,
            key=through.get_field(field.m2m_field_name()).attname,
            option=through.get_field(field.m2m_reverse_field_name()).attname,
            option_model=field.related_model,
        )
    if not rest and field.concrete:
        return Reach(field.attname, option_model=field.related_model)
    if field.one_to_many and "__" not in rest:
        option = field.related_model._meta.get_field(rest)
        return Reach(
            "pk",
            link=field.related_model,
            key=field.field.attname,
            option=option.attname,
            option_model=option.related_model,
        )
    if field.many_to_one and "__" not in rest:
        target = field.related_model._meta.get_field(rest)
        if target.many_to_many and target.auto_created:
            m2m = target.field
            through = m2m.remote_field.through._meta
            return Reach(
                field.attname,
                link=through.model,
                key=through.get_field(m2m.m2m_reverse_field_name()).attname,
                option=through.get_field(m2m.m2m_field_name()).attname,
                option_model=target.related_model,
            )
    raise ImproperlyConfigured(f"A facet cannot reach {path!r} from {model.__name__}.")


@dataclass(frozen=True)
class Facet:
    """A facet: its GET parameter, the path from the model to the value, and its labels.

    A facet over related rows names the field that identifies an option in the URL (`key`:
    slug or code) and the field options are listed by (`order`). A facet over a field with
    choices names them instead (`choices`, a TextChoices class). A `flag` facet is one checkbox
    over a boolean field ("open to doorstroom"), counted where the field is true; its filter is
    a CheckboxFilter. Every facet's filter is FacetedSearch.filter_facet, so that what a facet
    filters and what it counts cannot differ.
    """

    name: str
    label: str
    path: str
    key: str = ""
    order: str = ""
    translated: bool = True  # name_nl/name_fr/name_en rather than one name
    choices: type | None = None
    flag: bool = False

    def label_names(self):
        return ["name_nl", "name_fr", "name_en"] if self.translated else ["name"]

    def label_of(self, row):
        """The label of an option row (of the option model) in the active language."""
        if self.translated:
            language = (get_language() or "nl")[:2]
            return row.get(f"name_{language}") or row["name_nl"]
        return row["name"]

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

    def filter_distance(self, queryset, name, place):
        """The rows within the distance asked of the place, or else within the default radius
        (settings.PLACE_DEFAULT_KM)."""
        return geography.within(queryset, place, self.form.cleaned_data.get("km") or default_km())

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_facet(self, queryset, name, value):
        """Narrow to rows with one of the chosen options of the facet `name` (the filter method
        of every facet), tested as _counted's statement tests it."""
        facet = self._facet(name)
        where = reach(queryset.model, facet.path)
        if facet.flag:
            return queryset.filter(**{where.column: True})
        if where.link is None:
            return queryset.filter(**{f"{where.column}__in": _keys(value)})
        return queryset.filter(where.has_any(_keys(value)))

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

    def for_cards(self, queryset):
        """`queryset` with what a result card shows (related rows, annotations)."""
        return queryset

    def rank(self, queryset):
        """`queryset` annotated with the relevance `search_rank` of the text query, not
        narrowed (the list's search module's rank())."""
        raise NotImplementedError

    def sort_keys(self, queryset):
        """`queryset` with what the order in effect sorts on (a relevance, a distance) and no
        more, in that order."""
        ordering = self.ordering
        if ordering == Sort.RELEVANCE:
            queryset = self.rank(queryset)
        elif ordering == Sort.DISTANCE:
            queryset = geography.annotate_distance(queryset, self.point)
        return queryset.order_by(*self.SORT_ORDER[ordering])

    def ordered(self, queryset):
        """The results with what cards show, in the order in effect."""
        return self.for_cards(queryset).order_by(*self.SORT_ORDER[self.ordering])

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
        """The place searched from (a places.Place), when a valid one was given in the place
        field or at the end of the text query."""
        return self._value("postcode")

    @property
    def radius_km(self):
        """The distance searched within: the one asked, else the default one."""
        if not self.point:
            return None
        return self._value("km") or default_km()

    @property
    def default_radius(self):
        """Whether a place was given without a distance (the default radius applies)."""
        return bool(self.point) and not self._value("km")

    @property
    def place_from_query(self):
        """The place that the text query ended in (None when it did not, or a place was given
        in the place field)."""
        if not self.is_bound:
            return None
        self.form.is_valid()
        return self.form.place_from_query

    @property
    def query(self):
        return (self._value("q") or "").strip()

    def suggestion(self):
        """ "Did you mean": the query with each word that is no known word replaced by the
        closest known word, for a search that found nothing; else None."""
        if not self.query or self.count():
            return None
        return textsearch.did_you_mean(self.query, using=self.queryset.db)

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
        """The order in effect: the one asked for when it applies, else the default. A place
        without a distance (the default radius) sorts by distance, as does a place without a
        text query; with a text and a distance asked, the list's own default (relevance)."""
        asked = self._value("sort")
        if asked and self.applies(asked):
            return asked
        if self.point and (self.default_radius or not self.query):
            return Sort.DISTANCE
        return self.default_ordering()

    def sort_options(self):
        """The orders that make sense for this search: value, label and whether it is in effect."""
        return [
            {"value": value, "label": label, "selected": value == self.ordering}
            for value, label in self.SORT_CHOICES
            if self.applies(value)
        ]

    def count(self):
        """How many results the search has (counted with the facets, in the same query)."""
        return self._counted[1]

    def paginate(self, number, per_page):
        """Page `number` (as asked: any string; 1 when it is no whole number, the last when
        beyond it) of the results, `per_page` results a page.

        The query that counts the facets also counts the results and finds the asked page's
        rows in order (a browsed list: every result's, kept in the cache); the rows themselves
        then come by primary key (the cards' related rows with them), rather than the whole
        search running a second time to sort it.
        """
        try:
            # Far beyond any last page is beyond it all the same (and no OFFSET overflows).
            wanted = min(max(int(number), 1), MAX_PAGE)
        except (TypeError, ValueError):
            wanted = 1
        if self.browsing():
            _counts, total, ordered = self._counted
            # The last page when beyond it, sliced from the order at hand.
            wanted = min(wanted, max(1, -(-total // per_page)))
            ids = ordered[(wanted - 1) * per_page : wanted * per_page]
        else:
            if getattr(self, "_window", None) != (wanted, per_page):
                # Counted before without this page (facets() first): count again with it.
                self.__dict__.pop("_counted", None)
                self._window = (wanted, per_page)
            _counts, total, ids = self._counted
        rows = self.for_cards(self.queryset.filter(pk__in=ids)) if ids else []
        found = {row.pk: row for row in rows}
        ready = [found[pk] for pk in ids if pk in found]
        if self.point:
            # A page's few distances: worked out here as the database does (no expression to
            # build and compile for them).
            for row in ready:
                row.distance_km = geography.haversine_km(self.point, row)
        # Another page (the last, when the one asked is beyond it) is sliced from the results.
        return CountedPaginator(
            SimpleLazyObject(lambda: self.qs), per_page, count=total, ready={wanted: ready}
        ).get_page(wanted)

    # --- Browsing: a list without a text query, from the cache ----------------------------

    def browsing(self):
        """Whether this search is a browse of the list (no text query): its facet counts, its
        number of results and the order of all its results are then kept in the cache by the
        data version and the day (portal/datachanges.py), so that every page of it, and its
        facets, cost a cache read and the page's rows. A text query makes each search its own
        and is counted afresh (the search narrows what is counted)."""
        return not self.query

    def browsed_ids(self):
        """The primary keys of every result of a browse (browsing()), in the order in effect:
        the very order the page slices its pages from, out of the cache (the API's lists page
        through it too, api/cursors.py)."""
        return self._counted[2]

    def browse_key(self, version):
        """The cache key of this browse: the list (its class and the code that counts), the base
        rows it searches (their SQL), every valid parameter, the order in effect, the distance,
        the day and the data version."""
        self.form.is_valid()
        parameters = {}
        for name, value in sorted(self.form.cleaned_data.items()):
            if value is not None and value is not False and _canonical(value) not in ("", []):
                parameters[name] = _canonical(value)
        sql, params = self.queryset.query.sql_with_params()
        selection = json.dumps(
            [
                parameters,
                self.ordering,
                self.radius_km,
                sql,
                [str(param) for param in params],
            ],
            sort_keys=True,
        )
        return ":".join(
            [
                "browse",
                type(self).__qualname__,
                code_fingerprint(__name__, type(self).__module__),
                hashlib.sha256(selection.encode()).hexdigest()[:32],
                timezone.localdate().isoformat(),
                version,
            ]
        )

    def _browsed(self):
        """_counted's figures of a browse, with the primary keys of every result in order:
        from the cache, or counted in one statement and kept there."""
        # The version first: figures counted after reading it are at least as new as it says.
        key = self.browse_key(datachanges.version(using=self.queryset.db))
        found = cache.get(key)
        if found is None:
            found = self._count(everything=True)
            cache.set(key, (found[0], found[1], _packed(found[2])), BROWSE_CACHE_SECONDS)
        return found

    def facets(self):
        """Every facet with its options and counts.

        An option's count is the number of results with that option and every other parameter
        as given, so a count says what ticking the option (too) would bring. Options without
        results are left out unless they are chosen.
        """
        counts, _total, _ids = self._counted
        result = []
        for index, facet in enumerate(self.FACETS):
            found = counts.get(index, [])
            if facet.flag:
                result.append(self._flag_facet(facet, sum(row[1] for row in found)))
                continue
            chosen = self._chosen(facet)
            options = {}
            for value, label, order, count in self._options(facet, found):
                options[value] = {
                    "value": value,
                    "label": label,
                    "count": count,
                    "selected": value in chosen,
                    "order": order,
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

    def _options(self, facet, found):
        """(value, label, order, count) of the options of `facet` counted by _counted."""
        if facet.choices:
            return [
                (value, facet.choices(value).label, facet.choices.values.index(value), count)
                for value, count, *_labels in found
                if value in facet.choices.values
            ]
        names = facet.label_names()
        return [
            (
                key,
                facet.label_of(dict(zip(names, labels, strict=False))),
                number if text is None else text,
                count,
            )
            for _value, count, key, *labels, number, text in found
        ]

    @cached_property
    def _counted(self):
        """({facet index: [(raw option value, count, ...)]}, number of results, primary keys
        of the asked page's rows, or of every result when browsing, in order)."""
        if self.browsing():
            return self._browsed()
        return self._count()

    def _count(self, *, everything=False):
        """({facet index: [(raw option value, count, ...)]}, number of results, ...): one query.

        The rows that every parameter but the facets lets through are selected once (a common
        table expression, with the columns the facets need); each facet is counted over those
        of them that pass every other facet, grouped by its option, and the results are those
        that pass every facet. The text search and the distance are thus worked out once, not
        once per facet. Option values come back as text (a union needs one type). When a page
        is asked (paginate()), the rows carry their position in the order in effect, and the
        primary keys of the page's rows come back too; with `everything`, those of every
        result; else None.
        """
        window = "everything" if everything else getattr(self, "_window", None)
        with textsearch.shared_near_words() as near_words:
            sql, params = self._counting_statement(window)
        # A near-word lookup that the statement refers to (PostgreSQL text search) comes first.
        for name, near_sql, near_params in near_words.values():
            sql = f"{name} (q) AS (SELECT {near_sql}), {sql}"
            params = [*near_params, *params]
        counts, total, page = {}, 0, []
        model = self.queryset.model
        with connections[self.queryset.db].cursor() as cursor:
            cursor.execute(f"WITH {sql}", params)
            for index, value, count, *option in cursor.fetchall():
                if index == -1:
                    total = count
                elif index == -2:
                    page.append((count, model._meta.pk.to_python(value)))
                else:
                    counts.setdefault(index, []).append((value, count, *option))
        return counts, total, [pk for _position, pk in sorted(page)] if window else None

    def _counting_statement(self, window=None):
        """The SQL (after WITH) and parameters of _count's statement; `window`: the page
        (number, per_page) whose rows to find, "everything" for every result, or None."""
        model = self.queryset.model
        names = [facet.name for facet in self.FACETS]
        common = self.queryset.all()
        if self.is_bound:
            self.form.is_valid()  # a bad value is left out, as the results leave it out
            common = self.filter_queryset(common, leave_out=names)
        common = common.order_by()
        reaches = [reach(model, facet.path) for facet in self.FACETS]
        fields = list(dict.fromkeys(["pk", *(where.column for where in reaches)]))
        # A chosen facet over link rows (services, sectors, a region) is tested once per row,
        # in m, rather than once in every count that it narrows.
        having = {}
        for index, (facet, where) in enumerate(zip(self.FACETS, reaches, strict=True)):
            value = self._value(facet.name)
            if value and where.link is not None and not facet.flag:
                having[f"facet_{index}"] = where.has_any(_keys(value))
        if having:
            common = common.annotate(**having)
        fields += list(having)
        # Every result's position, with no facet chosen: numbered in m itself (its rows are the
        # results), rather than each result read again by primary key to be sorted. With a
        # facet, the fewer rows that pass are sorted below.
        numbered_in_m = window == "everything" and not any(
            self._value(facet.name) for facet in self.FACETS
        )
        if numbered_in_m:
            common = self.sort_keys(common).annotate(
                facet_position=Window(RowNumber(), order_by=self.SORT_ORDER[self.ordering])
            )
            fields.append("facet_position")
        column = {field: f"c{index}" for index, field in enumerate(fields)}
        rows_sql, params = _compiled(common.values_list(*fields))

        conditions = {}
        for index, (facet, where) in enumerate(zip(self.FACETS, reaches, strict=True)):
            value = self._value(facet.name)
            if not value:
                continue
            own = f"m.{column[where.column]}"
            if facet.flag:
                conditions[index] = (f"{own} = %s", [True])
            elif where.link is None:
                values = _keys(value)
                conditions[index] = (f"{own} IN ({', '.join(['%s'] * len(values))})", values)
            else:
                conditions[index] = (f"m.{column[f'facet_{index}']}", [])

        columns = ", ".join(column.values())
        if len(conditions) < 2:
            sql = [f"m ({columns}) AS ({rows_sql})"]
        else:
            # Every count reads rows that pass each chosen facet but at most its own: a row
            # that fails two chosen facets is in none, and m leaves it out at once.
            failing = " + ".join(
                f"CASE WHEN {condition} THEN 0 ELSE 1 END" for condition, _ in conditions.values()
            )
            sql = [
                f"m0 ({columns}) AS ({rows_sql}), "  # noqa: S608
                f"m AS (SELECT * FROM m0 AS m WHERE {failing} <= 1)"
            ]
            params = [*params, *(param for _, values in conditions.values() for param in values)]

        def passing(leave_out=None):
            parts = [part for index, part in conditions.items() if index != leave_out]
            return (
                " AND ".join(sql for sql, _params in parts) or "1 = 1",
                [param for _sql, params in parts for param in params],
            )

        quote = connections[common.db].ops.quote_name
        nothing = NO_OPTION_COLUMNS
        branches = []
        for index, (facet, where) in enumerate(zip(self.FACETS, reaches, strict=True)):
            condition, condition_params = passing(leave_out=index)
            own = f"m.{column[where.column]}"
            if facet.flag:
                branches.append(
                    (
                        f"SELECT {index}, CAST(NULL AS TEXT), COUNT(*), {nothing} FROM m "  # noqa: S608
                        f"WHERE {own} = %s AND {condition}",
                        [True, *condition_params],
                    )
                )
                continue
            # Counted per option first, then the option's key and labels joined to the few
            # counts. An option over a link (a region, a service) adds up the counts of its keys
            # (a region's municipalities), which are counted first too.
            if where.link is None:
                counted = (
                    f"SELECT {own} AS v, COUNT(*) AS n FROM m "  # noqa: S608
                    f"WHERE {own} IS NOT NULL AND {condition} GROUP BY {own}"
                )
                counted_params = condition_params
            else:
                pairs_sql, pairs_params = _pairs(where, common.db)
                counted = (
                    "SELECT p.o AS v, CAST(SUM(g.n) AS BIGINT) AS n "  # noqa: S608
                    f"FROM (SELECT {own} AS k, COUNT(*) AS n FROM m WHERE {condition} "
                    f"GROUP BY {own}) g JOIN ({pairs_sql}) p ON p.k = g.k "
                    "WHERE p.o IS NOT NULL GROUP BY p.o"
                )
                counted_params = [*condition_params, *pairs_params]
            option = _option_columns(facet, where, quote)
            branches.append(
                (
                    f"SELECT {index}, CAST(h.v AS TEXT), h.n, {option} "  # noqa: S608
                    f"FROM ({counted}) h {_option_join(where, 'h.v', quote)}",
                    counted_params,
                )
            )
        condition, condition_params = passing()
        branches.append(
            (
                f"SELECT -1, CAST(NULL AS TEXT), COUNT(*), {nothing} FROM m WHERE {condition}",  # noqa: S608
                condition_params,
            )
        )
        if numbered_in_m:
            branches.append(
                (
                    f"SELECT -2, CAST(m.c0 AS TEXT), m.{column['facet_position']}, {nothing} "  # noqa: S608
                    f"FROM m WHERE {condition}",
                    condition_params,
                )
            )
        elif window:
            # The page: the results in order, among the rows of m that pass every facet (the
            # order's rank or distance is then worked out for those rows only, which the search
            # itself found already).
            passing_rows = RawSQL(f"SELECT c0 FROM m WHERE {condition}", condition_params)  # noqa: S608, S611
            positions = (
                self.sort_keys(self.queryset.filter(pk__in=passing_rows))
                .annotate(
                    facet_position=Window(RowNumber(), order_by=self.SORT_ORDER[self.ordering])
                )
                .values_list("pk", "facet_position")
            )
            if window != "everything":
                number, per_page = window
                offset = (number - 1) * per_page
                positions = positions[offset : offset + per_page]
            page_sql, page_params = _compiled(positions)
            branches.append(
                (
                    f"SELECT -2, CAST(page.pk AS TEXT), page.facet_position, {nothing} "  # noqa: S608
                    f"FROM ({page_sql}) page",
                    page_params,
                )
            )
        sql.append(" UNION ALL ".join(branch_sql for branch_sql, _params in branches))
        for _sql, branch_params in branches:
            params = [*params, *branch_params]
        return " ".join(sql), params

    def _flag_facet(self, facet, count):
        """A flag facet: one option, counted where the flag is set and every other parameter
        holds."""
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
        from_query = self.place_from_query
        if self.query:
            remove = self._without("q")
            if from_query:
                # Without the text, the place it ended in stays, in the place field.
                data = QueryDict(remove, mutable=True)
                data["postcode"] = str(from_query)
                remove = data.urlencode()
            active.append(
                {"label": _("Search: “%(query)s”") % {"query": self.query}, "remove": remove}
            )
        if self.point:
            data = self.data.copy()
            for name in ("postcode", "km", "page", "format"):
                data.pop(name, None)
            if data.get("sort") == Sort.DISTANCE:
                data.pop("sort")
            if from_query:
                # The place goes, the text before it stays.
                data["q"] = self.query
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
        if self.default_radius:
            return _("Within %(km)s km of %(place)s (default)") % {
                "km": self.radius_km,
                "place": self.point,
            }
        return _("Within %(km)s km of %(place)s") % {"km": self.radius_km, "place": self.point}

    def place_suggestions(self):
        """The <option>s of the place field's datalist (built once per generation of the
        reference data)."""
        return places.suggestions()

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
        if self.point:
            return gettext("within %(km)s km of %(place)s") % {
                "km": self.radius_km,
                "place": self.point,
            }
        return ""


def either(labels):
    """Labels joined as a list with "or": a; a or b; a, b or c."""
    labels = [str(label) for label in labels]
    if len(labels) == 1:
        return labels[0]
    return gettext("%(first)s or %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def postcode_filter():
    """The place field: a place's name or a postcode, under the parameter `postcode` that links
    and saved searches have always used; suggestions from the datalist `places` (the search
    page's template)."""
    return PlaceFilter(
        label=_("Place or postcode"),
        method="filter_distance",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "maxlength": str(places.MAX_LENGTH), "list": "places"}
        ),
    )


def province_filter():
    return FacetFilter(
        label=_("Province"),
        queryset=Province.objects.all(),
        to_field_name="slug",
        method="filter_facet",
    )


def region_filter():
    return FacetFilter(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="slug",
        method="filter_facet",
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
