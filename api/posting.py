"""Posting from an HR system (issue 24, item 5): an organisation's token creates, updates,
publishes, extends and closes that organisation's vacancies and service requests.

    POST  /api/v1/vacancies/                      a draft        (201)
    PATCH /api/v1/vacancies/<id>/                 its fields     (200)
    POST  /api/v1/vacancies/<id>/publish/         published, or waiting for the regie's check
    POST  /api/v1/vacancies/<id>/extend/          {"closing_date": "2027-03-31"}
    POST  /api/v1/vacancies/<id>/close/           {"reason": "filled" | "withdrawn"}
    (the same under /api/v1/service-requests/)

One implementation with the pages: the fields are validated by the pages' own forms
(vacancies/forms.py), so the messages are theirs, in the language of Accept-Language; every step
goes through vacancies/lifecycle.py, whose refusals and moderation (lifecycle.publish: an
unverified poster in a region that checks waits for the regie) apply as on the pages. The step
is taken by the token's issuer, an owner of the organisation (api/tokens.py), and written in the
audit log with the token named. POSTs honour an Idempotency-Key (api/idempotency.py).

Who: no token 401; a personal token 403 (it reads, it does not post); another organisation's
vacancy 404, as a stranger gets on the pages. `<id>` is the opportunity's public code.

The classes are mixins of the API's views of opportunities (api/views.py): the list's view
reads (GET, for everybody) and posts (POST), the opportunity's reads and changes (PATCH), and
each step has a view of its own.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from portal import audit
from vacancies import lifecycle
from vacancies.forms import CloseForm, NewClosingDateForm, ServiceRequestForm, VacancyForm
from vacancies.models import ServiceRequest, Vacancy

from . import idempotency

# Reference rows by the names the rest of the API uses for them (and the list pages' filters):
# a sector by its NACE letter, a service category and a support by slug; never a database id.
REFERENCE_KEYS = {"sector": "code", "category": "slug", "supports": "slug"}


class OrganisationToken(permissions.BasePermission):
    """An organisation's token; a personal one is refused with the reason."""

    def __init__(self):
        # Translated for the request (Accept-Language), not at import.
        self.message = _(
            "A personal token reads; to post, use a token issued for the organisation."
        )

    def has_permission(self, request, view):
        if request.auth is None:
            raise exceptions.NotAuthenticated()
        return request.auth.organisation_id is not None


# --- The representation -------------------------------------------------------------------------


class PostedOpportunitySerializer(serializers.Serializer):
    """What a write answers: the opportunity as posted, and where the public will read it."""

    id = serializers.CharField(source="code", read_only=True)
    organisation = serializers.CharField(source="organisation.slug", read_only=True)
    status = serializers.CharField(read_only=True)
    title = serializers.CharField()
    description = serializers.CharField()
    postcode = serializers.CharField(source="postcode.code")
    closing_date = serializers.DateField()
    closed_reason = serializers.CharField(read_only=True)
    published_at = serializers.DateTimeField(allow_null=True, read_only=True)
    url = serializers.SerializerMethodField()

    def get_url(self, opportunity) -> str:
        name = lifecycle.DETAIL_URL_NAMES[type(opportunity)]
        path = reverse(name, kwargs={"code": opportunity.code})
        return self.context["request"].build_absolute_uri(path)


class PostedVacancySerializer(PostedOpportunitySerializer):
    contract_type = serializers.CharField()
    hours_per_week = serializers.IntegerField()
    sector = serializers.CharField(source="sector.code")
    start_date = serializers.DateField(allow_null=True)
    supports = serializers.SerializerMethodField()

    def get_supports(self, vacancy) -> list[str]:
        return sorted(support.slug for support in vacancy.supports.all())


class PostedServiceRequestSerializer(PostedOpportunitySerializer):
    category = serializers.CharField(source="category.slug")
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    volume = serializers.CharField()
    budget_band = serializers.CharField()


# --- The input: the pages' forms ----------------------------------------------------------------


def _form_class(page_form):
    """The page's form, with reference rows named by code or slug."""

    class ApiForm(page_form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name, key in REFERENCE_KEYS.items():
                if name in self.fields:
                    self.fields[name].to_field_name = key

    ApiForm.__name__ = f"Api{page_form.__name__}"
    return ApiForm


def _errors(form):
    """A form's errors keyed as the API names them (non-field errors under DRF's key)."""
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else name): list(messages)
        for name, messages in form.errors.items()
    }


def _as_form_data(payload, fields, *, multiple=()):
    """JSON values as a form reads them, or a 400 naming each field that is not one value (or,
    for `multiple`, a list of values) or that the form does not know."""
    if not isinstance(payload, dict):
        raise exceptions.ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: [_("Send a JSON object with the fields.")]}
        )
    data, errors = {}, {}
    no_nul = ProhibitNullCharactersValidator()
    for name, value in payload.items():
        if name not in fields:
            # Named as sent, but writable: JSON may carry lone surrogates, which UTF-8 cannot.
            shown = name.encode("utf-8", "backslashreplace").decode()
            errors[shown] = [_("This field is not known here.")]
            continue
        values = value if name in multiple and isinstance(value, list) else [value]
        texts = []
        for item in values:
            if isinstance(item, dict | list) or (name in multiple and item is None):
                errors[name] = [
                    _("Give a list of values.") if name in multiple else _("Give one value.")
                ]
                break
            text = "" if item is None else str(item)
            text = text.lower() if isinstance(item, bool) else text
            try:
                no_nul(text)
                text.encode()
            except DjangoValidationError as error:
                errors[name] = list(error.messages)
                break
            except UnicodeEncodeError:
                errors[name] = [_("This text holds characters that are not valid Unicode.")]
                break
            texts.append(text)
        data[name] = texts if name in multiple else texts[0] if texts else ""
    if errors:
        raise exceptions.ValidationError(errors)
    return data


def _validated(form):
    if not form.is_valid():
        raise exceptions.ValidationError(_errors(form))
    return form.cleaned_data


# Where a refusal of the lifecycle belongs, by its code; the others are about the whole request.
REFUSAL_FIELDS = {
    "closing_date_past": "closing_date",
    "not_later": "closing_date",
    "closing_date_by_extending": "closing_date",
    "reason_required": "reason",
}


def _refused(error):
    code = getattr(error, "code", None)
    key = REFUSAL_FIELDS.get(code, api_settings.NON_FIELD_ERRORS_KEY)
    return exceptions.ValidationError({key: list(error.messages)})


# --- The endpoints ------------------------------------------------------------------------------


class OpportunityPosting:
    """The writes of one kind of opportunity; a subclass names the model, form, serializer."""

    model = None
    page_form = None
    posted_serializer = None
    create_step = None  # a function of vacancies/lifecycle.py
    noun = None  # the audit log's name of the object
    detail_name = None  # the URL name of the opportunity's address in the API
    WRITES = {"POST", "PATCH"}

    def perform_authentication(self, request):
        # The rate limits count before the permissions (DRF checks them after): a request
        # refused for its token (401, 403) counts too, by its address when the key is wrong.
        try:
            super().perform_authentication(request)
        finally:
            self.check_throttles(request)
            self.throttles_counted = True

    def check_throttles(self, request):
        if not getattr(self, "throttles_counted", False):
            super().check_throttles(request)

    def get_permissions(self):
        if self.request.method in self.WRITES:
            return [OrganisationToken()]
        return super().get_permissions()

    # -- helpers

    def _owned(self, code):
        """The token's organisation's opportunity; anyone else's is not found."""
        found = (
            self.model.objects.filter(organisation=self.request.auth.organisation_id, code=code)
            .select_related("organisation", "postcode")
            .first()
        )
        if found is None:
            raise Http404
        return found

    def _answer(self, opportunity, status_code=status.HTTP_200_OK, headers=None):
        opportunity = self._owned(opportunity.code)  # fresh, with its relations
        body = self.posted_serializer(opportunity, context={"request": self.request}).data
        return Response(body, status=status_code, headers=headers)

    def _record(self, action, opportunity, **changes):
        token = self.request.auth
        audit.record(
            token.user,
            f"{self.noun}.{action}",
            opportunity,
            via="api",
            token=str(token),
            **changes,
        )

    def _current_input(self, opportunity, fields):
        """The opportunity's fields as the API would send them: what a PATCH leaves alone."""
        body = self.posted_serializer(opportunity, context={"request": self.request}).data
        return {name: body[name] for name in fields if name in body}

    # -- the writes (the views' post and patch call these)

    def post_draft(self, request):
        return idempotency.once(request, lambda: self._create(request))

    def _create(self, request):
        form_class = _form_class(self.page_form)
        fields = form_class.base_fields
        data = _as_form_data(request.data, fields, multiple={"supports"})
        organisation = request.auth.organisation
        data.setdefault("postcode", organisation.postcode.code if organisation.postcode else "")
        cleaned = _validated(form_class(data))
        try:
            with transaction.atomic():
                opportunity = self.create_step(
                    organisation=organisation, by=request.auth.user, data=cleaned
                )
                self._record("created", opportunity)
        except DjangoValidationError as error:
            raise _refused(error) from None
        location = reverse(self.detail_name, kwargs={"code": opportunity.code})
        return self._answer(opportunity, status.HTTP_201_CREATED, {"Location": location})

    def change(self, request, code):
        opportunity = self._owned(code)
        form_class = _form_class(self.page_form)
        data = _as_form_data(request.data, form_class.base_fields, multiple={"supports"})
        # The form works on a copy, as the page's edit form does (a model form writes its input
        # into its instance, valid or not). Unbound first: the fields this state takes.
        copy = self.model.objects.get(pk=opportunity.pk)
        fields = form_class(instance=copy).fields
        if "closing_date" in data and "closing_date" not in fields:
            raise exceptions.ValidationError(
                {"closing_date": [_("Extend it to change the closing date.")]}
            )
        form = form_class({**self._current_input(opportunity, fields), **data}, instance=copy)
        cleaned = _validated(form)
        try:
            with transaction.atomic():
                lifecycle.update(opportunity, by=request.auth.user, data=cleaned)
                self._record("updated", opportunity, fields=sorted(data))
        except DjangoValidationError as error:
            raise _refused(error) from None
        return self._answer(opportunity)


class VacancyPosting(OpportunityPosting):
    model = Vacancy
    page_form = VacancyForm
    posted_serializer = PostedVacancySerializer
    create_step = staticmethod(lifecycle.create_vacancy)
    noun = "vacancy"
    detail_name = "api:vacancy"


class ServiceRequestPosting(OpportunityPosting):
    model = ServiceRequest
    page_form = ServiceRequestForm
    posted_serializer = PostedServiceRequestSerializer
    create_step = staticmethod(lifecycle.create_service_request)
    noun = "service_request"
    detail_name = "api:service_request"


# --- The steps: one view each -------------------------------------------------------------------


class Step:
    """A step of the lifecycle taken by POST to .../<code>/<step>/; a subclass names it."""

    step = None  # a function of vacancies/lifecycle.py
    name = None  # the audit log's verb
    form_class = None  # the page's form of the step's input, if it takes any

    def post(self, request, code):
        def work():
            opportunity = self._owned(code)
            values = {}
            if self.form_class is not None:
                data = _as_form_data(request.data, self.form_class.base_fields)
                values = _validated(self.form_class(data))
            try:
                with transaction.atomic():
                    type(self).step(opportunity, by=request.auth.user, **values)
                    self._record(self.name, opportunity, **values)
            except DjangoValidationError as error:
                raise _refused(error) from None
            return self._answer(opportunity)

        return idempotency.once(request, work)


class Publish(Step):
    step = staticmethod(lifecycle.publish)
    name = "published"
    summary = "Publish a draft"
    description = (
        "Published at once, or (status `awaiting`) after the regie's check when the "
        "organisation is not verified yet in a region that checks new posters."
    )
    request = None


class Extend(Step):
    step = staticmethod(lifecycle.extend)
    name = "extended"
    form_class = NewClosingDateForm
    summary = "Extend: a later closing date"
    description = ""
    request = inline_serializer("NewClosingDate", {"closing_date": serializers.DateField()})


class Close(Step):
    step = staticmethod(lifecycle.close)
    name = "closed"
    form_class = CloseForm
    summary = "Close: filled or withdrawn"
    description = ""
    request = inline_serializer(
        "CloseReason", {"reason": serializers.ChoiceField(choices=["filled", "withdrawn"])}
    )
