"""Writing generated rows fast: COPY on PostgreSQL, bulk_create elsewhere.

bulk_create spends most of its time building one enormous INSERT statement in Python; COPY
streams the values instead, several times faster for the hundreds of thousands of rows the
benchmarks need. Rows keep exactly the values the instances hold, converted by each field's
get_db_prep_save as an ORM save would, with primary keys drawn from the table's own sequence so
that later inserts by the portal continue after them.

A model with a search vector (companies/search.py, vacancies/search.py) gets it computed by the
database in the same INSERT, from the row's own columns with the app's weights: the rows go
through a temporary table first, so each row is written once, with its vector, rather than
inserted and then updated (which would write every index twice).
"""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

from portal import textsearch

VECTOR = "search_vector"


@contextmanager
def explicit_timestamps(*models):
    """Let bulk_create keep the created_at/updated_at values we give.

    auto_now and auto_now_add stamp every row with the moment of saving, in bulk_create too
    (DateTimeField.pre_save); data since 2012 need their own dates. The flags are restored after.
    """
    fields = [
        f
        for model in models
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def write(model, objects, *, vector_weights=None):
    """Insert `objects` (unsaved instances of `model`) and give each its primary key.

    `vector_weights` ({column: "A".."D"}, an app's search WEIGHTS): also fill search_vector on
    PostgreSQL and add the words of names and titles to the known words, as
    portal.textsearch.index would.
    """
    objects = list(objects)
    if not objects:
        return objects
    if vector_weights:
        names = [
            field for field, weight in vector_weights.items() if weight == textsearch.NAME_WEIGHT
        ]
        textsearch.add_words(getattr(obj, field) for obj in objects for field in names)
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        with explicit_timestamps(model):
            return model.objects.bulk_create(objects)
    _copy(model, objects, vector_weights)
    return objects


def _copy(model, objects, vector_weights):
    # The connection itself, not django.db.connection: that proxy costs a lookup per value.
    connection = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    fields = [
        field for field in meta.concrete_fields if not field.generated and field.column != VECTOR
    ]
    table = meta.db_table
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    prepare = [(field.attname, field.get_db_prep_save) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, meta.pk.column, len(objects)],
        )
        for instance, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            instance.pk = pk
            instance._state.adding = False
            instance._state.db = connection.alias
        # Table and column names come from the models' _meta, quoted; values travel as parameters
        # or through COPY.
        target = table
        if vector_weights:
            target = f"bulk_{table}"
            cursor.execute(
                f"CREATE TEMPORARY TABLE {quote(target)} AS SELECT {columns} FROM {quote(table)} "  # noqa: S608
                "WITH NO DATA"
            )
        with cursor.cursor.copy(f"COPY {quote(target)} ({columns}) FROM STDIN") as copy:
            for instance in objects:
                copy.write_row(
                    [prep(getattr(instance, attname), connection) for attname, prep in prepare]
                )
        if vector_weights:
            cursor.execute(
                f"INSERT INTO {quote(table)} ({columns}, {quote(VECTOR)}) "  # noqa: S608
                f"SELECT {columns}, {_vector_sql(vector_weights)} FROM {quote(target)}",
                [textsearch.CONFIG] * len(vector_weights),
            )
            cursor.execute(f"DROP TABLE {quote(target)}")


def _vector_sql(weights):
    """The SQL of textsearch.weighted_vector over the row's own columns."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    return " || ".join(
        f"setweight(to_tsvector(%s::regconfig, COALESCE({quote(column)}::text, '')), '{weight}')"
        for column, weight in weights.items()
    )
