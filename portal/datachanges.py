"""The data version: a value the database itself moves on every write to a table the reports read.

The reports (companies/reports.py) cache each computed table under a key that holds this version.
No code path has to remember to invalidate anything: triggers in the database record every
write to a tracked table (the ORM's save, bulk_create, QuerySet.update and delete, COPY, raw SQL,
imports, TRUNCATE) in the change log `portal.DataChange`, in the writer's own transaction.

The log
    PostgreSQL: one statement-level trigger per tracked table, AFTER INSERT OR UPDATE OR DELETE
    and AFTER TRUNCATE, inserts one row into the log (`changes` = 1). The log is append-only:
    there is no counter row that concurrent writers would queue on (or deadlock over), and a
    write of 200,000 rows by COPY adds one row. A statement that changes no row still adds one
    (the cost is a cache miss). SQLite runs one writer at a time: row triggers keep the log at
    one row, replacing it by a row that counts one more change.

The version
    The number of changes recorded, SUM(changes), with the time of the latest, MAX(at): one
    query over a log the prune keeps short (every 15 minutes). Not MAX(id): ids are handed out
    when a transaction writes and become visible when it commits, in another order. An import that
    runs for a minute takes its id first, a quick edit during it takes a later one and commits
    first; MAX(id) would then not move when the import commits, and a table cached in between
    would be served without the import for good. Every commit adds its rows to the sum, in
    whatever order. The time guards against a database restored from a backup (its sum comes
    back to values cached before): writes after the restore carry later times.

    Read the version before computing what is cached under it: figures computed afterwards are
    at least as new as the version says.

The prune
    `prune()` (every 15 minutes, portal.tasks.prune_data_changes) folds every row but the
    newest into the newest (their changes added, the latest time kept) in one statement, so the
    version stays what it was and the entries cached under it stay good.

Tracking a table
    Each app installs the triggers for its own tables in its own migration with `track([...])`
    (portal first: `install()` creates the function the PostgreSQL triggers call).
    tests/portal/test_datachanges.py checks that every table a report reads is tracked. On
    SQLite, a migration that rebuilds a tracked table (most AlterField, an AddField with a
    default, a unique constraint) drops its triggers with the old table; `restore_sqlite_triggers`
    (post_migrate) puts back the missing triggers of every table that a loaded migration tracks,
    so no migration has to remember it. The names of the triggers are part of the migrations that
    created them: do not change them.
"""

from django.db import DEFAULT_DB_ALIAS, connections, migrations, transaction
from django.db.models import Max, Sum

from .models import DataChange

LOG = DataChange._meta.db_table
FUNCTION = "portal_record_data_change"
SQLITE_EVENTS = ("insert", "update", "delete")
# The tables that the migrations loaded in this process track (track() adds them as the
# migration modules are imported, which `migrate` does before it runs any).
TRACKED = set()


def version(using=DEFAULT_DB_ALIAS):
    """The current data version, a string that changes with every write to a tracked table."""
    found = DataChange.objects.using(using).aggregate(changes=Sum("changes"), at=Max("at"))
    at = found["at"].isoformat() if found["at"] else ""
    return f"{found['changes'] or 0}@{at}"


def prune(using=DEFAULT_DB_ALIAS):
    """Fold every row of the log but the newest into the newest; returns how many went.

    The version does not change. Rows of transactions that commit while this runs are not
    seen, so not folded, and still count."""
    connection = connections[using]
    log = connection.ops.quote_name(LOG)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One prune at a time; writers' inserts do not wait (ROW EXCLUSIVE does not
            # conflict with this mode). One statement, so what is deleted is what is added.
            cursor.execute(f"LOCK TABLE {log} IN SHARE UPDATE EXCLUSIVE MODE")
            cursor.execute(
                f"WITH newest AS (SELECT MAX(id) AS id FROM {log}),"  # noqa: S608
                f" gone AS (DELETE FROM {log} WHERE id < (SELECT id FROM newest)"
                " RETURNING changes, at)"
                f" UPDATE {log}"
                " SET changes = changes + (SELECT COALESCE(SUM(changes), 0) FROM gone),"
                " at = GREATEST(at, (SELECT MAX(at) FROM gone))"
                " WHERE id = (SELECT id FROM newest)"
                " RETURNING (SELECT COUNT(*) FROM gone)"
            )
            row = cursor.fetchone()
            return row[0] if row else 0
        # SQLite: the transaction holds the only write lock.
        cursor.execute(
            f"UPDATE {log} SET changes = (SELECT SUM(changes) FROM {log}),"  # noqa: S608
            f" at = (SELECT MAX(at) FROM {log})"
            f" WHERE id = (SELECT MAX(id) FROM {log})"
        )
        cursor.execute(f"DELETE FROM {log} WHERE id < (SELECT MAX(id) FROM {log})")  # noqa: S608
        return cursor.rowcount


# --- Migrations ----------------------------------------------------------------------------


def _postgresql_function(quote):
    return [
        f"""
        CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {quote(LOG)} DEFAULT VALUES;
            RETURN NULL;
        END;
        $$
        """
    ], [f"DROP FUNCTION IF EXISTS {FUNCTION}()"]


def _postgresql_triggers(quote, table):
    trigger = quote(f"{table}_data_change")
    return [
        f"""
        CREATE TRIGGER {trigger}
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quote(table)}
        FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()
        """
    ], [f"DROP TRIGGER IF EXISTS {trigger} ON {quote(table)}"]


def _sqlite_triggers(quote, table):
    log = quote(LOG)
    install, remove = [], []
    for event in SQLITE_EVENTS:
        trigger = quote(f"{table}_data_change_{event}")
        install.append(
            f"""
            CREATE TRIGGER IF NOT EXISTS {trigger} AFTER {event.upper()} ON {quote(table)}
            FOR EACH ROW
            BEGIN
                INSERT INTO {log} (changes) SELECT COALESCE(SUM(changes), 0) + 1 FROM {log};
                DELETE FROM {log} WHERE id < (SELECT MAX(id) FROM {log});
            END
            """  # noqa: S608 (names of our own tables, quoted)
        )
        remove.append(f"DROP TRIGGER IF EXISTS {trigger}")
    return install, remove


def _operation(statements_for):
    """RunPython running the vendor's statements forwards and its reverse backwards."""

    def run(index):
        def operation(apps, schema_editor):
            vendor = schema_editor.connection.vendor
            if vendor not in ("postgresql", "sqlite"):
                raise NotImplementedError(
                    f"The data version has triggers for PostgreSQL and SQLite, not {vendor}."
                )
            install, remove = statements_for(vendor, schema_editor.quote_name)
            for statement in (install, list(reversed(remove)))[index]:
                schema_editor.execute(statement, params=None)

        return operation

    return migrations.RunPython(run(0), run(1))


def install():
    """Migration operations for portal: the function the PostgreSQL triggers call."""

    def statements(vendor, quote):
        return _postgresql_function(quote) if vendor == "postgresql" else ([], [])

    return [_operation(statements)]


def track(tables):
    """Migration operations that make every write to `tables` (names) move the data version."""
    tables = list(tables)
    TRACKED.update(tables)

    def statements(vendor, quote):
        triggers = _postgresql_triggers if vendor == "postgresql" else _sqlite_triggers
        install, remove = [], []
        for table in tables:
            more, fewer = triggers(quote, table)
            install += more
            remove += fewer
        return install, remove

    return [_operation(statements)]


def restore_sqlite_triggers(*, using=DEFAULT_DB_ALIAS, **kwargs):
    """After `migrate` on SQLite: the triggers of every tracked table, where a migration that
    rebuilt the table dropped them (SQLite copies a table to alter it, without its triggers).
    PostgreSQL alters tables in place and keeps them."""
    connection = connections[using]
    if connection.vendor != "sqlite" or not TRACKED:
        return
    present = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in sorted(TRACKED & present):
            install, _ = _sqlite_triggers(connection.ops.quote_name, table)
            for statement in install:
                cursor.execute(statement)
