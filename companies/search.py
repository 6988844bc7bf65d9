"""The directory's full-text search: what is indexed for an organisation, and how a query runs.

PostgreSQL: a stored search vector, weighted name (A) > services and recognitions (B) >
description (C), in the `brugwerk_dutch` configuration (Dutch stemming, accents removed; made in
migration 0002), searched with websearch syntax; names also match by trigram word similarity so
that a typo in a name still finds it. Both have a GIN index (migration 0002).
SQLite: every word of the query must occur in the name, the description or the indexed text,
case-insensitively. Callers use the same two functions on both databases.
"""

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connections
from django.db.models import Case, F, FloatField, Q, Value, When

CONFIG = "brugwerk_dutch"

# A query longer than this is cut: no name or service needs more words, and websearch_to_tsquery
# and LIKE patterns grow with every word.
MAX_WORDS = 12


def _is_postgres(using):
    return connections[using].vendor == "postgresql"


def indexed_text(organisation):
    """The text of an organisation's services and recognitions, in every portal language."""
    parts = []
    for service in organisation.services.select_related("category"):
        category = service.category
        parts += [category.name_nl, category.name_fr, category.name_en, service.description]
    for recognition in organisation.recognitions.all():
        parts += [recognition.name_nl, recognition.name_fr, recognition.name_en]
    return "\n".join(part for part in parts if part)


def index(organisation):
    """Recompute the organisation's search text (and, on PostgreSQL, its search vector).

    Call after its name, description, services or recognitions change; Organisation.save()
    calls it for name and description.
    """
    text = indexed_text(organisation)
    fields = {"search_text": text}
    using = organisation._state.db or "default"
    if _is_postgres(using):
        # The text goes in as a value: in one UPDATE the column would still hold the old text.
        fields["search_vector"] = (
            SearchVector("name", weight="A", config=CONFIG)
            + SearchVector(Value(text), weight="B", config=CONFIG)
            + SearchVector("description", weight="C", config=CONFIG)
        )
    type(organisation)._default_manager.using(using).filter(pk=organisation.pk).update(**fields)
    organisation.search_text = text


def search(queryset, q):
    """Organisations matching the query `q`, annotated with a relevance `search_rank`.

    An empty query returns the queryset as it is (without a rank).
    """
    words = (q or "").split()[:MAX_WORDS]
    if not words:
        return queryset
    q = " ".join(words)
    if _is_postgres(queryset.db):
        query = SearchQuery(q, search_type="websearch", config=CONFIG)
        return queryset.filter(
            # `name %> q`: pg_trgm's word similarity of the query to the closest part of the
            # name is above its threshold (0.6 by default), which the trigram index serves.
            # "groenwerk haspengouwe" scores about 0.9 against "Groenwerk Haspengouw".
            Q(search_vector=query) | Q(name__trigram_word_similar=q)
        ).annotate(
            search_rank=SearchRank(F("search_vector"), query) + TrigramWordSimilarity(q, "name")
        )
    condition = Q()
    for word in words:
        condition &= (
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(search_text__icontains=word)
        )
    # A plain relevance: the query in the name first, then anything else that matched.
    return queryset.filter(condition).annotate(
        search_rank=Case(
            When(name__icontains=q, then=Value(2.0)),
            default=Value(1.0),
            output_field=FloatField(),
        )
    )
