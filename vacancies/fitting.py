"""Open opportunities that fit a social enterprise, for its dashboard.

A service request fits when the enterprise offers its category and the request's place lies
within that service's radius (a service without a radius covers all of Flanders); a vacancy fits
when it lies within VACANCY_RADIUS_KM of the enterprise, whatever its sector, since the
enterprise looks for a next step for any of its workers. Each list is one query: the distance is
computed by the database (portal.geography), newest first, at most LIMIT rows.

This is the plain rule the dashboard needs now; scored matches with their reasons, stored when
an opportunity is published, are vacancies/matching.py's work.
"""

from django.db.models import Q

from portal import geography

from .models import ServiceRequest, Vacancy

LIMIT = 10
VACANCY_RADIUS_KM = 30


def requests_for(enterprise, services):
    """Published service requests in the categories of `services` (the enterprise's offered
    services), within each one's radius, that the enterprise has not answered yet."""
    if not services:
        return []
    fits = Q()
    for service in services:
        if service.radius_km is None:
            fits |= Q(category=service.category_id)
        else:
            fits |= Q(category=service.category_id, distance_km__lte=service.radius_km)
    requests = (
        ServiceRequest.objects.published()
        .exclude(organisation=enterprise)
        .exclude(responses__enterprise=enterprise)
    )
    radii = [service.radius_km for service in services]
    if None not in radii:
        # Every service has a radius: the widest one bounds the search, on the indexed columns.
        south, north, west, east = geography.bounding_box(enterprise, max(radii))
        requests = requests.filter(latitude__range=(south, north), longitude__range=(west, east))
    return list(
        geography.annotate_distance(requests, enterprise)
        .filter(fits)
        .select_related("organisation", "category", "municipality")
        .order_by("-published_at", "-pk")[:LIMIT]
    )


def vacancies_near(enterprise, km=VACANCY_RADIUS_KM):
    """Published vacancies of other organisations within `km` of the enterprise."""
    vacancies = Vacancy.objects.published().exclude(organisation=enterprise)
    return list(
        geography.within(vacancies, enterprise, km)
        .select_related("organisation", "municipality")
        .order_by("-published_at", "-pk")[:LIMIT]
    )
