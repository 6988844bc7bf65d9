"""Full-text search for every list page, the same two calls on PostgreSQL and on SQLite.

A searchable model keeps two columns next to its row: `search_text` (what it is indexed under
besides its own fields: names of its services, sector, category... in every portal language) and
`search_vector` (a tsvector, PostgreSQL only, with a GIN index). The app that owns the model says
what goes in them (companies/search.py, vacancies/search.py); this module stores them and runs
queries against them.

PostgreSQL: the `brugwerk_dutch` configuration (Dutch stemming, accents removed; created by
companies migration 0002), websearch syntax (quotes, `-word`, `or`), and optionally near
spellings of the known words (SearchWord: the words of names and titles, of the service
categories in every language, and of what an app indexes as known, such as services' texts),
looked up by trigram word similarity, so that a typo there, or a part of a compound word, still
finds it; results carry `search_rank` (ts_rank, with RANK_WEIGHTS when the app gives its weights).
SQLite: every word of the query must occur, case-insensitively, in one of the given fields, or
(`near`, words of five letters or more) a known word spelled nearly like it must (difflib's
ratio against the known words that start with the same letter); `search_rank` is the sum of the
fields' weights the words occur in, as ts_rank sums the weights of the matching positions.
did_you_mean() offers a known word for a query that found nothing. Views never branch on the
database.
"""

import contextvars
import difflib
import hashlib
import re
from contextlib import contextmanager

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.cache import cache
from django.db import connections
from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.functions import Length

from .cache import Generation
from .models import SearchWord

CONFIG = "brugwerk_dutch"

# A query longer than this is cut: no name or title needs more words, and websearch_to_tsquery
# and LIKE patterns grow with every word.
MAX_WORDS = 12

# The field name under which the weights of `index` refer to the newly computed text.
SEARCH_TEXT = "search_text"

# The weight of a name or title: its words go into the list of known words (SearchWord).
NAME_WEIGHT = "A"
WORD = re.compile(r"[^\W_]+")
# A query word is spelled nearly like at most this many known words, the closest first (a word
# of two letters is "near" every word that starts with them).
NEAR_WORDS = 100
# The near words of a query word are kept in the cache with the vocabulary's generation, which
# add_words() moves: an entry of another generation is looked up again. The timeout is only a
# safety net.
VOCABULARY = Generation("textsearch:vocabulary")
NEAR_WORDS_TIMEOUT = 60 * 60
# SQLite: a typo is forgiven in a word of at least this many letters, by at most this many known
# words whose difflib ratio to it is at least NEAR_RATIO ("groenonderhout": "groenonderhoud").
NEAR_MIN_LENGTH = 5
NEAR_WORDS_SQLITE = 5
NEAR_RATIO = 0.75
# ... among the known words that differ in length by at most this ("fietsherstelling" finds
# "fietsherstel").
NEAR_LENGTH = 4
# did_you_mean(): a query word of at least this many letters that is no known word is replaced
# by the closest known word (PostgreSQL: trigram similarity above pg_trgm's threshold, 0.3;
# SQLite: difflib's ratio at least SUGGEST_RATIO).
SUGGEST_MIN_LENGTH = 5
SUGGEST_RATIO = 0.6
# ts_rank's weights of D, C, B and A: what a row offers (B) weighs nearly what its name says
# (A), far more than a mention in a description (D). The same weights rank on SQLite.
RANK_WEIGHTS = {"D": 0.1, "C": 0.2, "B": 0.7, "A": 1.0}


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


def index(instance, text, *, weights, known=()):
    """Store `text` as the row's search_text and, on PostgreSQL, its weighted search_vector.

    One UPDATE of those two columns only, so it neither triggers save() nor overwrites fields
    another request changed meanwhile. The words of the name or title (the fields weighted
    NAME_WEIGHT) and of the texts `known` become known words (near spellings, suggestions).
    """
    fields = {SEARCH_TEXT: text}
    using = instance._state.db or "default"
    if is_postgres(using):
        fields["search_vector"] = weighted_vector(weights, text)
    type(instance)._default_manager.using(using).filter(pk=instance.pk).update(**fields)
    instance.search_text = text
    add_words(
        [getattr(instance, field) for field, weight in weights.items() if weight == NAME_WEIGHT]
        + list(known),
        using=using,
    )


def words_of(text):
    """The words of a name or title as the list of known words holds them: lower case."""
    return {word for word in WORD.findall((text or "").lower()) if 1 < len(word) <= 60}


def add_words(texts, *, using="default"):
    """Add the words of names or titles (`texts`) to the known words; those known are skipped."""
    words = set()
    for text in texts:
        words |= words_of(text)
    SearchWord.objects.using(using).bulk_create(
        [SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True, batch_size=1000
    )
    VOCABULARY.move(using)  # near words looked up before are stale


def near_words_key(word, *, using="default"):
    """The cache key of the near words of `word`: (the vocabulary's generation, the words)."""
    return f"textsearch:near:{using}:{hashlib.sha256(word.encode()).hexdigest()}"


def _kept(key, look_up):
    """look_up() from the cache while the vocabulary has not changed, else called and kept."""
    found = cache.get_many([VOCABULARY.key, key])
    generation = VOCABULARY.current(found.get(VOCABULARY.key))
    kept = found.get(key)
    if generation is not None and kept is not None and kept[0] == generation:
        return kept[1]
    value = look_up()
    if generation is not None:
        cache.set(key, (generation, value), timeout=NEAR_WORDS_TIMEOUT)
    return value


def near_words(word, *, using="default"):
    """The known words spelled nearly like `word`, the closest first: from the cache while the
    vocabulary has not changed, else looked up (one query). PostgreSQL: by trigram word
    similarity; SQLite: by difflib's ratio among the known words with its first letter, for a
    word of NEAR_MIN_LENGTH letters or more."""
    if is_postgres(using):
        return _kept(near_words_key(word, using=using), lambda: _near_words_pg(word, using))
    if len(word) < NEAR_MIN_LENGTH:
        return []
    return _kept(
        near_words_key(f"sqlite:{word}", using=using),
        lambda: _closest(word, NEAR_WORDS_SQLITE, NEAR_RATIO, using),
    )


def _near_words_pg(word, using):
    table = connections[using].ops.quote_name(SearchWord._meta.db_table)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT word FROM {table} WHERE word %%> %s "  # noqa: S608 (our table's name)
            f"ORDER BY %s <<-> word, word LIMIT {NEAR_WORDS}",
            [word, word],
        )
        return [row[0] for row in cursor.fetchall()]


def _closest(word, n, cutoff, using):
    """The `n` known words closest to `word` by difflib's ratio (at least `cutoff`), among those
    that start with its letter and differ in length by at most NEAR_LENGTH (one query)."""
    word = word.lower()
    candidates = (
        SearchWord.objects.using(using)
        .annotate(length=Length("word"))
        .filter(
            word__startswith=word[0],
            length__range=(len(word) - NEAR_LENGTH, len(word) + NEAR_LENGTH),
        )
        .values_list("word", flat=True)
    )
    return difflib.get_close_matches(word, list(candidates), n=n, cutoff=cutoff)


def did_you_mean(q, *, using="default"):
    """The query `q` with each word that is no known word replaced by the closest known word,
    for a search that found nothing; None when no word changes (or the query uses websearch
    syntax, which says exactly what it wants)."""
    words = _words(q)
    if not words or _uses_operators(words):
        return None
    lowered = [word.lower() for word in words]
    unknown = {word for word in lowered if len(word) >= SUGGEST_MIN_LENGTH and WORD.fullmatch(word)}
    if unknown:
        unknown -= set(
            SearchWord.objects.using(using).filter(word__in=unknown).values_list("word", flat=True)
        )
    better = {}
    for word in unknown:
        if is_postgres(using):
            closest = _suggestion_pg(word, using)
        else:
            closest = _closest(word, 1, SUGGEST_RATIO, using)
        if closest:
            better[word] = closest[0]
    if not better:
        return None
    return " ".join(better.get(low, word) for word, low in zip(words, lowered, strict=True))


def _suggestion_pg(word, using):
    table = connections[using].ops.quote_name(SearchWord._meta.db_table)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT word FROM {table} WHERE word %% %s "  # noqa: S608 (our table's name)
            "ORDER BY word <-> %s, word LIMIT 1",
            [word, word],
        )
        return [row[0] for row in cursor.fetchall()]


def _uses_operators(words):
    """Whether the query uses websearch syntax: a "phrase", -word, or."""
    return any(word.startswith(("-", '"')) or word.endswith('"') for word in words) or any(
        word.lower() == "or" for word in words
    )


class NearWords(SearchQuery):
    """The known words spelled nearly like `word`, as one text search query:
    "magazijnmedewerker | magazijnier" (an empty query when there is none).

    `known %> word`: pg_trgm's word similarity of the word to the closest part of the known word
    is above its threshold (0.6 by default): "haspengouwe" scores about 0.8 against
    "haspengouw", and "magazijn" against "magazijnmedewerker", a Dutch compound the stemmer does
    not split. The list is short and has a trigram index, so this costs the same whatever the
    number of rows searched; the rows are then found by their search vector's index. The words
    are looked up once and then kept in the cache until the list changes (near_words()); the
    query is built once per statement (shared_near_words()), not once per row. The known words are
    those of names and titles, but a row is found by one anywhere in its text: a weight in the
    query ("word:A") would have every row the index finds read again to check it (the GIN index
    does not hold weights), which costs more than the search itself.
    """

    def __init__(self, word):
        super().__init__(word, config=CONFIG)
        self.word = word

    def as_sql(self, compiler, connection, function=None, template=None):
        sql, params = self._lookup(connection.alias)
        shared = _shared_near_words.get()
        if shared is None:
            return sql, params
        name, _sql, _params = shared.setdefault(self.word, (f"near_{len(shared)}", sql, params))
        return f"(SELECT q FROM {name})", []  # noqa: S608 (a name of ours)

    def _lookup(self, using):
        words = near_words(self.word, using=using)
        if not words:
            return "''::tsquery", []
        return f"to_tsquery('{CONFIG}'::regconfig, %s)", [" | ".join(words)]


_shared_near_words = contextvars.ContextVar("shared_near_words", default=None)


@contextmanager
def shared_near_words():
    """Within this block, NearWords compile to a reference to a common table expression, one
    per word, rather than to the lookup itself: a statement that searches and ranks in two
    places looks each word up once. Yields {word: (name, sql, params)}, the expressions the
    statement must define (`WITH near_0 (q) AS (SELECT <sql>), ...`)."""
    shared = {}
    token = _shared_near_words.set(shared)
    try:
        yield shared
    finally:
        _shared_near_words.reset(token)


def _near(words):
    """Every word is in the search vector, or a known word spelled nearly like it is
    (PostgreSQL). Word by word, not the whole query at once: a long title word would
    carry a query on its own ("magazijnmedewerker gent" would find every one, wherever it is).
    A single word is in the search vector already by the query as a whole.
    """
    condition = Q()
    for word in words:
        near = Q(search_vector=NearWords(word))
        if len(words) > 1:
            near |= Q(search_vector=SearchQuery(word, config=CONFIG))
        condition &= near
    return condition


def _words(q):
    return (q or "").split()[:MAX_WORDS]


def search(queryset, q, *, near=False, fields_for_sqlite=(), weights=None, boost=None):
    """The rows of `queryset` matching the query `q`, annotated with a relevance `search_rank`
    (rank(), with `weights` and `boost`).

    `near`: a known word (of any name or title, the fields weighted NAME_WEIGHT, and the texts
    indexed as known) spelled nearly like a query word matches too. `fields_for_sqlite`: the
    fields a word may occur in on SQLite, most important first. An empty query returns the
    queryset as it is (without a rank).
    """
    words = _words(q)
    if not words:
        return queryset
    q = " ".join(words)
    if is_postgres(queryset.db):
        condition = Q(search_vector=SearchQuery(q, search_type="websearch", config=CONFIG))
        # A query in websearch syntax says exactly what it wants: no near matches, else
        # "-word" could not exclude a title that resembles the query.
        if near and not _uses_operators(words):
            condition |= _near(words)
    else:
        condition = Q()
        for word in words:
            spellings = [word]
            if near:
                spellings += near_words(word.lower(), using=queryset.db)
            anywhere = Q()
            for spelling in spellings:
                for field in fields_for_sqlite:
                    anywhere |= Q(**{f"{field}__icontains": spelling})
            condition &= anywhere
    return rank(
        queryset.filter(condition),
        q,
        near=near,
        fields_for_sqlite=fields_for_sqlite,
        weights=weights,
        boost=boost,
    )


def rank(queryset, q, *, near=False, fields_for_sqlite=(), weights=None, boost=None):
    """`queryset` annotated with the relevance `search_rank` of the query `q`, without
    narrowing it (for rows a search found already).

    PostgreSQL: ts_rank of the query and (`near`) the known words spelled nearly like its
    words: a word of the name or title weighs most ("heftruck" in "Heftruckchauffeur"), then
    the indexed text, then the description. `weights` ({field: "A".."D"}, those the vector was
    built with) ranks with RANK_WEIGHTS, and on SQLite sums the weights of the fields each word
    occurs in (divided by the number of words); without `weights` the whole query in the first
    of `fields_for_sqlite` ranks 2, anything else 1 on SQLite. `boost`, an expression, multiplies
    the rank (a kind of row that comes first among near equals).
    """
    words = _words(q)
    if not words:
        return queryset
    q = " ".join(words)
    if is_postgres(queryset.db):
        query = SearchQuery(q, search_type="websearch", config=CONFIG)
        if near and not _uses_operators(words):
            for word in words:
                query = query | NearWords(word)
        options = {}
        if weights:
            options["weights"] = [RANK_WEIGHTS[letter] for letter in "DCBA"]
        relevance = SearchRank(F("search_vector"), query, **options)
    elif weights:
        relevance = None
        for word in words:
            spellings = [word, *(near_words(word.lower(), using=queryset.db) if near else [])]
            for field, letter in weights.items():
                matches = Q()
                for spelling in spellings:
                    matches |= Q(**{f"{field}__icontains": spelling})
                part = Case(
                    When(matches, then=Value(RANK_WEIGHTS[letter] / len(words))),
                    default=Value(0.0),
                    output_field=FloatField(),
                )
                relevance = part if relevance is None else relevance + part
    else:
        relevance = Case(
            When(**{f"{fields_for_sqlite[0]}__icontains": q}, then=Value(2.0)),
            default=Value(1.0),
            output_field=FloatField(),
        )
    if boost is not None:
        relevance = relevance * boost
    return queryset.annotate(search_rank=relevance)
