"""The regisseur's admin: programmes with their budget panel, vouchers and their steps, payouts.

Regisseurs need no model permissions here, as in companies/admin.py: they see and run the
programmes of the regions they coordinate (`Programme.objects.run_by`, `vouchers.access`), and
the vouchers of those programmes; another region's are not found at all. A voucher's status
changes only through vouchers/lifecycle.py (the actions and the buttons on its page call it and
report what it says); the admin never edits a voucher by hand.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from companies import bank_accounts
from companies.enterprise_number import display as enterprise_number
from portal import audit, csvexport
from portal.adminlists import ListCheckbox
from portal.forms import DecimalField, IntegerField
from portal.models import Municipality, Region
from portal.names import NameField
from portal.templatetags.amounts import euros

from . import access, decisions, lifecycle, sepa
from .models import Programme, Voucher, VoucherEvent, VoucherStatus


def manages_vouchers(request):
    """Administrators and regisseurs (staff who coordinate a region) use this admin.

    Asked many times per page (the index, the changelist, each action); answered once.
    """
    if not hasattr(request, "_manages_vouchers"):
        user = request.user
        request._manages_vouchers = bool(
            user.is_active and user.is_staff and (user.is_superuser or user.is_regisseur)
        )
    return request._manages_vouchers


def money(value):
    """An amount in the admin's columns, as everywhere (portal/templatetags/amounts.py)."""
    return "–" if value is None else euros(value)


# --- Programmes ---------------------------------------------------------------------------------


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        field_classes = {
            "name": NameField,
            # Limits said in the language's format ("at least 0,01").
            **dict.fromkeys(["year", "vouchers_per_firm", "validity_days"], IntegerField),
            **dict.fromkeys(["budget", "voucher_value"], DecimalField),
        }
        fields = [
            "name",
            "slug",
            "region",
            "year",
            "description",
            "budget",
            "voucher_value",
            "vouchers_per_firm",
            "opens_on",
            "closes_on",
            "validity_days",
            "municipalities",
            "categories",
            "terms",
            "payer_name",
            "payer_iban",
        ]

    def clean_payer_iban(self):
        number = self.cleaned_data["payer_iban"]
        return bank_accounts.normalise(number) if number else ""

    def clean(self):
        cleaned_data = super().clean()
        self.check_budget(cleaned_data.get("budget"))
        region = cleaned_data.get("region")
        chosen = cleaned_data.get("municipalities")
        if region and chosen:
            outside = chosen.exclude(regions=region)
            if outside:
                self.add_error(
                    "municipalities",
                    _("These municipalities lie outside %(region)s: %(names)s.")
                    % {"region": region, "names": ", ".join(str(m) for m in outside)},
                )
        return cleaned_data

    def check_budget(self, budget):
        """A budget may not fall below what the programme's vouchers already hold.

        The programme's row stays locked until the admin's transaction ends, as approvals lock it
        first too (vouchers.lifecycle.approve): none can slip in between this check and the save.
        """
        if budget is None or self.instance.pk is None:
            return
        list(Programme.objects.select_for_update().filter(pk=self.instance.pk).values_list("pk"))
        held = lifecycle.held(self.instance)
        if budget < held:
            self.add_error(
                "budget",
                _(
                    "The vouchers of this programme already hold %(held)s; the budget cannot be "
                    "lower."
                )
                % {"held": money(held)},
            )


@admin.register(Programme)
class ProgrammeAdmin(ListCheckbox, admin.ModelAdmin):
    form = ProgrammeForm
    list_display = [
        "name",
        "region",
        "year",
        "budget_column",
        "reserved_column",
        "redeemed_column",
        "paid_column",
        "left_column",
        "vouchers_left_column",
        "vouchers_link",
    ]
    list_filter = ["year", ("region", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["region"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["municipalities", "categories"]
    readonly_fields = ["budget_panel", "created_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "region", "year", "description"]}),
        (
            _("Budget"),
            {"fields": ["budget", "voucher_value", "vouchers_per_firm", "budget_panel"]},
        ),
        (
            _("Rules"),
            {
                "fields": [
                    "opens_on",
                    "closes_on",
                    "validity_days",
                    "municipalities",
                    "categories",
                    "terms",
                    "created_at",
                ]
            },
        ),
        (_("Payouts"), {"fields": ["payer_name", "payer_iban"]}),
    ]

    def get_queryset(self, request):
        # The budget figures come with the rows: one grouped query for the whole page.
        run = Programme.objects.run_by(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=run).with_budget()

    def has_module_permission(self, request):
        return super().has_module_permission(request) or manages_vouchers(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self._manages(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self._manages(request, obj)

    def has_add_permission(self, request):
        return super().has_add_permission(request) or manages_vouchers(request)

    def has_delete_permission(self, request, obj=None):
        # A programme with vouchers is protected by the database; the admin says so.
        return super().has_delete_permission(request, obj) or self._manages(request, obj)

    def _manages(self, request, obj):
        if obj is None:
            return manages_vouchers(request)
        return access.is_programme_manager(request.user, obj)

    # The audit log (portal/audit.py): who set up or changed a programme's money and rules.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = {name: form.cleaned_data.get(name) for name in form.changed_data}
        action = "programme.changed" if change else "programme.created"
        audit.record(request.user, action, obj, **changed)

    def delete_model(self, request, obj):
        audit.record(request.user, "programme.deleted", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for programme in queryset:
            audit.record(request.user, "programme.deleted", programme)
        super().delete_queryset(request, queryset)

    def sepa_view(self, request, object_id):
        """The programme's redeemed vouchers as a SEPA credit-transfer file (vouchers/sepa.py),
        for the regie's bank; they are marked paid afterwards, as ever."""
        programme = self.get_object(request, unquote(object_id))
        if programme is None or not self.has_view_permission(request, programme):
            raise Http404
        change_url = reverse("admin:vouchers_programme_change", args=[programme.pk])
        if not programme.payer_iban:
            self.message_user(
                request,
                _("Give the programme's paying IBAN first; the file pays from that account."),
                messages.ERROR,
            )
            return HttpResponseRedirect(change_url)
        vouchers, left_out = sepa.payable(Voucher.objects.filter(programme=programme))
        for voucher in left_out:
            self.message_user(
                request,
                _("%(voucher)s is not in the file: %(provider)s gave no bank account yet.")
                % {"voucher": voucher, "provider": voucher.provider.name},
                messages.WARNING,
            )
        if not vouchers:
            self.message_user(request, _("No redeemed voucher waits to be paid."), messages.INFO)
            return HttpResponseRedirect(change_url)
        today = timezone.localdate()
        response = HttpResponse(
            sepa.credit_transfer(programme, vouchers, execution_date=today),
            content_type="application/xml",
        )
        filename = f"sepa-{programme.slug}-{today.isoformat()}.xml"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def get_urls(self):
        view = self.admin_site.admin_view
        urls = [
            path(
                "<path:object_id>/sepa/",
                view(self.sepa_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_sepa",
            )
        ]
        return urls + super().get_urls()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region" and not request.user.is_superuser:
            kwargs["queryset"] = Region.objects.filter(regisseurs=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "municipalities":
            municipalities = Municipality.objects.filter(merged_into__isnull=True)
            if not request.user.is_superuser:
                municipalities = municipalities.filter(
                    pk__in=Region.municipalities.through.objects.filter(
                        region__regisseurs=request.user
                    ).values("municipality")
                )
            kwargs["queryset"] = municipalities.order_by("name_nl")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("budget"), ordering="budget")
    def budget_column(self, programme):
        return money(programme.budget)

    @admin.display(description=_("reserved"), ordering="reserved")
    def reserved_column(self, programme):
        return money(programme.reserved)

    @admin.display(description=_("redeemed"), ordering="redeemed")
    def redeemed_column(self, programme):
        return money(programme.redeemed)

    @admin.display(description=_("paid"), ordering="paid")
    def paid_column(self, programme):
        return money(programme.paid)

    @admin.display(description=_("left"), ordering="left")
    def left_column(self, programme):
        return money(programme.left)

    @admin.display(description=_("vouchers left"), ordering="vouchers_left")
    def vouchers_left_column(self, programme):
        return max(int(programme.vouchers_left), 0)

    @admin.display(description=_("vouchers"))
    def vouchers_link(self, programme):
        url = reverse("admin:vouchers_voucher_changelist")
        return format_html(
            '<a href="{}?programme__id__exact={}">{}</a>', url, programme.pk, _("Vouchers")
        )

    @admin.display(description=_("budget panel"))
    def budget_panel(self, programme):
        if programme.pk is None or not hasattr(programme, "held"):
            return _("The figures appear once the programme is saved.")
        # data-value: the plain figure (14500.00) for whoever reads the page by machine.
        figures = [
            (key, label, f"{Decimal(value):.2f}", money(value))
            for key, label, value in [
                ("budget", _("Budget"), programme.budget),
                ("reserved", _("Reserved (approved)"), programme.reserved),
                ("redeemed", _("Redeemed, to pay"), programme.redeemed),
                ("paid", _("Paid"), programme.paid),
                ("left", _("Left"), programme.left),
            ]
        ]
        vouchers_left = max(int(programme.vouchers_left), 0)
        figures.append(("vouchers_left", _("Vouchers left"), vouchers_left, vouchers_left))
        return render_to_string(
            "admin/vouchers/programme/budget_panel.html",
            {
                "programme": programme,
                "figures": figures,
                "vouchers_url": reverse("admin:vouchers_voucher_changelist"),
                "payouts_url": reverse("admin:vouchers_voucher_payouts"),
                "sepa_url": reverse("admin:vouchers_programme_sepa", args=[programme.pk])
                if programme.payer_iban
                else "",
            },
        )


# --- Vouchers -----------------------------------------------------------------------------------


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Kept in the voucher's history."),
    )


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("The applicant receives this reason."),
        error_messages={"required": _("Give the reason for the rejection.")},
    )


class PaymentForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Paid on"), initial=timezone.localdate, widget=AdminDateWidget
    )
    reference = forms.CharField(
        label=_("Payment reference"),
        max_length=Voucher._meta.get_field("payment_reference").max_length,
        help_text=_("As it appears in the accounts, e.g. the bank transfer's reference."),
    )


@dataclass(frozen=True)
class Step:
    """A lifecycle step as the admin offers it: as an action and as a button on a voucher."""

    name: str  # the button's URL and id
    action: str  # the changelist action
    title: str
    button: str
    form_class: type
    from_status: str  # when the button is shown; vouchers.lifecycle decides what is allowed
    take: object  # (voucher, user, cleaned_data) -> Voucher
    done: object  # count -> message


STEPS = {
    step.name: step
    for step in [
        Step(
            name="approve",
            action="approve",
            title=_("Approve vouchers"),
            button=_("Approve"),
            form_class=NoteForm,
            from_status=VoucherStatus.SUBMITTED,
            take=lambda voucher, user, data: lifecycle.approve(
                voucher, user=user, note=data.get("note", "")
            ),
            done=lambda count: ngettext(
                "%(count)d voucher approved.", "%(count)d vouchers approved.", count
            ),
        ),
        Step(
            name="reject",
            action="reject",
            title=_("Reject vouchers"),
            button=_("Reject"),
            form_class=RejectionForm,
            from_status=VoucherStatus.SUBMITTED,
            take=lambda voucher, user, data: lifecycle.reject(
                voucher, user=user, reason=data["reason"]
            ),
            done=lambda count: ngettext(
                "%(count)d voucher rejected.", "%(count)d vouchers rejected.", count
            ),
        ),
        Step(
            name="pay",
            action="mark_paid",
            title=_("Mark vouchers as paid"),
            button=_("Mark as paid"),
            form_class=PaymentForm,
            from_status=VoucherStatus.REDEEMED,
            take=lambda voucher, user, data: lifecycle.mark_paid(
                voucher, user=user, paid_on=data["paid_on"], reference=data["reference"]
            ),
            done=lambda count: ngettext(
                "%(count)d voucher marked as paid.", "%(count)d vouchers marked as paid.", count
            ),
        ),
    ]
}


NOT_FOUND = _("None of the selected vouchers was found.")


class ApplicantMunicipalityFilter(admin.RelatedOnlyFieldListFilter):
    """The applicants' municipalities among the vouchers the user may see."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("municipality of the applicant")


class VoucherEventInline(admin.TabularInline):
    """The voucher's history, as vouchers.lifecycle wrote it."""

    model = VoucherEvent
    fields = ["at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    # Shown inside a voucher the user may see (VoucherAdmin checked that), never edited.
    def has_view_permission(self, request, obj=None):
        return manages_vouchers(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Voucher)
class VoucherAdmin(ListCheckbox, admin.ModelAdmin):
    list_display = [
        "__str__",
        "status",
        "amount_column",
        "applicant",
        "applicant_municipality",
        "provider",
        "programme",
        "created_at",
    ]
    list_filter = [
        ("programme", admin.RelatedOnlyFieldListFilter),
        ("programme__region", admin.RelatedOnlyFieldListFilter),
        "status",
        ("applicant__municipality", ApplicantMunicipalityFilter),
    ]
    list_select_related = ["programme", "applicant__municipality", "provider"]
    # At volume (issue 20): no second count of the whole table beside the filtered one.
    show_full_result_count = False
    search_fields = [
        "code",
        "applicant__name",
        "applicant__enterprise_number",
        "provider__name",
        "provider__enterprise_number",
    ]
    fieldsets = [
        (None, {"fields": ["code", "status", "programme", "amount"]}),
        (
            _("Application"),
            {
                "fields": [
                    "applicant",
                    "provider",
                    "category",
                    "intended_use",
                    "expected_date",
                    "applied_by",
                    "terms_accepted_at",
                    "created_at",
                ]
            },
        ),
        (_("Decision"), {"fields": ["decided_at", "valid_until", "rejection_reason"]}),
        (
            _("Redemption and payment"),
            {
                "fields": [
                    "delivered_on",
                    "invoice_number",
                    "invoice_amount",
                    "redeemed_at",
                    "provider_bank_account",
                    "paid_on",
                    "payment_reference",
                    "collaboration",
                    "follow_up_sent_at",
                ]
            },
        ),
    ]
    readonly_fields = [field for fieldset in fieldsets for field in fieldset[1]["fields"]]
    inlines = [VoucherEventInline]
    actions = ["approve", "reject", "mark_paid"]
    change_form_template = "admin/vouchers/voucher/change_form.html"
    change_list_template = "admin/vouchers/voucher/change_list.html"

    def get_queryset(self, request):
        run = Programme.objects.run_by(request.user)
        return super().get_queryset(request).filter(programme__in=run)

    # Vouchers come from applications and change only through their lifecycle: nobody adds,
    # edits or deletes one here. The steps are the actions and the buttons ("manage").
    def has_module_permission(self, request):
        return super().has_module_permission(request) or manages_vouchers(request)

    def has_view_permission(self, request, obj=None):
        if super().has_view_permission(request, obj):
            return True
        if obj is None:
            return manages_vouchers(request)
        return access.is_programme_manager(request.user, obj.programme)

    def has_manage_permission(self, request):
        return manages_vouchers(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("municipality"), ordering="applicant__municipality__name_nl")
    def applicant_municipality(self, voucher):
        return voucher.applicant.municipality

    @admin.display(description=_("amount held"), ordering="amount")
    def amount_column(self, voucher):
        return money(voucher.amount)

    @admin.display(description=_("the provider's IBAN"))
    def provider_bank_account(self, voucher):
        return voucher.provider.iban_display or _("none given yet")

    def response_action(self, request, queryset):
        # Django filters by the posted ids as they come; a forged one that is not a number would
        # raise in that filter. Such a post selected nothing that exists.
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        try:
            for pk in selected:
                Voucher._meta.pk.to_python(pk)
        except ValidationError:
            self.message_user(request, NOT_FOUND, messages.ERROR)
            return None
        return super().response_action(request, queryset)

    # --- the steps ------------------------------------------------------------------------------

    def take(self, request, step, vouchers, data):
        """Take the step for each voucher through vouchers.lifecycle; report what happened."""
        done = 0
        for voucher in vouchers:
            try:
                step.take(voucher, request.user, data)
            except ValidationError as error:  # vouchers.lifecycle.VoucherError
                self.message_user(
                    request,
                    _("%(voucher)s: %(problem)s")
                    % {"voucher": voucher, "problem": " ".join(error.messages)},
                    messages.ERROR,
                )
            except PermissionDenied:
                self.message_user(
                    request,
                    _("%(voucher)s: you may not take this step for this voucher.")
                    % {"voucher": voucher},
                    messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(request, step.done(done) % {"count": done}, messages.SUCCESS)
        return done

    def step_page(self, request, step, form, vouchers, *, action=False, voucher=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{step.button}: {voucher}" if voucher else step.title,
            "step": step,
            "form": form,
            "media": self.media + form.media,
            "vouchers": [(item, money(item.amount)) for item in vouchers],
            "voucher": voucher,
            # Deciding on one application: what the regisseur should know about the pair.
            "decision_facts": (
                decisions.facts(voucher, user=request.user)
                if voucher is not None and step.from_status == VoucherStatus.SUBMITTED
                else None
            ),
            "action": step.action if action else "",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/vouchers/voucher/step.html", context)

    def step_action(self, request, queryset, step):
        vouchers = list(queryset.select_related("programme", "applicant", "provider"))
        if not vouchers:
            self.message_user(request, NOT_FOUND, messages.ERROR)
            return None
        if "apply" in request.POST:
            form = step.form_class(request.POST)
            if form.is_valid():
                self.take(request, step, vouchers, form.cleaned_data)
                return None
        else:
            form = step.form_class()
        return self.step_page(request, step, form, vouchers, action=True)

    @admin.action(description=_("Approve the selected vouchers"), permissions=["manage"])
    def approve(self, request, queryset):
        # Oldest application first: when the budget runs out, the earlier ones got it.
        vouchers = queryset.select_related("programme").order_by("created_at", "pk")
        if not vouchers:
            self.message_user(request, NOT_FOUND, messages.ERROR)
            return
        self.take(request, STEPS["approve"], vouchers, {"note": ""})

    @admin.action(
        description=_("Reject the selected vouchers, with a reason"), permissions=["manage"]
    )
    def reject(self, request, queryset):
        return self.step_action(request, queryset, STEPS["reject"])

    @admin.action(description=_("Mark the selected vouchers as paid"), permissions=["manage"])
    def mark_paid(self, request, queryset):
        return self.step_action(request, queryset.order_by("pk"), STEPS["pay"])

    def step_view(self, request, object_id, step):
        """A step for one voucher, from the buttons on its page: a form, then POST."""
        voucher = self.get_object(request, unquote(object_id))
        if voucher is None or not self.has_view_permission(request, voucher):
            raise Http404
        if request.method == "POST":
            form = step.form_class(request.POST)
            if form.is_valid():
                self.take(request, step, [voucher], form.cleaned_data)
                return HttpResponseRedirect(
                    reverse("admin:vouchers_voucher_change", args=[voucher.pk])
                )
        else:
            form = step.form_class()
        return self.step_page(request, step, form, [voucher], voucher=voucher)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        voucher = self.get_object(request, unquote(object_id))
        steps = [step for step in STEPS.values() if voucher and voucher.status == step.from_status]
        extra_context = {
            **(extra_context or {}),
            "voucher_steps": steps,
            "decision_facts": decisions.facts(voucher, user=request.user) if voucher else None,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- payouts for accounting ------------------------------------------------------------------

    def payouts_view(self, request):
        """Redeemed and paid vouchers of the user's programmes as CSV, for accounting."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        vouchers = (
            self.get_queryset(request)
            .filter(status__in=[VoucherStatus.REDEEMED, VoucherStatus.PAID])
            .select_related("programme", "applicant", "provider")
            .order_by("programme__year", "programme__name", "delivered_on", "pk")
        )
        programme = request.GET.get("programme")
        if programme:
            if not (programme.isascii() and programme.isdigit()):
                raise Http404
            programme = Programme.objects.run_by(request.user).filter(pk=programme).first()
            if programme is None:
                raise Http404
            vouchers = vouchers.filter(programme=programme)
        lines = csvexport.lines(vouchers, header=payout_header, row=payout_row)
        return csvexport.response(lines, topic=gettext("payouts"))

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        urls = [path("payouts/", view(self.payouts_view), name=f"{prefix}_payouts")]
        urls += [
            path(
                f"<path:object_id>/{step.name}/",
                view(partial(self.step_view, step=step)),
                name=f"{prefix}_{step.name}",
            )
            for step in STEPS.values()
        ]
        return urls + super().get_urls()


def payout_header():
    return [
        gettext("Code"),
        gettext("Programme"),
        gettext("Status"),
        gettext("Applicant"),
        gettext("Applicant's enterprise number"),
        gettext("Provider"),
        gettext("Provider's enterprise number"),
        gettext("Account holder"),
        gettext("IBAN"),
        gettext("Invoice number"),
        gettext("Invoice amount (EUR)"),
        gettext("Amount to pay (EUR)"),
        gettext("Delivered on"),
        gettext("Paid on"),
        gettext("Payment reference"),
    ]


def _amount(value):
    # The decimal separator of the language, like the rest of the file for Excel in Belgium.
    return "" if value is None else formats.number_format(value, 2)


def payout_row(voucher):
    return [
        voucher.code,
        str(voucher.programme),
        voucher.get_status_display(),
        voucher.applicant.name,
        enterprise_number(voucher.applicant.enterprise_number),
        voucher.provider.name,
        enterprise_number(voucher.provider.enterprise_number),
        # The provider is paid: its name is the account holder's, its IBAN compact (as banks'
        # import formats want it), the provider's current one.
        voucher.provider.name,
        voucher.provider.iban,
        voucher.invoice_number,
        _amount(voucher.invoice_amount),
        _amount(voucher.amount),
        voucher.delivered_on.isoformat() if voucher.delivered_on else "",
        voucher.paid_on.isoformat() if voucher.paid_on else "",
        voucher.payment_reference,
    ]
