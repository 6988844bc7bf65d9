"""The database's own guard on a programme's budget (see vouchers/lifecycle.py).

A CHECK constraint sees one row, and the budget is a sum over many, so this is a trigger: after a
voucher starts holding budget (approved, redeemed or paid), holds more, or moves to another
programme, and after a programme's budget is lowered, it adds up what the programme's vouchers
hold and refuses the write when that exceeds the budget. On PostgreSQL it first locks the
programme's row, as approval does, so two transactions cannot both pass it on stale sums; SQLite
runs one writer at a time. Either database reports the refusal as an integrity error.
"""

from django.db import migrations

HOLDING = "('approved', 'redeemed', 'paid')"

POSTGRESQL = [
    f"""
    CREATE FUNCTION vouchers_budget_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        guarded bigint;
        programme_budget numeric;
        programme_held numeric;
    BEGIN
        IF TG_TABLE_NAME = 'vouchers_programme' THEN
            guarded := NEW.id;
        ELSE
            guarded := NEW.programme_id;
        END IF;
        SELECT budget INTO programme_budget FROM vouchers_programme
            WHERE id = guarded FOR UPDATE;
        SELECT COALESCE(SUM(amount), 0) INTO programme_held FROM vouchers_voucher
            WHERE programme_id = guarded
            AND status IN {HOLDING};
        IF programme_held > programme_budget THEN
            RAISE EXCEPTION 'The vouchers of programme % would hold % of its budget of %.',
                guarded, programme_held, programme_budget
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END;
    $$
    """,
    f"""
    CREATE TRIGGER vouchers_voucher_budget_guard_insert
    AFTER INSERT ON vouchers_voucher FOR EACH ROW
    WHEN (NEW.status IN {HOLDING})
    EXECUTE FUNCTION vouchers_budget_guard()
    """,
    f"""
    CREATE TRIGGER vouchers_voucher_budget_guard_update
    AFTER UPDATE OF status, amount, programme_id ON vouchers_voucher FOR EACH ROW
    WHEN (
        NEW.status IN {HOLDING}
        AND (
            OLD.status NOT IN {HOLDING}
            OR NEW.amount > OLD.amount
            OR NEW.programme_id <> OLD.programme_id
        )
    )
    EXECUTE FUNCTION vouchers_budget_guard()
    """,
    """
    CREATE TRIGGER vouchers_programme_budget_guard
    AFTER UPDATE OF budget ON vouchers_programme FOR EACH ROW
    WHEN (NEW.budget < OLD.budget)
    EXECUTE FUNCTION vouchers_budget_guard()
    """,
]

POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS vouchers_programme_budget_guard ON vouchers_programme",
    "DROP TRIGGER IF EXISTS vouchers_voucher_budget_guard_update ON vouchers_voucher",
    "DROP TRIGGER IF EXISTS vouchers_voucher_budget_guard_insert ON vouchers_voucher",
    "DROP FUNCTION IF EXISTS vouchers_budget_guard()",
]


def _sqlite_over_budget(programme_id):
    # Compared in cents: SQLite keeps these decimals as floating point numbers.
    return f"""
        SELECT RAISE(ABORT, 'The vouchers of a programme would hold more than its budget.')
        WHERE (
            SELECT CAST(ROUND(COALESCE(SUM(amount), 0) * 100) AS INTEGER) FROM vouchers_voucher
            WHERE programme_id = {programme_id} AND status IN {HOLDING}
        ) > (
            SELECT CAST(ROUND(budget * 100) AS INTEGER) FROM vouchers_programme
            WHERE id = {programme_id}
        );
    """


SQLITE = [
    f"""
    CREATE TRIGGER vouchers_voucher_budget_guard_insert
    AFTER INSERT ON vouchers_voucher FOR EACH ROW
    WHEN NEW.status IN {HOLDING}
    BEGIN {_sqlite_over_budget("NEW.programme_id")} END
    """,
    f"""
    CREATE TRIGGER vouchers_voucher_budget_guard_update
    AFTER UPDATE OF status, amount, programme_id ON vouchers_voucher FOR EACH ROW
    WHEN NEW.status IN {HOLDING}
        AND (
            OLD.status NOT IN {HOLDING}
            OR NEW.amount > OLD.amount
            OR NEW.programme_id <> OLD.programme_id
        )
    BEGIN {_sqlite_over_budget("NEW.programme_id")} END
    """,
    f"""
    CREATE TRIGGER vouchers_programme_budget_guard
    AFTER UPDATE OF budget ON vouchers_programme FOR EACH ROW
    WHEN NEW.budget < OLD.budget
    BEGIN {_sqlite_over_budget("NEW.id")} END
    """,
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS vouchers_programme_budget_guard",
    "DROP TRIGGER IF EXISTS vouchers_voucher_budget_guard_update",
    "DROP TRIGGER IF EXISTS vouchers_voucher_budget_guard_insert",
]

STATEMENTS = {
    "postgresql": (POSTGRESQL, POSTGRESQL_REVERSE),
    "sqlite": (SQLITE, SQLITE_REVERSE),
}


def run(statements_for):
    def operation(apps, schema_editor):
        statements = STATEMENTS.get(schema_editor.connection.vendor)
        for statement in statements_for(statements) if statements else ():
            schema_editor.execute(statement, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("vouchers", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            run(lambda statements: statements[0]), run(lambda statements: statements[1])
        ),
    ]
