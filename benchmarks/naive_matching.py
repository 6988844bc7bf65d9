"""REFERENCE ONLY, for the matching benchmark: matching done naively, per organisation, in Python.

Never use this in the portal; vacancies/matching.py is the real thing. This is how matching
would look without a set-based query: walk every organisation, ask the database about each
social enterprise (does it offer the category, with which radius; does it work in the sector),
compute the distance in Python, and count the recognitions of each match. It applies the same
rules and the same score as vacancies.matching, so that the benchmark can assert both find the
same enterprises at the same distances before comparing their speed.
"""

from companies.models import Organisation, OrganisationKind
from portal.geography import haversine_km
from vacancies import matching
from vacancies.fitting import VACANCY_RADIUS_KM
from vacancies.models import Vacancy


def matches(opportunity):
    """{enterprise id: (distance in km, score)} for every social enterprise that fits."""
    is_vacancy = isinstance(opportunity, Vacancy)
    found = {}
    for organisation in Organisation.objects.order_by("pk").iterator(chunk_size=2000):
        if organisation.kind != OrganisationKind.SOCIAL:
            continue
        if organisation.pk == opportunity.organisation_id:
            continue
        km = haversine_km(opportunity, organisation)
        if is_vacancy:
            if not organisation.sectors.filter(pk=opportunity.sector_id).exists():
                continue
            if km > VACANCY_RADIUS_KM:
                continue
        else:
            service = organisation.services.filter(category=opportunity.category_id).first()
            if service is None:
                continue
            if service.radius_km is not None and km > service.radius_km:
                continue
        recognitions = organisation.recognitions.count()
        score = max(matching.MAX_KM - km, 0.0)
        score += matching.RECOGNITION_BONUS * min(recognitions, matching.MAX_RECOGNITIONS_COUNTED)
        if organisation.verified_at is not None:
            score += matching.VERIFIED_BONUS
        found[organisation.pk] = (km, round(score, 3))
    return found
