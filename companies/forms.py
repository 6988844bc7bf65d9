"""Forms of the companies app: they validate and say what is wrong, in the user's language."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator, slug_re
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from portal import names
from portal.forms import IntegerField, ModelMultipleChoiceField, PhoneField, WebsiteField
from portal.models import Postcode, ServiceCategory
from portal.names import NameField

from . import (
    bank_accounts,
    collaborations,
    contact,
    csv_import,
    enterprise_number,
    kbo,
    logos,
    outreach,
)
from .models import (
    CollaborationChannel,
    CollaborationRole,
    JoinRequest,
    MembershipRole,
    OfferedService,
    Organisation,
    OrganisationKind,
)

# Asked of social-economy enterprises only (OrganisationForm leaves them out for other kinds).
SOCIAL_ONLY_FIELDS = ("recognitions", "target_groups")


class LogoField(forms.ImageField):
    """An image checked by its content (companies/logos.py) and handed on re-encoded."""

    def to_python(self, data):
        if data in self.empty_values:
            return None
        # The size first: a 50 MB upload is refused for its size, whatever it contains.
        logos.check_size(data)
        return logos.checked_logo(data)

    def validate(self, value):
        # The file was read and re-encoded in to_python; Django's second look at it is not needed.
        forms.Field.validate(self, value)


class PostcodeField(forms.CharField):
    """Four digits in, a Postcode row out (which sets municipality, province and coordinates)."""

    widget = forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": 4, "size": 4}
    )

    def __init__(self, **kwargs):
        # Room for "3 500"; the four-digit check below refuses anything longer, so Django's
        # length check (which would measure the Postcode row) is left out.
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]

    def prepare_value(self, value):
        if isinstance(value, Postcode):
            return value.code
        if isinstance(value, int):
            # The initial value of a saved organisation is its postcode's primary key.
            return Postcode.objects.filter(pk=value).values_list("code", flat=True).first()
        return value

    def to_python(self, value):
        value = super().to_python(value).replace(" ", "")
        if value in self.empty_values:
            return None
        if not (len(value) == 4 and value.isdigit()):
            raise forms.ValidationError(
                _("A Belgian postcode has four digits, e.g. 3500."), code="postcode_format"
            )
        try:
            return Postcode.objects.get(code=value)
        except Postcode.DoesNotExist:
            raise forms.ValidationError(
                _("We do not know the postcode %(code)s. Check it, please."),
                code="postcode_unknown",
                params={"code": value},
            ) from None


class OrganisationForm(forms.ModelForm):
    """Create or edit an organisation's profile.

    A name that looks like another organisation's (the same skeleton, portal.names) is not
    refused, since two firms may share a name, but the page names the other organisations
    (`look_alikes`) and saves only once `confirm_look_alike` is ticked. An edit that keeps the
    name's look asks nothing.
    """

    # How many look-alike organisations the warning names.
    LOOK_ALIKES_SHOWN = 5

    enterprise_number = forms.CharField(
        label=_("Enterprise number"),
        max_length=20,
        help_text=_("The number in the Crossroads Bank for Enterprises (KBO), e.g. 0403.170.701."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    postcode = PostcodeField(label=_("Postcode"))
    # "brugwerk.be" becomes https://brugwerk.be, as a visitor's browser would guess.
    website = WebsiteField(label=_("Website"), required=False)
    # The description is what the directory searches; it may be long, not endless.
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you do and for whom. The directory searches this text."),
    )
    confirm_look_alike = forms.BooleanField(
        label=_("Ours is another organisation: keep this name"),
        required=False,
    )
    logo = LogoField(
        label=_("Logo"),
        required=False,
        help_text=_(
            "A PNG, JPEG, WebP or GIF image of at most 2 MB, at least 32 pixels on each side."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}
        ),
    )

    class Meta:
        model = Organisation
        fields = [
            "kind",
            "name",
            "enterprise_number",
            "street",
            "postcode",
            "sectors",
            "size",
            "description",
            "website",
            "email",
            "phone",
            # Issue 17 (part p): each public contact detail may be hidden.
            "show_address",
            "show_phone",
            "show_email",
            "show_website",
            "logo",
            "recognitions",
            "target_groups",
            "show_collaborations",
        ]
        field_classes = {
            "name": NameField,
            "phone": PhoneField,
            **dict.fromkeys(["sectors", "recognitions", "target_groups"], ModelMultipleChoiceField),
        }
        widgets = {
            "kind": forms.RadioSelect,
            "sectors": forms.CheckboxSelectMultiple,
            "recognitions": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
            "name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "street": forms.TextInput(attrs={"autocomplete": "address-line1"}),
        }
        help_texts = {
            "sectors": _("The sections of NACE-BEL that describe what you do."),
            "recognitions": _("For social-economy enterprises."),
            "target_groups": _("For social-economy enterprises: the people you employ or support."),
        }

    def __init__(self, *args, kind=None, **kwargs):
        """`kind`, when creating: the kind chosen in the first step (organisation_create); the
        form carries it in a hidden field and asks only the fields of that kind. When editing,
        the saved kind decides which fields are asked; a new kind's fields appear once saved.
        Fields that do not apply are not in the form, so what is posted for them is ignored."""
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = OrganisationKind.choices
        if self.instance.pk:
            self.kind = self.instance.kind
            self.fields["kind"].help_text = _(
                "Changing the kind? Save the profile: the fields of the new kind then appear "
                "here. Recognitions, target groups and offered services belong to "
                "social-economy enterprises only."
            )
        else:
            self.kind = kind
            self.fields["kind"].widget = forms.HiddenInput()
            self.initial["kind"] = kind
        if self.kind != OrganisationKind.SOCIAL:
            for name in SOCIAL_ONLY_FIELDS:
                del self.fields[name]
        if self.instance.pk and "enterprise_number" not in self.data:
            # Shown the way the KBO writes it; stored as ten digits.
            self.initial["enterprise_number"] = self.instance.enterprise_number_display
        self.fields["size"].choices = [("", _("Not given"))] + list(self.fields["size"].choices)[1:]
        self.look_alikes = []
        self.kbo_note = ""

    @property
    def asks_social_details(self):
        """Whether the form asks for recognitions and target groups (social enterprises)."""
        return self.kind == OrganisationKind.SOCIAL

    @property
    def kind_label(self):
        return OrganisationKind(self.kind).label if self.kind else ""

    def clean_enterprise_number(self):
        number = enterprise_number.normalise(self.cleaned_data["enterprise_number"])
        taken = Organisation.objects.filter(enterprise_number=number)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            join_url = f"{reverse('companies:join')}?{urlencode({'q': number})}"
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("An organisation with this enterprise number is already on the portal."),
                    join_url,
                    _("Ask to join it"),
                ),
                code="enterprise_number_taken",
            )
        # With the KBO register loaded, a number it does not know or knows as stopped is
        # refused (companies/kbo.py); a profile that keeps its number is not asked again.
        if number != self.instance.enterprise_number:
            refusal = kbo.refusal_for(number)
            if refusal:
                raise forms.ValidationError(refusal, code="kbo_refused")
        return number

    # The fields "Look up in the KBO" fills when they are empty.
    KBO_FIELDS = ("name", "street", "postcode", "sectors")

    @classmethod
    def looked_up(cls, data, *, instance=None, kind=None):
        """The form again, unbound, with what was typed and the empty name, street, postcode
        and sectors filled from the KBO register; `kbo_note` says what happened. Works without
        JavaScript: the "Look up in the KBO" button submits the form to its own page."""
        form = cls(instance=instance, kind=kind)
        typed = {
            name: field.widget.value_from_datadict(data, {}, form.add_prefix(name))
            for name, field in form.fields.items()
            if not isinstance(field, forms.FileField)
        }
        form.initial.update(typed)
        number = typed.get("enterprise_number") or ""
        try:
            number = enterprise_number.normalise(number)
        except forms.ValidationError as error:
            form.kbo_note = error.messages[0]
            return form
        if not kbo.is_loaded():
            form.kbo_note = _(
                "The KBO register is not loaded on this portal: fill in the details yourself."
            )
            return form
        refusal = kbo.refusal_for(number)
        if refusal:
            form.kbo_note = refusal
            return form
        found = kbo.profile_data(kbo.find(number))
        filled = [name for name in cls.KBO_FIELDS if not typed.get(name) and found.get(name)]
        form.initial.update({name: found[name] for name in filled})
        form.kbo_note = (
            _("Filled in from the KBO: %(fields)s. Check them and complete the form.")
            % {"fields": ", ".join(str(form.fields[name].label) for name in filled)}
            if filled
            else _("The KBO knows this enterprise; the fields it could fill were filled already.")
        )
        return form

    def clean(self):
        cleaned = super().clean()
        if self.kind == OrganisationKind.SOCIAL and cleaned.get("kind") not in (None, self.kind):
            # Social-economy details of a firm would put it among social enterprises in search.
            for name in SOCIAL_ONLY_FIELDS:
                cleaned[name] = []
        # A question to the person, not part of the profile.
        confirmed = cleaned.pop("confirm_look_alike", False)
        if cleaned.get("name"):
            self.check_look_alikes(cleaned["name"], confirmed=confirmed)
        return cleaned

    def check_look_alikes(self, name, *, confirmed):
        """Find the organisations whose name looks like `name`; unless `confirmed`, ask."""
        if self.instance.pk and names.skeleton(name) == self.instance.name_skeleton:
            return
        self.look_alikes = list(
            Organisation.objects.looking_like(name, excluding=self.instance)
            .select_related("municipality")
            .order_by("name", "pk")[: self.LOOK_ALIKES_SHOWN]
        )
        if self.look_alikes and not confirmed:
            self.add_error(
                "confirm_look_alike",
                forms.ValidationError(
                    _(
                        "The name looks like that of an organisation already on the portal. "
                        "Tick this box if yours is another organisation."
                    ),
                    code="look_alike",
                ),
            )


class ServiceForm(forms.ModelForm):
    """One offered service: a category, what exactly, and how far the enterprise travels."""

    SCOPE_RADIUS = "radius"
    SCOPE_FLANDERS = "flanders"

    scope = forms.ChoiceField(
        label=_("Where do you offer it?"),
        choices=[
            (SCOPE_RADIUS, _("Within a distance of my address")),
            (SCOPE_FLANDERS, _("In all of Flanders")),
        ],
        widget=forms.RadioSelect,
        initial=SCOPE_RADIUS,
    )
    radius_km = IntegerField(
        label=_("Distance (km)"),
        required=False,
        min_value=1,
        max_value=300,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Only when you chose a distance: how many km from your address."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What exactly you do, for whom, and how much you can take on."),
    )
    # Read as every amount of the portal is read (csv_import.parse_amount: "50.000", "50 000,00",
    # "50000.00"), not by a DecimalField that would take Belgian "50.000" for fifty.
    max_order_amount = forms.CharField(
        label=OfferedService._meta.get_field("max_order_amount").verbose_name,
        required=False,
        max_length=30,
        help_text=OfferedService._meta.get_field("max_order_amount").help_text,
    )

    class Meta:
        model = OfferedService
        fields = ["category", "description", "scope", "radius_km", "max_order_amount"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["category"].queryset = ServiceCategory.objects.all()
        self.fields["category"].empty_label = _("Choose a service category")
        if self.instance.pk:
            self.initial["scope"] = (
                self.SCOPE_FLANDERS if self.instance.radius_km is None else self.SCOPE_RADIUS
            )

    def clean_category(self):
        category = self.cleaned_data["category"]
        others = OfferedService.objects.filter(organisation=self.organisation, category=category)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("You already offer %(category)s; change that service instead."),
                code="service_exists",
                params={"category": category.name},
            )
        return category

    def clean_max_order_amount(self):
        try:
            amount = csv_import.parse_amount(self.cleaned_data["max_order_amount"])
        except csv_import.AmountError as error:
            raise forms.ValidationError(str(error), code="amount") from None
        if amount is not None and not Decimal(0) < amount < Decimal("10000000000"):
            raise forms.ValidationError(
                _("Give an amount above zero and below ten billion euro, or leave it empty."),
                code="amount_range",
            )
        return amount

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == self.SCOPE_FLANDERS:
            cleaned["radius_km"] = None
        elif (
            cleaned.get("scope") == self.SCOPE_RADIUS
            and not cleaned.get("radius_km")
            and "radius_km" not in self.errors
        ):
            self.add_error(
                "radius_km",
                forms.ValidationError(
                    _("Give the distance in km, or choose all of Flanders."),
                    code="radius_required",
                ),
            )
        return cleaned

    @property
    def data_for_service(self):
        return {
            "category": self.cleaned_data["category"],
            "description": self.cleaned_data["description"],
            "radius_km": self.cleaned_data["radius_km"],
            "max_order_amount": self.cleaned_data["max_order_amount"],
        }


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("We send an invitation link to this address; it is valid for 14 days."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=MembershipRole.choices,
        initial=MembershipRole.EDITOR,
        help_text=_("Editors keep the profile; owners also manage the members."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class JoinRequestForm(forms.ModelForm):
    class Meta:
        model = JoinRequest
        fields = ["message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 3, "maxlength": 2000})}
        labels = {"message": _("Message to the owners")}
        help_texts = {"message": _("Who you are and why you ask, so that the owners know you.")}


class JoinSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or enterprise number"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class ContactForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), min_length=3, max_length=150)
    message = forms.CharField(
        label=_("Message"),
        min_length=10,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "The members of the organisation receive your message by email and can answer "
            "you at your address. Your address is not shown on the portal."
        ),
    )

    def __init__(self, *args, sender=None, **kwargs):
        # Field ids of their own: the form sits on profile pages next to other forms.
        kwargs.setdefault("auto_id", "contact_%s")
        super().__init__(*args, **kwargs)
        self.sender = sender

    def clean(self):
        cleaned = super().clean()
        if self.sender is not None and not outreach.vouched_for(self.sender):
            # The rule on web addresses (companies/outreach.py) is checked with the fields, on
            # what was typed, so that one round names every problem; sending checks it again.
            typed = [
                cleaned.get(name, self.data.get(self.add_prefix(name), ""))
                for name in ("subject", "message")
            ]
            link = outreach.first_link(*typed)
            if link:
                self.add_error(None, contact.link_in_message(link))
        return cleaned


# --- Collaborations declared by hand ---------------------------------------------------------


class PartnerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or enterprise number of the other organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class DateInput(forms.DateInput):
    """A date picker where the browser has one; the portal reads what it sends (YYYY-MM-DD)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class CollaborationForm(forms.Form):
    """A collaboration declared by a member of `organisation` with another organisation."""

    # The slug of the organisation chosen in the search above the form; checked again here.
    partner = forms.CharField(widget=forms.HiddenInput, max_length=220)
    role = forms.ChoiceField(label=_("Who does what?"), widget=forms.RadioSelect)
    category = forms.ModelChoiceField(
        label=_("Service"),
        queryset=ServiceCategory.objects.all(),
        empty_label=_("Choose a service category"),
    )
    started = forms.DateField(
        label=_("Started on"),
        widget=DateInput(),
        help_text=_("From 1 January 2012 until today. The first of the month will do."),
    )
    ended = forms.DateField(
        label=_("Ended on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty while you still work together."),
    )
    channel = forms.ChoiceField(
        label=_("How did you meet?"),
        choices=CollaborationChannel.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        # The role is the regular side's; each side reads it from where it stands.
        if organisation.is_social:
            labels = {
                CollaborationRole.CLIENT: _("They are our client: they buy from us"),
                CollaborationRole.SUPPLIER: _("They are our supplier: we buy from them"),
                CollaborationRole.PARTNER: _("We are partners: we work together on equal terms"),
            }
        else:
            labels = {
                CollaborationRole.CLIENT: _("We are their client: we buy from them"),
                CollaborationRole.SUPPLIER: _("We are their supplier: they buy from us"),
                CollaborationRole.PARTNER: _("We are partners: we work together on equal terms"),
            }
        self.fields["role"].choices = [(value, labels[value]) for value in CollaborationRole]
        today = timezone.localdate().isoformat()
        earliest = collaborations.EARLIEST_START.isoformat()
        self.fields["started"].widget.attrs.update(min=earliest, max=today)
        self.fields["ended"].widget.attrs.update(min=earliest)

    def clean_partner(self):
        return self.find_partner(self.cleaned_data["partner"])

    def find_partner(self, slug):
        """The organisation with this slug if it can be the other side; else ValidationError."""
        # Only a slug can name one (PostgreSQL cannot even compare a string with a NUL in it).
        partner = Organisation.objects.filter(slug=slug).first() if slug_re.match(slug) else None
        if partner is None or partner.pk == self.organisation.pk:
            raise forms.ValidationError(
                _("Choose the other organisation from the search results."),
                code="unknown_partner",
            )
        if partner.is_social == self.organisation.is_social:
            if self.organisation.is_social:
                message = _(
                    "%(organisation)s is a social-economy enterprise too; the register records "
                    "collaborations with regular firms, public bodies, schools and non-profits."
                )
            else:
                message = _(
                    "%(organisation)s is not a social-economy enterprise; the register records "
                    "collaborations with social-economy enterprises."
                )
            raise forms.ValidationError(
                message, code="same_kind", params={"organisation": partner.name}
            )
        return partner

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("started"):
            try:
                collaborations.check_period(cleaned["started"], cleaned.get("ended"))
            except forms.ValidationError as error:
                self.add_error(None, error)
        return cleaned


class BankAccountForm(forms.Form):
    """The IBAN the regie pays vouchers to (companies/bank_accounts.py checks it)."""

    iban = forms.CharField(
        label=_("IBAN"),
        # Room for the grouped spelling (BE68 5390 0754 7034) of the longest IBAN.
        max_length=50,
        help_text=_("E.g. BE68 5390 0754 7034; spaces do not matter."),
        error_messages={"required": _("Give the IBAN of the account.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_iban(self):
        return bank_accounts.normalise(self.cleaned_data["iban"])


class DisputeForm(forms.Form):
    note = forms.CharField(
        label=_("What is not right?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        help_text=_("The other organisation's members read this."),
    )


class EndForm(forms.Form):
    ended = forms.DateField(label=_("Ended on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["ended"].initial = today
        self.fields["ended"].widget.attrs.update(max=today.isoformat())


# --- Claims of listings (issue 17: companies/claims.py) ------------------------------------------


class ClaimForm(forms.Form):
    email = forms.ChoiceField(
        label=_("Your verified address"),
        help_text=_(
            "An address at the organisation's own domain helps the regisseur decide quickly."
        ),
    )
    role = NameField(
        label=_("Your role in the organisation"),
        max_length=100,
        help_text=_("For example: managing director, coordinator, office manager."),
    )
    phone = PhoneField(label=_("Phone number where the regisseur can reach you"))

    def __init__(self, *args, addresses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].choices = [(address, address) for address in sorted(addresses)]


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("refuse", _("Refuse"))])
    reason = forms.CharField(
        label=_("Reason (sent to the claimant)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why you refuse the claim: the claimant reads it."))
        return cleaned


class KindForm(forms.Form):
    """The first step of adding an organisation: its kind, which decides what the form asks.
    A GET form (…/new/?kind=social), so that it works without script and can be linked to."""

    kind = forms.ChoiceField(
        label=_("What kind of organisation is it?"),
        choices=OrganisationKind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Social-economy enterprises also give their recognitions, target groups and the "
            "services they offer."
        ),
    )


# --- Issue 19: the regisseur's decisions and notes on an organisation's admin page ---------------


class OrganisationRejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_(
            "The members receive this reason by email: say what is wrong and what they can do."
        ),
        error_messages={"required": _("Give the reason for the rejection.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for the rejection."), code="required")
        return reason


class RegieNoteForm(forms.Form):
    written_on = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=DateInput(),
    )
    text = forms.CharField(
        label=_("Note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_(
            "About the organisation (a call, a visit, a promise), not about a person. Seen by "
            "the regisseurs of its region and administrators only."
        ),
        error_messages={"required": _("Write the note.")},
    )


class RatingForm(forms.Form):
    """A side's rating of a collaboration (companies/ratings.py): a score, again or not, and a
    private note."""

    score = forms.TypedChoiceField(
        label=_("Your score, from 1 (poor) to 5 (excellent)"),
        choices=[(score, str(score)) for score in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 1 to 5.")},
    )
    would_work_again = forms.TypedChoiceField(
        label=_("Would you work together again?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you would work together again.")},
    )
    note = forms.CharField(
        label=_("A private note"),
        help_text=_(
            "Only the portal's administrators read it; the other side never sees it and the "
            "reports do not show it."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
