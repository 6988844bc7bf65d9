"""Which social enterprises should hear about a published opportunity, and telling them.

`match(opportunity)` finds the candidates in one query, keeps them as Match rows with a score and
the reasons in codes (rendered in each reader's language, vacancies.models.render_reason), and
writes an email to the members of each enterprise matched for the first time.

- A service request fits a social enterprise that offers its category and whose radius for that
  service reaches the request's place (no radius: all of Flanders), the same rule as the
  enterprise's dashboard (vacancies/fitting.py).
- A vacancy fits a social enterprise within fitting.VACANCY_RADIUS_KM whose sectors include the
  vacancy's sector: its workers know the trade and may move on to the job.

Scores order the matches: a verified enterprise always ranks above an unverified one (its
bonus exceeds any difference in distance), then closer is better, then recognitions tip the
balance between enterprises at about the same distance.

Running it again is harmless: the unique constraints on Match ignore pairs already stored, only
new pairs are notified, and the outbox key names the opportunity, enterprise and user, so no
email goes out twice even when two runs overlap.
"""

from django.db import transaction
from django.db.models import Count, F, FilteredRelation, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from companies.models import Membership, Organisation, Recognition
from portal import emails, geography

from .fitting import VACANCY_RADIUS_KM
from .lifecycle import DETAIL_URL_NAMES
from .models import Match, ServiceRequest, Vacancy

VERIFIED_BONUS = 1000.0
# Farther than any two places in Flanders: the distance term stays positive.
MAX_KM = 300.0
RECOGNITION_BONUS = 10.0
MAX_RECOGNITIONS_COUNTED = 3

KIND_NAMES = {Vacancy: "vacancy", ServiceRequest: "request"}
LANGUAGES = ("nl", "fr", "en")


def _names(row, prefix):
    """The {"nl": ..., "fr": ..., "en": ...} of a TranslatedName, from a row or annotations."""
    return {language: getattr(row, f"{prefix}{language}") or "" for language in LANGUAGES}


def _with_recognitions(enterprises):
    """Annotate how many recognitions each enterprise has and its first one's names, as
    subqueries, so that the candidates stay one row per enterprise in one query."""
    first = Recognition.objects.filter(organisations=OuterRef("pk")).order_by("position", "slug")
    count = (
        Organisation.recognitions.through.objects.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return enterprises.annotate(
        recognition_count=Coalesce(Subquery(count, output_field=IntegerField()), 0),
        **{
            f"recognition_name_{language}": Subquery(first.values(f"name_{language}")[:1])
            for language in LANGUAGES
        },
    )


def candidates(opportunity):
    """The social enterprises that fit `opportunity`, each annotated with `distance_km`: one query.

    The poster itself is left out, also when it is a social enterprise.
    """
    enterprises = Organisation.objects.social().exclude(pk=opportunity.organisation_id)
    if isinstance(opportunity, Vacancy):
        enterprises = geography.within(
            enterprises.filter(sectors=opportunity.sector_id), opportunity, VACANCY_RADIUS_KM
        )
    else:
        # The enterprise's one offer in this category (unique per organisation and category),
        # joined once, so the radius compared is the radius of that very service.
        enterprises = geography.annotate_distance(
            enterprises.annotate(
                offer=FilteredRelation(
                    "services", condition=Q(services__category=opportunity.category_id)
                )
            ),
            opportunity,
        ).filter(
            Q(offer__isnull=False),
            Q(offer__radius_km__isnull=True) | Q(distance_km__lte=F("offer__radius_km")),
        )
    return list(_with_recognitions(enterprises).order_by("pk"))


def score_and_reasons(opportunity, enterprise):
    km = round(enterprise.distance_km)
    reasons = []
    if isinstance(opportunity, Vacancy):
        reasons.append({"code": "sector", "name": _names(opportunity.sector, "name_")})
    else:
        reasons.append({"code": "offers", "name": _names(opportunity.category, "name_")})
    reasons.append({"code": "distance", "km": km})
    if enterprise.recognition_count:
        reasons.append({"code": "recognition", "name": _names(enterprise, "recognition_name_")})
    score = max(MAX_KM - enterprise.distance_km, 0.0)
    score += RECOGNITION_BONUS * min(enterprise.recognition_count, MAX_RECOGNITIONS_COUNTED)
    if enterprise.verified_at is not None:
        reasons.append({"code": "verified"})
        score += VERIFIED_BONUS
    return round(score, 3), reasons


@transaction.atomic
def match(opportunity):
    """Store the matches of a published opportunity and notify the newly matched; returns the
    number of matched enterprises (new and earlier ones)."""
    field = "vacancy" if isinstance(opportunity, Vacancy) else "service_request"
    found = candidates(opportunity)
    known = set(Match.objects.for_opportunity(opportunity).values_list("enterprise_id", flat=True))
    rows = []
    for enterprise in found:
        score, reasons = score_and_reasons(opportunity, enterprise)
        rows.append(
            Match(**{field: opportunity}, enterprise=enterprise, score=score, reasons=reasons)
        )
    # A concurrent run may have stored some pairs since `known` was read: the constraint skips
    # them, and the outbox keys keep their members from a second email.
    Match.objects.bulk_create(rows, ignore_conflicts=True)
    new = [row for row in rows if row.enterprise_id not in known]
    _notify(opportunity, new)
    type(opportunity).objects.filter(pk=opportunity.pk).update(matched_at=timezone.now())
    return len(found)


def unmatched(model, limit=100):
    """Published opportunities whose matching has not run since they were (re)published."""
    return (
        model.objects.published().filter(matched_at__isnull=True).order_by("published_at")[:limit]
    )


def _notify(opportunity, matches):
    if not matches:
        return
    by_enterprise = {row.enterprise_id: row for row in matches}
    members = (
        Membership.objects.filter(organisation__in=by_enterprise, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    kind = KIND_NAMES[type(opportunity)]
    for membership in members:
        row = by_enterprise[membership.organisation_id]
        user = membership.user
        emails.send_to_user(
            user,
            template="opportunity_match",
            kind="opportunity_match",
            key=f"match:{kind}:{opportunity.pk}:{row.enterprise_id}:{user.pk}",
            context={
                "opportunity": opportunity,
                "organisation": opportunity.organisation,
                "enterprise": row.enterprise,
                "match": row,
                "is_vacancy": kind == "vacancy",
                "detail_url_name": DETAIL_URL_NAMES[type(opportunity)],
            },
            summary=f"{opportunity.title} ({opportunity.organisation.name})",
        )
