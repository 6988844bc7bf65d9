"""The access matrix: every URL pattern of the portal, asked by seven roles, against a table.

The patterns come from the URL configuration (tests/security/url_patterns.py), so a view added
anywhere fails `test_every_url_pattern_has_a_row` until it has a row here. Each row says, for
the seven roles in the order of ROLES, what a GET (and, for a view that changes data, an empty
POST) answers:

    200  the page (or, for a POST with nothing filled in, the form with its errors)
    302  a redirect elsewhere (a POST that did something, or refused it with a message)
    L    a redirect to a login page (allauth's, or the admin's, which is allauth's)
    403  refused: a member without the right role, or a page that only says why not
    404  not found: what is not yours is not confirmed to exist
    405  method not allowed: a view that changes data answers GET with 405 or its form

A row is about one of the world's two organisations (tests/security/matrix_world.py): "member"
and "owner" are that organisation's editor and owner. A POST is an empty form: enough to tell
who is let in (200 with errors, or 302) from who is not, and its changes are rolled back.

The generic pages the admin makes for each registered model (changelist, add, change, history,
delete) are checked in a smaller table, ADMIN_MODELS: changelist, add and change, and an empty
POST to change, per model; history and delete ask the same permissions (view, delete) of the
same ModelAdmin, so they are left out to keep the walk short. Every other admin page (the
index, login, the voucher steps, payouts, ...) has its row in MATRIX.
"""

import re
from dataclasses import dataclass, field
from functools import cache
from operator import attrgetter
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.urls import resolve, reverse

from .matrix_client import CSRF_REFUSED, LOGIN, Asker, fingerprint, outcome, post_forms
from .matrix_world import ROLES, build, user_for
from .url_patterns import admin_model_of, all_patterns

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Row:
    get: str
    post: str | None = None
    org: str = "employer"
    kw: dict = field(default_factory=dict)  # URL argument: attribute path in the world
    data: dict = field(default_factory=dict)  # POST field: attribute path in the world, or value
    path: str | None = None  # for a pattern without a name: the URL, with {placeholders}


@dataclass(frozen=True)
class A:
    """The admin's pages of one model, for regisseur, other regisseur and administrator."""

    changelist: str
    add: str
    change: str
    change_post: str  # an empty POST to the change page


def R(get, post=None, **options):  # a short name: the table reads better
    return Row(get=get, post=post, **options)


S = "enterprise"  # a row about the social enterprise: org=S
VACANCY = {"code": "vacancy.code"}
REQUEST = {"code": "service_request.code"}
DRAFT_VACANCY = {"code": "draft_vacancy.code"}
DRAFT_REQUEST = {"code": "draft_request.code"}
AWAITING_VACANCY = {"code": "awaiting_vacancy.code"}
AWAITING_REQUEST = {"code": "awaiting_request.code"}
EVENT = {"slug": "event.slug"}  # in two weeks: employer and enterprise registered, and met
PAST_EVENT = {"slug": "past_event.slug"}  # yesterday: they met and recorded a deal
DRAFT_EVENT = {"slug": "draft_event.slug"}  # not published yet

# fmt: off
# The first string answers a GET, the second (where a view changes data) an empty POST; the
# roles: anonymous, stranger, member, owner, regisseur, other regisseur, administrator.
MATRIX = {
    #                                        ano str mem own reg oth adm
    # --- portal ---
    "media":                              R("200 200 200 200 200 200 200",
                                            kw={"path": "media_path"}),
    "home":                               R("200 200 200 200 200 200 200"),
    "dashboard":                          R("L   200 200 200 200 200 200"),
    "notification_preferences":           R("L   200 200 200 200 200 200",
                                            "L   200 200 200 200 200 200"),
    "notification_unsubscribe":           R("200 200 200 200 200 200 200",
                                            "200 200 200 200 200 200 200",
                                            kw={"token": "unsubscribe_token"}),
    "health":                             R("200 200 200 200 200 200 200"),
    "favicon":                            R("200 200 200 200 200 200 200"),
    "privacy":                            R("200 200 200 200 200 200 200"),
    "account_privacy":                    R("L   200 200 200 200 200 200"),
    "account_export":                     R("L   200 200 200 200 200 200"),
    "account_delete":                     R("L   405 405 405 405 405 405",
                                            "L   200 200 200 200 200 200"),
    # --- accounts (allauth) ---
    "account_login":                      R("200 302 302 302 302 302 302",
                                            "200 302 302 302 302 302 302"),
    "account_logout":                     R("302 200 200 200 200 200 200",
                                            "302 302 302 302 302 302 302"),
    "account_inactive":                   R("200 200 200 200 200 200 200"),
    "account_signup":                     R("200 302 302 302 302 302 302",
                                            "200 302 302 302 302 302 302"),
    "account_reauthenticate":             R("L   200 200 200 200 200 200",
                                            "L   200 200 200 200 200 200"),
    "account_request_reauthentication_code":R("L   200 200 200 200 200 200",
                                            "L   200 200 200 200 200 200"),
    # Without a code requested first, the confirmation page sends one back to the request.
    "account_confirm_reauthentication_code":R("L   302 302 302 302 302 302",
                                            "L   302 302 302 302 302 302"),
    "account_email":                      R("L   200 200 200 200 200 200",
                                            "L   302 302 302 302 302 302"),
    "account_email_verification_sent":    R("200 200 200 200 200 200 200"),
    "account_change_password":            R("L   200 200 200 200 200 200",
                                            "L   200 200 200 200 200 200"),
    "account_set_password":               R("L   302 302 302 302 302 302",
                                            "L   302 302 302 302 302 302"),
    "account_reset_password":             R("200 200 200 200 200 200 200",
                                            "200 200 200 200 200 200 200"),
    "account_confirm_login_code":         R("L   302 302 302 302 302 302",
                                            "L   302 302 302 302 302 302"),
    "account_confirm_email":              R("200 200 200 200 200 200 200",
                                            "L   L   L   L   L   L   L",
                                            kw={"key": "confirmation_key"}),
    "account_reset_password_from_key_done":R("200 200 200 200 200 200 200"),
    "account_reset_password_from_key":    R("200 200 200 200 200 200 200",
                                            "200 200 200 200 200 200 200",
                                            kw={"uidb36": "=1", "key": "=made-up-key"}),
    "account_reset_password_done":        R("200 200 200 200 200 200 200"),
    # --- two-factor authentication (allauth.mfa) ---
    "mfa_index":                          R("L   200 200 200 200 200 200"),
    "mfa_authenticate":                   R("L   302 302 302 302 302 302",
                                            "L   302 302 302 302 302 302"),
    "mfa_reauthenticate":                 R("L   302 302 302 200 200 200",
                                            "L   302 302 302 200 200 200"),
    "mfa_activate_totp":                  R("L   302 302 302 302 302 302",
                                            "L   302 302 302 302 302 302"),
    "mfa_deactivate_totp":                R("L   404 404 404 302 302 302",
                                            "L   404 404 404 302 302 302"),
    "mfa_view_recovery_codes":            R("L   404 404 404 404 404 404"),
    "mfa_generate_recovery_codes":        R("L   302 302 302 302 302 302",
                                            "L   302 302 302 302 302 302"),
    "mfa_download_recovery_codes":        R("L   404 404 404 404 404 404"),
    # --- organisations (companies) ---
    "companies:directory":                R("200 200 200 200 200 200 200"),
    "companies:organisation_create":      R("L   200 200 200 200 200 200",
                                            "L   200 200 200 200 200 200"),
    "companies:join":                     R("L   200 200 200 200 200 200",
                                            "L   302 200 200 302 302 302",
                                            data={"organisation": "employer.slug"}),
    "companies:invitation":               R("L   200 200 200 200 200 200",
                                            "L   200 200 200 200 200 200",
                                            kw={"token": "invitation.token"}),
    "companies:organisation_edit":        R("L   404 200 200 404 404 404",
                                            "L   404 200 200 404 404 404"),
    # The yearly email's signed link: no login, anyone holding it can only confirm.
    "companies:confirm_details":          R("200 200 200 200 200 200 200",
                                            "302 302 302 302 302 302 302",
                                            kw={"token": "confirm_details_token"}),
    # The rating email's signed link: no login, anyone holding it can only rate for its side
    # (the empty POST is the form with its errors).
    "companies:collaboration_rate":       R("200 200 200 200 200 200 200",
                                            "200 200 200 200 200 200 200",
                                            kw={"token": "rating_token"}),
    "companies:services":                 R("L   404 200 200 404 404 404",
                                            "L   404 200 200 404 404 404", org=S),
    "companies:service_edit":             R("L   405 405 405 405 405 405",
                                            "L   404 200 200 404 404 404",
                                            org=S,
                                            kw={"pk": "service.pk"}),
    "companies:service_remove":           R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404",
                                            org=S,
                                            kw={"pk": "service.pk"}),
    # The account the regie pays vouchers to: members see it, owners change it.
    "companies:bank_account":             R("L   404 200 200 404 404 404",
                                            "L   404 403 200 404 404 404", org=S),
    "companies:members":                  R("L   404 403 200 404 404 404",
                                            "L   404 403 200 404 404 404"),
    "companies:member_role":              R("L   405 405 405 405 405 405",
                                            "L   404 403 302 404 404 404",
                                            kw={"pk": "member_membership.pk"}),
    "companies:member_remove":            R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404",
                                            kw={"pk": "member_membership.pk"}),
    "companies:join_request_decide":      R("L   405 405 405 405 405 405",
                                            "L   404 403 302 404 404 404",
                                            kw={"pk": "join_request.pk"}),
    "companies:invitation_cancel":        R("L   405 405 405 405 405 405",
                                            "L   404 403 302 404 404 404",
                                            kw={"pk": "invitation.pk"}),
    "companies:act":                      R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404"),
    "companies:collaborations":           R("L   404 200 200 404 404 404"),
    "companies:collaboration_declare":    R("L   404 200 200 404 404 404",
                                            "L   404 200 200 404 404 404"),
    "companies:collaboration_confirm":    R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404",
                                            kw={"pk": "collaboration.pk"}),
    "companies:collaboration_dispute":    R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404",
                                            kw={"pk": "collaboration.pk"}),
    "companies:collaboration_end":        R("L   405 405 405 405 405 405",
                                            "L   404 200 200 404 404 404",
                                            kw={"pk": "collaboration.pk"}),
    "companies:collaboration_withdraw":   R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404",
                                            kw={"pk": "collaboration.pk"}),
    "companies:contact":                  R("L   200 200 200 200 200 200",
                                            "L   200 200 200 200 200 200"),
    # Claims (issue 17): the matrix world holds no claim and no escalated join request, so a
    # decision on those ids is 404 for everyone; tests/companies/test_claims.py decides real ones.
    "companies:claim":                    R("L   200 302 302 200 200 200",
                                            "L   200 302 302 200 200 200"),
    "companies:claims":                   R("L   404 404 404 200 200 200"),
    "companies:claim_decide":             R("L   405 405 405 405 405 405",
                                            "L   404 404 404 404 404 404",
                                            kw={"pk": "join_request.pk"}),
    "companies:escalated_join_request_decide": R("L   405 405 405 405 405 405",
                                            "L   404 404 404 404 404 404",
                                            kw={"pk": "join_request.pk"}),
    "companies:reports":                  R("200 200 200 200 200 200 200"),
    "companies:report":                   R("200 200 200 200 200 200 200",
                                            kw={"slug": "report_slug"}),
    "companies:profile":                  R("200 200 200 200 200 200 200"),
    # --- vacancies, service requests, saved searches ---
    "vacancies:vacancy_list":             R("200 200 200 200 200 200 200"),
    "vacancies:request_list":             R("200 200 200 200 200 200 200"),
    "vacancies:vacancy_create":           R("L   302 200 200 302 302 302",
                                            "L   302 200 200 302 302 302"),
    "vacancies:request_create":           R("L   302 200 200 302 302 302",
                                            "L   302 200 200 302 302 302"),
    "vacancies:vacancy_detail":           R("200 200 200 200 200 200 200", kw=VACANCY),
    "vacancies:vacancy_detail (draft)":   R("404 404 200 200 404 404 404", kw=DRAFT_VACANCY),
    "vacancies:vacancy_edit":             R("L   404 200 200 404 404 404",
                                            "L   404 200 200 404 404 404", kw=VACANCY),
    "vacancies:vacancy_publish":          R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404", kw=VACANCY),
    "vacancies:vacancy_publish (draft)":  R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404", kw=DRAFT_VACANCY),
    "vacancies:vacancy_close":            R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404", kw=VACANCY),
    "vacancies:vacancy_extend":           R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404", kw=VACANCY),
    "vacancies:vacancy_reopen":           R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404", kw=VACANCY),
    # Waiting for the regie's check (issue 19): the poster's members only; regisseurs check it
    # in the admin.
    "vacancies:vacancy_detail (awaiting)":R("404 404 200 200 404 404 404", kw=AWAITING_VACANCY),
    "vacancies:vacancy_withdraw":         R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404", kw=AWAITING_VACANCY),
    "vacancies:request_detail":           R("200 200 200 200 200 200 200", kw=REQUEST),
    "vacancies:request_detail (awaiting)":R("404 404 200 200 404 404 404", kw=AWAITING_REQUEST),
    "vacancies:request_withdraw":         R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404", kw=AWAITING_REQUEST),
    "vacancies:request_detail (draft)":   R("404 404 200 200 404 404 404", kw=DRAFT_REQUEST),
    "vacancies:request_edit":             R("L   404 200 200 404 404 404",
                                            "L   404 200 200 404 404 404", kw=REQUEST),
    "vacancies:request_publish":          R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404", kw=REQUEST),
    "vacancies:request_close":            R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404", kw=REQUEST),
    "vacancies:request_extend":           R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404", kw=REQUEST),
    "vacancies:request_reopen":           R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404", kw=REQUEST),
    "vacancies:vacancy_respond":          R("L   403 200 200 403 403 403",
                                            "L   403 200 200 403 403 403", org=S, kw=VACANCY),
    "vacancies:vacancy_respond (draft)":  R("L   404 404 404 404 404 404",
                                            "L   404 404 404 404 404 404", org=S, kw=DRAFT_VACANCY),
    "vacancies:request_offer":            R("L   403 200 200 403 403 403",
                                            "L   403 200 200 403 403 403", org=S, kw=REQUEST),
    "vacancies:vacancy_response_move":    R("L   404 200 200 404 404 404",
                                            "L   404 200 200 404 404 404",
                                            kw={"code": "vacancy.code", "pk": "candidate.pk"}),
    "vacancies:request_response_move":    R("L   404 200 200 404 404 404",
                                            "L   404 200 200 404 404 404",
                                            kw={"code": "service_request.code", "pk": "offer.pk"}),
    "vacancies:saved_searches":           R("L   200 200 200 200 200 200"),
    "vacancies:saved_search_create":      R("L   405 405 405 405 405 405",
                                            "L   302 302 302 302 302 302"),
    "vacancies:saved_search_update":      R("L   405 405 405 405 405 405",
                                            "L   404 404 200 404 404 404",
                                            kw={"code": "saved_search.code"}),
    "vacancies:saved_search_delete":      R("L   405 405 405 405 405 405",
                                            "L   404 404 302 404 404 404",
                                            kw={"code": "saved_search.code"}),
    # --- api: the open data pages (issue 24); no dump is written in the matrix world ---
    "open_data:index":                    R("200 200 200 200 200 200 200"),
    "open_data:catalog":                  R("200 200 200 200 200 200 200"),
    "open_data:download":                 R("404 404 404 404 404 404 404",
                                            kw={"name": "=organisations.csv"}),
    # --- procurement: the buying helper; a saved plan is its organisation's members' only ---
    "procurement:helper":                 R("200 200 200 200 200 200 200",
                                            "200 200 200 200 200 200 200"),
    "procurement:plan_list":              R("L   200 200 200 200 200 200"),
    "procurement:plan_detail":            R("L   404 200 200 404 404 404",
                                            kw={"code": "purchasing_plan.code"}),
    "procurement:record_outcome":         R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404",
                                            kw={"code": "purchasing_plan.code", "position": "=1"}),
    # Without the members of a suggested joint answer, the members are sent back with a message.
    "procurement:contact_together":       R("L   404 302 302 404 404 404",
                                            "L   404 302 302 404 404 404",
                                            kw={"code": "purchasing_plan.code", "position": "=1"}),
    # --- vouchers ---
    "vouchers:programme_list":            R("200 200 200 200 200 200 200"),
    "vouchers:my_vouchers":               R("L   200 200 200 200 200 200"),
    "vouchers:withdraw":                  R("L   404 200 200 404 404 404",
                                            "L   404 302 302 404 404 404",
                                            kw={"pk": "approved_voucher.pk"}),
    "vouchers:to_redeem":                 R("L   403 200 200 403 403 403", org=S),
    "vouchers:redeem":                    R("L   404 200 200 404 404 404",
                                            "L   404 200 200 404 404 404",
                                            org=S,
                                            kw={"code": "approved_voucher.code"}),
    "vouchers:programme_detail":          R("200 200 200 200 200 200 200",
                                            kw={"slug": "programme.slug"}),
    "vouchers:apply":                     R("L   403 200 200 403 403 403",
                                            "L   403 200 200 403 403 403",
                                            kw={"slug": "programme.slug"}),
    # --- events (issue 22): the world's events are the regisseur's region's ---
    "events:list":                        R("200 200 200 200 200 200 200"),
    "events:region_feed":                 R("200 200 200 200 200 200 200",
                                            kw={"slug": "event.region.slug"}),
    "events:detail":                      R("200 200 200 200 200 200 200", kw=EVENT),
    # Not published yet: only those who run it see it.
    "events:detail (unpublished)":        R("404 404 404 404 200 404 200",
                                            kw=DRAFT_EVENT),
    "events:calendar":                    R("200 200 200 200 200 200 200", kw=EVENT),
    # Members register their organisation; anyone without one is told why (staff included).
    "events:register":                    R("L   403 200 200 403 403 403",
                                            "L   403 200 200 403 403 403", kw=EVENT),
    "events:registration":                R("L   404 200 200 404 404 404",
                                            "L   404 200 200 404 404 404", kw=EVENT),
    # The participants and meetings are the registered organisations' (and the list and the
    # grid the event's regisseurs' and administrators'): the event is public, they are not.
    "events:participants":                R("L   403 200 200 200 403 200", kw=EVENT),
    "events:meetings":                    R("L   403 200 200 403 403 403", kw=EVENT),
    "events:meeting_request":             R("L   405 405 405 405 405 405",
                                            "L   403 302 302 403 403 403", kw=EVENT),
    # The invited side answers; the requester and the event's regisseurs (who may cancel it)
    # are sent back with a message; to anyone else the meeting is not found.
    "events:meeting_answer":              R("L   405 405 405 405 405 405",
                                            "L   404 302 302 302 404 302", org=S,
                                            kw={**EVENT, "pk": "requested_meeting.pk",
                                                "answer": "=accept"}),
    "events:meeting_answer (cancel)":     R("L   405 405 405 405 405 405",
                                            "L   404 302 302 302 404 302",
                                            kw={**EVENT, "pk": "accepted_meeting.pk",
                                                "answer": "=cancel"}),
    # Held or not, set by the event's regisseurs on the grid (the empty POST is refused with a
    # message); anyone else is told why not.
    "events:meeting_held":                R("L   405 405 405 405 405 405",
                                            "L   403 403 403 302 403 302",
                                            kw={**EVENT, "pk": "accepted_meeting.pk"}),
    "events:schedule_ics":                R("L   403 200 200 403 403 403", kw=EVENT),
    "events:schedule_print":              R("L   403 200 200 403 403 403", kw=EVENT),
    "events:grid":                        R("L   403 403 403 200 403 200",
                                            "L   403 403 403 200 403 200", kw=EVENT),
    # A deal is recorded by a side of an accepted meeting; anyone else is told why not.
    "events:deal_new":                    R("L   403 200 200 403 403 403",
                                            "L   403 200 200 403 403 403", kw=PAST_EVENT),
    "events:attendance":                  R("L   403 403 403 200 403 200",
                                            "L   403 403 403 302 403 302", kw=PAST_EVENT),
    "events:report":                      R("L   403 403 403 200 403 200", kw=PAST_EVENT),
    # An event not published yet is not found on any of its pages by those who do not run it
    # (events.access.visible_event), as on its own page.
    "events:participants (unpublished)":  R("L   404 404 404 200 404 200", kw=DRAFT_EVENT),
    "events:deal_new (unpublished)":      R("L   404 404 404 403 404 403",
                                            "L   404 404 404 403 404 403", kw=DRAFT_EVENT),
    "events:attendance (unpublished)":    R("L   404 404 404 200 404 200", kw=DRAFT_EVENT),
    "events:report (unpublished)":        R("L   404 404 404 200 404 200", kw=DRAFT_EVENT),
    # The follow-up email's signed link: no login, it answers only for its side, once (the
    # empty POST is the form with its errors).
    "events:deal_follow_up":              R("200 200 200 200 200 200 200",
                                            "200 200 200 200 200 200 200",
                                            kw={"token": "follow_up_token"}),
    # --- Social spend (issue 23, item 5): the employer is the buyer, with a year uploaded; the
    # amounts are its members' and administrators' (reading), nobody else's, not even the
    # regisseur's; the enterprise's members are a supplier's.
    "procurement:spend":                  R("L   404 200 200 404 404 200"),
    "procurement:spend (a supplier)":     R("L   404 404 404 404 404 200", org=S,
                                            kw={"slug": "employer.slug"}),
    "procurement:spend_upload":           R("L   404 200 200 404 404 404",
                                            "L   404 200 200 404 404 404"),
    "procurement:spend_remove":           R("L   405 405 405 405 405 405",
                                            "L   404 302 302 404 404 404",
                                            kw={"year": "spend_year.year"}),
    # --- the API (issue 24): public reads, the same for everyone; drafts are 404 for all ---
    "api:schema":                         R("200 200 200 200 200 200 200"),
    "api:organisations":                  R("200 200 200 200 200 200 200"),
    "api:organisation":                   R("200 200 200 200 200 200 200"),
    "api:organisation_kinds":             R("200 200 200 200 200 200 200"),
    "api:service_categories":             R("200 200 200 200 200 200 200"),
    "api:sectors":                        R("200 200 200 200 200 200 200"),
    "api:recognition_types":              R("200 200 200 200 200 200 200"),
    "api:provinces":                      R("200 200 200 200 200 200 200"),
    "api:regions":                        R("200 200 200 200 200 200 200"),
    "api:vacancies":                      R("200 200 200 200 200 200 200",
                                            "401 401 401 401 401 401 401"),
    "api:vacancy":                        R("200 200 200 200 200 200 200", kw=VACANCY),
    "api:vacancy (draft)":                R("404 404 404 404 404 404 404", kw=DRAFT_VACANCY),
    "api:vacancy (awaiting)":             R("404 404 404 404 404 404 404", kw=AWAITING_VACANCY),
    "api:service_requests":               R("200 200 200 200 200 200 200",
                                            "401 401 401 401 401 401 401"),
    "api:service_request":                R("200 200 200 200 200 200 200", kw=REQUEST),
    "api:service_request (draft)":        R("404 404 404 404 404 404 404", kw=DRAFT_REQUEST),
    "api:events":                         R("200 200 200 200 200 200 200"),
    "api:reports":                        R("200 200 200 200 200 200 200"),
    "api:report":                         R("200 200 200 200 200 200 200",
                                            kw={"slug": "report_slug"}),
    "api:unmatched":                      R("404 404 404 404 404 404 404",
                                            path="/api/v1/no-such-address/"),
    # --- the admin, apart from its pages per model (ADMIN_MODELS below) ---
    "admin:index":                        R("L   L   L   L   200 200 200"),
    "admin:login":                        R("L   403 403 403 302 302 302",
                                            "L   403 403 403 200 200 200"),
    "admin:logout":                       R("302 302 302 302 405 405 405",
                                            "302 302 302 302 200 200 200"),
    "admin:password_change":              R("L   L   L   L   200 200 200",
                                            "L   L   L   L   200 200 200"),
    "admin:password_change_done":         R("L   L   L   L   200 200 200"),
    "admin:autocomplete":                 R("L   L   L   L   403 403 403"),
    "admin:jsi18n":                       R("L   L   L   L   200 200 200"),
    "admin:view_on_site":                 R("L   L   L   L   302 302 302",
                                            kw={"content_type_id": "programme_type",
                                                "object_id": "programme.pk"}),
    "admin:app_list":                     R("L   L   L   L   200 200 200",
                                            kw={"app_label": "=companies"}),
    "admin:[(?P<url>.*)$]":               R("L   L   L   L   404 404 404",
                                            path="{admin}no-such-page/"),
    "admin:auth_user_password_change":    R("L   L   L   L   403 403 200",
                                            "L   L   L   L   403 403 200",
                                            kw={"id": "users.stranger.pk"}),
    "admin:companies_organisation_verify": R("L   L   L   L   200 404 200",
                                            "L   L   L   L   302 404 302",
                                            kw={"object_id": "employer.pk"}),
    "admin:companies_organisation_reject": R("L   L   L   L   200 404 200",
                                            "L   L   L   L   200 404 200",
                                            kw={"object_id": "employer.pk"}),
    "admin:companies_organisation_notes": R("L   L   L   L   200 404 200",
                                            "L   L   L   L   200 404 200",
                                            kw={"object_id": "employer.pk"}),
    # Cancelling an event (events/cancellation.py): its regisseurs and administrators; another
    # region's event is not found. The POST cancels the event ahead (rolled back after).
    "admin:events_event_cancel":          R("L   L   L   L   200 404 200",
                                            "L   L   L   L   302 404 302",
                                            kw={"object_id": "event.pk"}),
    "admin:vouchers_voucher_payouts":     R("L   L   L   L   200 200 200"),
    # The programme's SEPA file: the world's programme has no paying IBAN, so back to its page.
    "admin:vouchers_programme_sepa":      R("L   L   L   L   302 404 302",
                                            kw={"object_id": "programme.pk"}),
    "admin:vouchers_voucher_approve":     R("L   L   L   L   200 404 200",
                                            "L   L   L   L   302 404 302",
                                            kw={"object_id": "submitted_voucher.pk"}),
    "admin:vouchers_voucher_reject":      R("L   L   L   L   200 404 200",
                                            "L   L   L   L   200 404 200",
                                            kw={"object_id": "submitted_voucher.pk"}),
    "admin:vouchers_voucher_pay":         R("L   L   L   L   200 404 200",
                                            "L   L   L   L   200 404 200",
                                            kw={"object_id": "redeemed_voucher.pk"}),
    # The regie's check of a new poster's opportunity (issue 19): the regisseur of the poster's
    # region and administrators; another region's is not found.
    # --- the API (issue 24): Bearer tokens only, so a session is nobody there ---
    # HR posting (api/posting.py): a POST without an organisation's token is 401 for everyone,
    # a session counting for nothing; the steps take no GET.
    "api:vacancy_publish":                R("405 405 405 405 405 405 405",
                                            "401 401 401 401 401 401 401", kw=DRAFT_VACANCY),
    "api:vacancy_extend":                 R("405 405 405 405 405 405 405",
                                            "401 401 401 401 401 401 401", kw=VACANCY),
    "api:vacancy_close":                  R("405 405 405 405 405 405 405",
                                            "401 401 401 401 401 401 401", kw=VACANCY),
    "api:service_request_publish":        R("405 405 405 405 405 405 405",
                                            "401 401 401 401 401 401 401", kw=DRAFT_REQUEST),
    "api:service_request_extend":         R("405 405 405 405 405 405 405",
                                            "401 401 401 401 401 401 401", kw=REQUEST),
    "api:service_request_close":          R("405 405 405 405 405 405 405",
                                            "401 401 401 401 401 401 401", kw=REQUEST),
    # The pages that issue tokens (api/token_views.py): a person's own; an organisation's, for its
    # owners. The empty POST is the form with its errors (issuing asks for the password again).
    "open_data:tokens":                   R("L   200 200 200 200 200 200",
                                            "L   200 200 200 200 200 200"),
    "open_data:token_revoke":             R("L   405 405 405 405 405 405",
                                            "L   404 404 302 404 404 404",
                                            kw={"pk": "personal_token.pk"}),
    "open_data:organisation_tokens":      R("L   404 403 200 404 404 404",
                                            "L   404 403 200 404 404 404"),
    "open_data:organisation_token_revoke":R("L   405 405 405 405 405 405",
                                            "L   404 403 302 404 404 404",
                                            kw={"pk": "organisation_token.pk"}),
    "admin:vacancies_vacancy_approve":    R("L   L   L   L   200 404 200",
                                            "L   L   L   L   302 404 302",
                                            kw={"object_id": "awaiting_vacancy.pk"}),
    "admin:vacancies_vacancy_send_back":  R("L   L   L   L   200 404 200",
                                            "L   L   L   L   200 404 200",
                                            kw={"object_id": "awaiting_vacancy.pk"}),
    "admin:vacancies_servicerequest_approve": R("L   L   L   L   200 404 200",
                                            "L   L   L   L   302 404 302",
                                            kw={"object_id": "awaiting_request.pk"}),
    "admin:vacancies_servicerequest_send_back": R("L   L   L   L   200 404 200",
                                            "L   L   L   L   200 404 200",
                                            kw={"object_id": "awaiting_request.pk"}),
    # --- the API's schema and documentation (api/reference.py, api/guide.py) ---
    "api:docs":                           R("200 200 200 200 200 200 200"),
    "open_data:guide":                    R("200 200 200 200 200 200 200"),
    "open_data:client":                   R("200 200 200 200 200 200 200"),

}

# The admin's pages of each registered model, for regisseur, other regisseur and administrator;
# anonymous and logged-in users without staff status are sent to log in everywhere (NOT_STAFF).
# The change page is the world's object in the regisseur's region (ADMIN_OBJECTS) or the first.
#                               changelist     add            change         change, POST
ADMIN_MODELS = {
    "auth.group":               A("403 403 200", "403 403 200", "403 403 200", "403 403 200"),
    "portal.user":              A("403 403 200", "403 403 200", "403 403 200", "403 403 200"),
    "portal.province":          A("403 403 200", "403 403 200", "403 403 200", "403 403 200"),
    "portal.municipality":      A("403 403 200", "403 403 200", "403 403 200", "403 403 200"),
    "portal.postcode":          A("403 403 200", "403 403 200", "403 403 200", "403 403 200"),
    "portal.region":            A("403 403 200", "403 403 200", "403 403 200", "403 403 200"),
    "portal.sector":            A("403 403 200", "403 403 200", "403 403 200", "403 403 200"),
    "portal.servicecategory":   A("403 403 200", "403 403 200", "403 403 200", "403 403 200"),
    "portal.notification":      A("403 403 200", "403 403 403", "403 403 200", "403 403 302"),
    "companies.organisation":   A("200 200 200", "403 403 200", "200 200 200", "403 403 200"),
    "companies.joinrequest":    A("403 403 200", "403 403 200", "403 403 200", "403 403 200"),
    "companies.invitation":     A("403 403 200", "403 403 200", "403 403 200", "403 403 200"),
    "companies.collaboration":  A("200 200 200", "403 403 200", "200 302 200", "403 403 200"),
    "vacancies.vacancy":        A("200 200 200", "403 403 200", "200 302 200", "403 403 200"),
    "vacancies.servicerequest": A("200 200 200", "403 403 200", "200 302 200", "403 403 200"),
    "vacancies.support":        A("403 403 200", "403 403 200", "403 403 200", "403 403 200"),
    "vacancies.response":       A("403 403 200", "403 403 403", "403 403 200", "403 403 403"),
    "vacancies.placement":      A("403 403 200", "403 403 403", "403 403 200", "403 403 403"),
    "vacancies.match":          A("403 403 200", "403 403 403", "403 403 200", "403 403 403"),
    "vacancies.savedsearch":    A("403 403 200", "403 403 403", "403 403 200", "403 403 403"),
    "vouchers.programme":       A("200 200 200", "200 200 200", "200 302 200", "200 302 200"),
    "vouchers.voucher":         A("200 200 200", "403 403 403", "200 302 200", "403 403 403"),
    "events.event":             A("200 200 200", "200 200 200", "200 302 200", "200 302 200"),
    "events.registration":      A("200 200 200", "403 403 403", "200 302 200", "403 403 403"),
    "procurement.eligibility":  A("403 403 200", "403 403 200", "403 403 200", "403 403 200"),
    "procurement.modelclause":  A("403 403 200", "403 403 200", "403 403 200", "403 403 200"),
    "portal.auditentry":        A("403 403 200", "403 403 403", "403 403 200", "403 403 403"),
    "mfa.authenticator":        A("403 403 200", "403 403 403", "403 403 200", "403 403 403"),
    "account.emailaddress":     A("403 403 200", "403 403 200", "403 403 200", "403 403 200"),
    # Social spend: administrators read the buyers' years; nobody adds or changes them there.
    "procurement.spendyear":    A("403 403 200", "403 403 403", "403 403 200", "403 403 403"),
    # API tokens: administrators look and revoke (a list action); nobody adds or edits one.
    "api.apitoken":             A("403 403 200", "403 403 403", "403 403 200", "403 403 403"),
}
NOT_STAFF = LOGIN
# fmt: on

# A GET that may end a session, and change nothing else: allauth logs out whoever opens the link
# to confirm another account's address (ConfirmEmailView.logout_other_user), so that the address
# is not confirmed on behalf of the wrong account.
GET_ENDS_SESSION = {"account_confirm_email"}

# The one view that takes a POST without a CSRF token: a mail client's one-click unsubscribe
# (RFC 8058). The signed token in its address authorises it; it can only switch one kind off.
CSRF_EXEMPT = {"notification_unsubscribe"}
# The API (issue 24) authenticates by the Authorization header alone, never by a cookie, so a
# forged cross-site request carries no credentials: Django REST framework's views take no CSRF
# token (api/authentication.py).
CSRF_EXEMPT |= {"api:vacancies", "api:service_requests"} | {
    f"api:{kind}_{step}"
    for kind in ("vacancy", "service_request")
    for step in ("publish", "extend", "close")
}


# --- Building the URLs -------------------------------------------------------------------------

# The object whose change page each role asks for: the world's own where it lies in the
# regisseur's region, else the model's first row.
ADMIN_OBJECTS = {
    "companies.organisation": "employer",
    "companies.collaboration": "collaboration",
    "vouchers.programme": "programme",
    "vouchers.voucher": "submitted_voucher",
    "api.apitoken": "organisation_token",
    "vacancies.vacancy": "awaiting_vacancy",
    "vacancies.servicerequest": "awaiting_request",
    "events.event": "event",
    "events.registration": "registration",
}


def _value(world, path):
    if isinstance(path, str) and path.startswith("="):
        return path[1:]
    return attrgetter(path)(world)


def pattern_of(key):
    """The URL pattern a row is for: "vacancies:vacancy_detail (draft)" is a second case of
    "vacancies:vacancy_detail"."""
    return key.split(" ", 1)[0]


def url_of(world, key, row):
    if row.path is not None:
        return row.path.format(admin=reverse("admin:index"))
    kwargs = {name: _value(world, path) for name, path in row.kw.items()}
    if "slug" in pattern_kwargs().get(pattern_of(key), ()) and "slug" not in kwargs:
        kwargs["slug"] = getattr(world, row.org).slug
    return reverse(pattern_of(key), kwargs=kwargs)


def post_data(world, row):
    return {name: _value(world, path) for name, path in row.data.items()}


def admin_urls(world, label):
    """The changelist, add and change pages of a registered model."""
    model = next(m for m in admin.site._registry if m._meta.label_lower == label)
    if label in ADMIN_OBJECTS:
        obj = attrgetter(ADMIN_OBJECTS[label])(world)
    else:
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"the matrix world has no {label} for its change page"
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    return {
        "changelist": reverse(f"{name}_changelist"),
        "add": reverse(f"{name}_add"),
        "change": reverse(f"{name}_change", args=[obj.pk]),
    }


@cache
def pattern_kwargs():
    return {pattern.key: pattern.kwargs for pattern in all_patterns()}


@pytest.fixture
def world(reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.OPEN_DATA_ROOT = tmp_path / "open-data"
    return build(tmp_path)


def expected(notation, role):
    return notation.split()[ROLES.index(role)]


def admin_expected(notation, role):
    if role in STAFF_ROLES:
        return notation.split()[STAFF_ROLES.index(role)]
    return NOT_STAFF


STAFF_ROLES = ("regisseur", "other_regisseur", "admin")


def _forms_problems(response, url, key):
    """A post form without a CSRF token, or posting to a view without a POST row."""
    problems = []
    for form in post_forms(response):
        target = urlsplit(form["action"] or url).path
        view = resolve(target).view_name
        if not form["csrf"] and view not in CSRF_EXEMPT:
            problems.append(f"{key} ({url}): a POST form to {target} has no CSRF token")
        if not (_has_post_row(view) or ADMIN_PAGE.match(view)):
            problems.append(
                f"{key} ({url}): a POST form goes to {view}, which has no POST in MATRIX"
            )
    return problems


ADMIN_PAGE = re.compile(r"^admin:\w+_(changelist|add|change|delete)$")


def _has_post_row(pattern):
    return any(row.post is not None for key, row in MATRIX.items() if pattern_of(key) == pattern)


# --- The tests ----------------------------------------------------------------------------------


def test_every_url_pattern_has_a_row():
    patterns = all_patterns()
    missing = [
        f"{p.key}  ({p.route})"
        for p in patterns
        if p.key not in MATRIX and admin_model_of(p) is None
    ]
    assert not missing, "URL patterns without a row in MATRIX:\n" + "\n".join(missing)
    gone = sorted({pattern_of(key) for key in MATRIX} - {p.key for p in patterns})
    assert not gone, f"rows in MATRIX for patterns that are gone: {gone}"
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert not registered - set(ADMIN_MODELS), (
        f"models in the admin without a row in ADMIN_MODELS: {registered - set(ADMIN_MODELS)}"
    )
    assert not set(ADMIN_MODELS) - registered, "rows in ADMIN_MODELS for models not in the admin"


class Walk:
    """What a walk through the matrix found: wrong answers, GETs that changed data or answered
    200 without a form for a view that changes data, forms without a CSRF token or posting to a
    view without a POST row."""

    def __init__(self):
        self.wrong, self.changed, self.forms = [], [], []
        self.counts = fingerprint()

    def get(self, asker, url, want, label, *, changes_data=False):
        response, counts = asker.get(url)
        counts = counts or self.counts  # a failed GET (500) is a wrong answer, counted below
        changes = {t: counts[t] - self.counts[t] for t in counts if counts[t] != self.counts[t]}
        if pattern_of(label) in GET_ENDS_SESSION:
            changes.pop("django_session", None)
        if changes:
            self.changed.append(f"GET {label} ({url}) changed the rows of {changes}")
        if changes_data and response.status_code == 200 and not post_forms(response):
            self.changed.append(f"GET {label} ({url}) answered 200 without a form to post")
        self._check("GET ", response, url, want, label)

    def post(self, asker, url, data, want, label):
        self._check("POST", asker.post(url, data), url, want, label)

    def _check(self, method, response, url, want, label):
        self.forms += _forms_problems(response, url, label)
        got = outcome(response)
        if got != want:
            self.wrong.append(f"{method} {label} ({url}): expected {want}, got {got}")


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, role):
    """The role's column of the matrix: every answer as the table says, no data changed by a
    GET, a CSRF token in every POST form, and every POST form aimed at a view with a POST row."""
    # One client per user (logged in before the walk counts rows): a row's member or owner
    # belongs to the organisation the row is about.
    users = {user_for(world, role, org) for org in ("employer", "enterprise")}
    askers = {user: Asker(user) for user in users}
    walk = Walk()
    for key, row in MATRIX.items():
        user = user_for(world, role, row.org)
        url = url_of(world, key, row)
        changes_data = row.post is not None
        # The API answers JSON: its writes have no form on the page its GET reads.
        has_form = changes_data and not key.startswith("api:")
        walk.get(askers[user], url, expected(row.get, role), key, changes_data=has_form)
        if changes_data:
            walk.post(askers[user], url, post_data(world, row), expected(row.post, role), key)
    asker = askers[user_for(world, role, "employer")]
    for label, pages in ADMIN_MODELS.items():
        urls = admin_urls(world, label)
        for page, url in urls.items():
            walk.get(asker, url, admin_expected(getattr(pages, page), role), f"{label} {page}")
        want = admin_expected(pages.change_post, role)
        walk.post(asker, urls["change"], {}, want, f"{label} change")
    assert not walk.wrong, f"as {role}:\n" + "\n".join(walk.wrong)
    assert not walk.changed, "\n".join(walk.changed)
    assert not walk.forms, "\n".join(walk.forms)


def test_posts_without_a_csrf_token_are_refused(world, settings):
    """Every view that takes a POST refuses one without a CSRF token (the middleware's refusal,
    not the view's: the token is checked before the view); the one-click unsubscribe alone
    takes it."""
    settings.CSRF_FAILURE_VIEW = "tests.security.matrix_client.csrf_refused"
    accepted = []
    askers = {}
    for key, row in MATRIX.items():
        if row.post is None:
            continue
        user = user_for(world, "admin" if key.startswith("admin:") else "owner", row.org)
        if user not in askers:
            askers[user] = Asker(user, enforce_csrf_checks=True)
        url = url_of(world, key, row)
        response = askers[user].post(url, post_data(world, row))
        if response.has_header(CSRF_REFUSED) == (pattern_of(key) in CSRF_EXEMPT):
            accepted.append(f"POST {key} ({url}) without a CSRF token: {response.status_code}")
    asker = Asker(world.users.admin, enforce_csrf_checks=True)
    for label in ADMIN_MODELS:
        for page, url in admin_urls(world, label).items():
            response = asker.post(url, {})
            if not response.has_header(CSRF_REFUSED):
                accepted.append(
                    f"POST admin {label} {page} ({url}) without a CSRF token: "
                    f"{response.status_code}"
                )
    assert not accepted, "\n".join(accepted)
