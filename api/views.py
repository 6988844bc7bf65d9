"""The read API: organisations, vocabularies, vacancies and service requests, events, reports.

Thin, like the pages: each view runs the page's search (api/searches.py) or loads what the
page loads, and hands the rows to a serializer (api/serializers.py). What the API adds to the
pages is in api/conventions.py (language, conditional GET), api/cursors.py (pages) and
api/problems.py (errors).
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from companies import reports
from companies.filters import DirectoryFilter
from companies.models import Organisation, OrganisationKind, Recognition
from events.filters import EventFilter, for_list
from portal import datachanges
from portal.facets import MAX_PAGE_SIZE, PAGE_SIZE
from portal.models import Province, Region, Sector, ServiceCategory
from procurement import eligibility
from vacancies.access import for_detail
from vacancies.filters import DEFERRED, ServiceRequestFilter, VacancyFilter
from vacancies.models import ServiceRequest, Vacancy

from . import cursors, posting, searches
from .conventions import ApiView, lang_parameter, problems
from .serializers import (
    ChoiceSerializer,
    EventSerializer,
    OrganisationSerializer,
    ProvinceSerializer,
    RegionSerializer,
    ReportSummarySerializer,
    ReportTableSerializer,
    SectorSerializer,
    ServiceRequestSerializer,
    VacancySerializer,
    VocabularySerializer,
)

# What the API reads of an opportunity's poster: its name (the cards') and its slug.
OPPORTUNITY_DEFERRED = [name for name in DEFERRED if name != "organisation__slug"]


def page_response(serializer_class, rows, next_link, previous_link, context):
    return Response(
        {
            "next": next_link,
            "previous": previous_link,
            "results": serializer_class(rows, many=True, context=context).data,
        }
    )


def list_schema(
    serializer_class, *, operation_id, filterset_class=None, paginated=True, description=""
):
    """The schema of a list: its parameters, its page and its problems."""
    parameters = [lang_parameter()]
    if filterset_class is not None:
        parameters = [*searches.parameters(filterset_class), *parameters]
    if paginated:
        parameters += cursors.parameters(default_size=PAGE_SIZE, max_size=MAX_PAGE_SIZE)
    return extend_schema(
        operation_id=operation_id,
        parameters=parameters,
        responses={200: cursors.page_of(serializer_class), **problems(400, 429)},
        description=description,
    )


def detail_schema(serializer_class, *, operation_id, description=""):
    return extend_schema(
        operation_id=operation_id,
        parameters=[lang_parameter()],
        responses={200: serializer_class, **problems(400, 404, 429)},
        description=description,
    )


def own(method):
    """A view's own copy of an inherited method, so that its schema is its own
    (extend_schema marks the function it decorates)."""

    def get(self, request, *args, **kwargs):
        return method(self, request, *args, **kwargs)

    get.__doc__ = method.__doc__
    return get


class ListView(ApiView):
    def paginator(self, request):
        return cursors.CursorPaginator(request, default_size=PAGE_SIZE, max_size=MAX_PAGE_SIZE)

    def context(self, request, **extra):
        return {"request": request, **extra}


# --- Organisations ------------------------------------------------------------------------------


def organisations_for_api(queryset):
    """What the serializer shows of organisations, in a fixed number of queries: the cards'
    services and recognitions (for_directory) and the sectors."""
    return queryset.for_directory().prefetch_related(
        Prefetch("sectors", Sector.objects.all(), to_attr="sector_list")
    )


class OrganisationList(ListView):
    @list_schema(
        OrganisationSerializer,
        operation_id="organisations_list",
        filterset_class=DirectoryFilter,
        description="The directory: the parameters, rows and order of /organisations/.",
    )
    def get(self, request):
        search = DirectoryFilter(request.query_params, queryset=Organisation.objects.in_directory())
        rows, next_link, previous_link = searches.faceted_page(
            request,
            search,
            self.paginator(request),
            cards=lambda queryset: organisations_for_api(queryset).defer(
                "search_vector", "search_text"
            ),
        )
        context = self.context(request, eligibility=eligibility.routes_by_recognition())
        return page_response(OrganisationSerializer, rows, next_link, previous_link, context)


class OrganisationDetail(ApiView):
    # An organisation's body depends on its rows and the vocabularies only (all tracked).
    last_modified_from_data = True

    @detail_schema(
        OrganisationSerializer,
        operation_id="organisations_retrieve",
        description="A profile, as /organisations/<slug>/.",
    )
    def get(self, request, slug):
        organisation = get_object_or_404(organisations_for_api(Organisation.objects), slug=slug)
        context = {"request": request, "eligibility": eligibility.routes_by_recognition()}
        return Response(OrganisationSerializer(organisation, context=context).data)


# --- Vocabularies -------------------------------------------------------------------------------


class VocabularyList(ApiView):
    """A whole vocabulary in one page (next and previous are null): a few dozen rows."""

    last_modified_from_data = True
    queryset = None
    serializer_class = VocabularySerializer

    def rows(self):
        return self.queryset.all()

    def get(self, request):
        data = self.serializer_class(self.rows(), many=True, context={"request": request}).data
        return Response({"next": None, "previous": None, "results": data})


def vocabulary(name, queryset, serializer_class, description, *, operation_id):
    view = type(
        name,
        (VocabularyList,),
        {
            "queryset": queryset,
            "serializer_class": serializer_class,
            "__doc__": description,
            "get": list_schema(
                serializer_class,
                operation_id=operation_id,
                paginated=False,
                description=description,
            )(own(VocabularyList.get)),
        },
    )
    return view


ServiceCategoryList = vocabulary(
    "ServiceCategoryList",
    ServiceCategory.objects.all(),
    VocabularySerializer,
    "Service categories: the values of `service`.",
    operation_id="service_categories_list",
)
SectorList = vocabulary(
    "SectorList",
    Sector.objects.all(),
    SectorSerializer,
    "Sectors (NACE-BEL sections): `sector`.",
    operation_id="sectors_list",
)
RecognitionList = vocabulary(
    "RecognitionList",
    Recognition.objects.all(),
    VocabularySerializer,
    "Recognitions of social-economy enterprises: `recognition`.",
    operation_id="recognition_types_list",
)
ProvinceList = vocabulary(
    "ProvinceList",
    Province.objects.all(),
    ProvinceSerializer,
    "Provinces: `province`.",
    operation_id="provinces_list",
)
RegionList = vocabulary(
    "RegionList",
    Region.objects.order_by("name"),
    RegionSerializer,
    "Regions (regies sociale economie and clusters): `region`.",
    operation_id="regions_list",
)


class OrganisationKindList(VocabularyList):
    """The kinds of organisation: `kind`."""

    serializer_class = ChoiceSerializer

    def rows(self):
        return [{"value": value, "label": str(label)} for value, label in OrganisationKind.choices]

    get = list_schema(
        ChoiceSerializer,
        operation_id="organisation_kinds_list",
        paginated=False,
        description=__doc__,
    )(own(VocabularyList.get))


# --- Vacancies and service requests -------------------------------------------------------------


class OpportunityList(ListView):
    model = None
    filterset_class = None
    serializer_class = None

    def get(self, request):
        search = self.filterset_class(request.query_params, queryset=self.model.objects.all())
        rows, next_link, previous_link = searches.faceted_page(
            request,
            search,
            self.paginator(request),
            # The cards' rows, and the poster's slug for its profile's address.
            cards=lambda queryset: (
                search.for_cards(queryset).defer(None).defer(*OPPORTUNITY_DEFERRED)
            ),
        )
        return page_response(
            self.serializer_class, rows, next_link, previous_link, self.context(request)
        )


class OpportunityDetail(ApiView):
    """Published, expired and closed ones: what the page shows anyone (drafts and those
    waiting for a check are 404, as on the page for a visitor)."""

    model = None
    serializer_class = None

    def get(self, request, code):
        opportunity = get_object_or_404(
            for_detail(self.model)
            .public()
            .prefetch_related(Prefetch("supports", to_attr="support_list"))
            if self.model is Vacancy
            else for_detail(self.model).public(),
            code=code,
        )
        return Response(self.serializer_class(opportunity, context={"request": request}).data)


def write_schema(posting_class, *, operation_id, summary, request, status=200, description=""):
    """The schema of a write of an HR system (api/posting.py): an organisation's token."""
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=description,
        request=request,
        parameters=[lang_parameter()],
        responses={
            status: posting_class.posted_serializer,
            **problems(400, 401, 403, 404, 422, 429),
        },
    )


class VacancyList(posting.VacancyPosting, OpportunityList):
    model, filterset_class, serializer_class = Vacancy, VacancyFilter, VacancySerializer

    get = list_schema(
        VacancySerializer,
        operation_id="vacancies_list",
        filterset_class=VacancyFilter,
        description="Open vacancies: the parameters, rows and order of /vacancies/.",
    )(own(OpportunityList.get))

    @write_schema(
        posting.VacancyPosting,
        operation_id="vacancies_create",
        summary="Post a draft",
        request=posting.PostedVacancySerializer,
        status=201,
    )
    def post(self, request):
        return self.post_draft(request)


class VacancyDetail(posting.VacancyPosting, OpportunityDetail):
    model, serializer_class = Vacancy, VacancySerializer

    get = detail_schema(
        VacancySerializer, operation_id="vacancies_retrieve", description="A vacancy, as its page."
    )(own(OpportunityDetail.get))

    @write_schema(
        posting.VacancyPosting,
        operation_id="vacancies_partial_update",
        summary="Change fields",
        request=posting.PostedVacancySerializer,
    )
    def patch(self, request, code):
        return self.change(request, code)


class ServiceRequestList(posting.ServiceRequestPosting, OpportunityList):
    model, filterset_class = ServiceRequest, ServiceRequestFilter
    serializer_class = ServiceRequestSerializer

    get = list_schema(
        ServiceRequestSerializer,
        operation_id="service_requests_list",
        filterset_class=ServiceRequestFilter,
        description="Open service requests: the parameters, rows and order of /requests/.",
    )(own(OpportunityList.get))

    @write_schema(
        posting.ServiceRequestPosting,
        operation_id="service_requests_create",
        summary="Post a draft",
        request=posting.PostedServiceRequestSerializer,
        status=201,
    )
    def post(self, request):
        return self.post_draft(request)


class ServiceRequestDetail(posting.ServiceRequestPosting, OpportunityDetail):
    model, serializer_class = ServiceRequest, ServiceRequestSerializer

    get = detail_schema(
        ServiceRequestSerializer,
        operation_id="service_requests_retrieve",
        description="A service request, as its page.",
    )(own(OpportunityDetail.get))

    @write_schema(
        posting.ServiceRequestPosting,
        operation_id="service_requests_partial_update",
        summary="Change fields",
        request=posting.PostedServiceRequestSerializer,
    )
    def patch(self, request, code):
        return self.change(request, code)


def step_view(posting_class, step_class, *, operation_id):
    """The view of one step of the lifecycle (POST .../<code>/<step>/) for one kind."""

    class StepView(step_class, posting_class, ApiView):
        post = write_schema(
            posting_class,
            operation_id=operation_id,
            summary=step_class.summary,
            description=step_class.description,
            request=step_class.request,
        )(own(step_class.post))

    StepView.__name__ = StepView.__qualname__ = f"{posting_class.noun}_{step_class.name}"
    return StepView.as_view()


STEPS = {"publish": posting.Publish, "extend": posting.Extend, "close": posting.Close}


def step_patterns(prefix, posting_class, name):
    """The URL patterns of a kind's steps: <prefix><code>/publish/, .../extend/, .../close/."""
    return [
        path(
            f"{prefix}<slug:code>/{step}/",
            step_view(posting_class, step_class, operation_id=f"{name}_{step}"),
            name=f"{name}_{step}",
        )
        for step, step_class in STEPS.items()
    ]


# --- Events -------------------------------------------------------------------------------------


class EventList(ListView):
    @list_schema(
        EventSerializer,
        operation_id="events_list",
        filterset_class=EventFilter,
        description="Published events, upcoming (soonest first) or with when=past the past "
        "ones (latest first): the parameters, rows and order of /events/.",
    )
    def get(self, request):
        search = EventFilter(request.query_params or None, queryset=for_list())
        searches.checked(search)
        rows, next_link, previous_link = searches.ordered_page(
            request,
            search.qs,
            self.paginator(request),
            order="past" if search.past else "upcoming",
            rows=for_list(),
        )
        return page_response(EventSerializer, rows, next_link, previous_link, self.context(request))


# --- Reports ------------------------------------------------------------------------------------


def _report_parameters(section):
    names = [*(("from", "to") if "years" in section.filters else ()), *sorted(section.filters)]
    return [name for name in names if name != "years"]


class ReportList(ApiView):
    @list_schema(
        ReportSummarySerializer,
        operation_id="reports_list",
        paginated=False,
        description="The public reports of /reports/, each with its table's address.",
    )
    def get(self, request):
        results = [
            {
                "slug": section.slug,
                "letter": section.letter,
                "title": str(section.title),
                "question": str(section.question),
                "parameters": _report_parameters(section),
                "url": request.build_absolute_uri(reverse("api:report", args=[section.slug])),
                "page": request.build_absolute_uri(
                    reverse("companies:report", args=[section.slug])
                ),
            }
            for section in reports.sections()
        ]
        return Response({"next": None, "previous": None, "results": results})


class ReportTable(ApiView):
    @extend_schema(
        operation_id="reports_retrieve",
        parameters=[
            *(
                OpenApiParameter(name, str, description=description)
                for name, description in [
                    ("from", "The first year (default: the first with data)."),
                    ("to", "The last year (default: the last with data)."),
                    ("province", "A province's slug, or brussels."),
                    ("region", "A region's slug."),
                    ("category", "A service category's slug."),
                    ("recognition", "A recognition's slug (the social side's)."),
                ]
            ),
            lang_parameter(),
        ],
        responses={200: ReportTableSerializer, **problems(400, 404, 429)},
        description="A report's table with exactly the public page's figures: a figure that "
        "could tell about a firm is hidden as on the page. A report takes only the "
        "parameters it lists; others are ignored, as on the page.",
    )
    def get(self, request, slug):
        section = reports.get(slug)
        if section is None:
            raise NotFound()
        version = datachanges.version()
        form = reports.FilterForm(request.query_params, section=section, version=version)
        if not form.is_valid():
            raise ValidationError(searches.form_errors(form))
        filters = form.filters()
        table = section.compute(filters, mode=reports.Mode.PUBLIC, version=version)
        return Response(reports.as_json(section, table, filters=filters, mode=reports.Mode.PUBLIC))
