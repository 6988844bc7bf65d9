"""Full-text search for every list page, the same two calls on PostgreSQL and on SQLite.

A searchable model keeps two columns next to its row: `search_text` (what it is indexed under
besides its own fields: names of its services, sector, category... in every portal language) and
`search_vector` (a tsvector, PostgreSQL only, with a GIN index). The app that owns the model says
what goes in them (companies/search.py, vacancies/search.py); this module stores them and runs
queries against them.

PostgreSQL: the `brugwerk_dutch` configuration (Dutch stemming, accents removed; created by
companies migration 0002), websearch syntax (quotes, `-word`, `or`), and optionally trigram word
similarity on a name or title so that a typo there still finds it; results carry `search_rank`.
SQLite: every word of the query must occur, case-insensitively, in one of the given fields;
`search_rank` is a plain two-step relevance. Views never branch on the database.
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

# A query longer than this is cut: no name or title needs more words, and websearch_to_tsquery
# and LIKE patterns grow with every word.
MAX_WORDS = 12

# The field name under which the weights of `index` refer to the newly computed text.
SEARCH_TEXT = "search_text"


def is_postgres(using):
    return connections[using].vendor == "postgresql"


def weighted_vector(weights, text):
    """A SearchVector over `weights`, {field: "A".."D"}, summed in that order.

    The entry SEARCH_TEXT stands for `text` as a value: within one UPDATE the search_text column
    still holds the old text, so the vector must be built from the new one directly.
    """
    vector = None
    for field, weight in weights.items():
        expression = Value(text) if field == SEARCH_TEXT else field
        part = SearchVector(expression, weight=weight, config=CONFIG)
        vector = part if vector is None else vector + part
    return vector


def index(instance, text, *, weights):
    """Store `text` as the row's search_text and, on PostgreSQL, its weighted search_vector.

    One UPDATE of those two columns only, so it neither triggers save() nor overwrites fields
    another request changed meanwhile.
    """
    fields = {SEARCH_TEXT: text}
    using = instance._state.db or "default"
    if is_postgres(using):
        fields["search_vector"] = weighted_vector(weights, text)
    type(instance)._default_manager.using(using).filter(pk=instance.pk).update(**fields)
    instance.search_text = text


def _uses_operators(words):
    """Whether the query uses websearch syntax: a "phrase", -word, or."""
    return any(word.startswith(("-", '"')) or word.endswith('"') for word in words) or any(
        word.lower() == "or" for word in words
    )


def _near(words, field):
    """Every word is in `field` give or take a typo, or in the search vector (PostgreSQL).

    `field %> word`: pg_trgm's word similarity of the word to the closest part of the field is
    above its threshold (0.6 by default): "haspengouwe" scores about 0.8 against "Groenwerk
    Haspengouw", and "magazijn" against "Magazijnmedewerker", a Dutch compound the stemmer
    does not split. Word by word, not the whole query at once: a long title word would carry a
    query on its own ("magazijnmedewerker gent" would find every one, wherever it is).
    """
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__trigram_word_similar": word}) | Q(
            search_vector=SearchQuery(word, config=CONFIG)
        )
    return condition


def search(queryset, q, *, trigram_field=None, fields_for_sqlite=()):
    """The rows of `queryset` matching the query `q`, annotated with a relevance `search_rank`.

    `trigram_field` (PostgreSQL): a name or title that also matches by trigram word similarity.
    `fields_for_sqlite`: the fields a word may occur in on SQLite, most important first; the
    whole query found in the first one ranks higher. An empty query returns the queryset as it
    is (without a rank).
    """
    words = (q or "").split()[:MAX_WORDS]
    if not words:
        return queryset
    q = " ".join(words)
    if is_postgres(queryset.db):
        query = SearchQuery(q, search_type="websearch", config=CONFIG)
        condition = Q(search_vector=query)
        rank = SearchRank(F("search_vector"), query)
        if trigram_field:
            # A query in websearch syntax says exactly what it wants: no near matches, else
            # "-word" could not exclude a title that resembles the query.
            if not _uses_operators(words):
                condition |= _near(words, trigram_field)
            rank = rank + TrigramWordSimilarity(q, trigram_field)
        return queryset.filter(condition).annotate(search_rank=rank)
    condition = Q()
    for word in words:
        anywhere = Q()
        for field in fields_for_sqlite:
            anywhere |= Q(**{f"{field}__icontains": word})
        condition &= anywhere
    # A plain relevance: the query in the first field first, then anything else that matched.
    return queryset.filter(condition).annotate(
        search_rank=Case(
            When(**{f"{fields_for_sqlite[0]}__icontains": q}, then=Value(2.0)),
            default=Value(1.0),
            output_field=FloatField(),
        )
    )
