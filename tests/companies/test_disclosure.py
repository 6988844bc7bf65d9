"""Disclosure control (companies/disclosure.py): no hidden cell can be worked out from what a
table shows, whatever the table: tables drawn at random (hypothesis), searched exhaustively for
another filling of the hidden cells, and every published table of the demo; safe totals and the
Flanders total per year stay shown."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companies import disclosure, reports
from companies.reports import Cell, Column, Row, Table

# --- What an attacker can do ------------------------------------------------------------------


def relations(table):
    """(sums, bounds) of the table's numeric cells, as `protect` reads them."""
    sums, bounds = [], []
    for row in table.rows:
        for column in table.columns:
            cell = row.cells[column.key]
            if cell.parts:
                sums.append((cell, cell.parts))
            if cell.bounds:
                bounds.append((cell, cell.bounds))
    return sums, bounds


def lines_giving_one_away(table):
    """Sums with exactly one hidden member: that one is the difference of the others."""
    sums, _bounds = relations(table)
    return [
        (total, parts)
        for total, parts in sums
        if sum(1 for cell in [total, *parts] if cell.hidden) == 1
    ]


def another_filling(table, cell):
    """Whether the hidden cells can be filled in otherwise, with `cell` different from its true
    value, so that every sum and bound holds: whole numbers of 1 or more (zeros are never
    hidden), up to a little above the largest figure of the table. A search through every
    filling, pruned by the relations; for small tables."""
    sums, bounds = relations(table)
    hidden = [c for row in table.rows for c in row.cells.values() if c.hidden]
    # The attacker knows no upper limit; a few above the largest figure is room enough.
    ceiling = max(c.value for row in table.rows for c in row.cells.values()) + 3
    position = {id(c): n for n, c in enumerate(hidden)}
    values = [None] * len(hidden)

    def value(c):
        return values[position[id(c)]] if id(c) in position else c.value

    def possible():
        for total, parts in sums:
            known = [value(c) for c in [total, *parts]]
            if None in known:
                open_parts = sum(1 for p in parts if value(p) is None)
                low = sum(value(p) or 0 for p in parts) + open_parts
                total_value = value(total)
                if total_value is not None and low > total_value:
                    return False
                continue
            if known[0] != sum(known[1:]):
                return False
        for count, parts in bounds:
            known = [value(c) for c in [count, *parts]]
            if None in known:
                continue
            if not max(known[1:]) <= known[0] <= sum(known[1:]):
                return False
        return True

    def search(n):
        if n == len(hidden):
            return value(cell) != cell.value
        for v in range(1, ceiling + 1):
            values[n] = v
            if possible() and search(n + 1):
                return True
        values[n] = None
        return False

    return search(0)


# --- Tables at random: provinces by roles, with "any role" and the totals ----------------------


@st.composite
def year_tables(draw):
    provinces = draw(st.integers(2, 3))
    roles = draw(st.integers(1, 3))
    small = st.sampled_from([0, 0, 1, 1, 2, 3, 4, 6])
    columns = [Column(f"r{n}", f"r{n}") for n in range(roles)] + [Column("any", "any")]
    rows = []
    for p in range(provinces):
        cells = {f"r{n}": Cell.count(draw(small)) for n in range(roles)}
        parts = list(cells.values())
        values = [c.value for c in parts]
        cells["any"] = Cell.count(draw(st.integers(max(values), sum(values))))
        cells["any"].bounds = parts
        rows.append(Row(str(p), [str(p)], cells))
    totals = {column.key: Cell.total([row.cells[column.key] for row in rows]) for column in columns}
    totals["any"].bounds = [totals[f"r{n}"] for n in range(roles)]
    rows.append(Row("all", ["all"], totals, total=True))
    return Table(row_headers=["p"], columns=columns, rows=rows)


@st.composite
def additive_tables(draw):
    """Services by provinces with their total per service (b, c), or programmes with a total
    row (d), or the provinces of a year (e, f): every total is the sum of its parts. (No
    table of the reports has both a total column and a total row.)"""
    provinces = draw(st.integers(2, 4))
    kinds = draw(st.integers(1, 4))
    small = st.sampled_from([0, 0, 1, 1, 2, 3, 4, 6])
    total_column = draw(st.booleans())
    rows = []
    for k in range(kinds):
        cells = {f"p{n}": Cell.count(draw(small)) for n in range(provinces)}
        if total_column:
            cells["all"] = Cell.total(list(cells.values()))
        rows.append(Row(str(k), [str(k)], cells))
    if kinds > 1 and not total_column:
        keys = list(rows[0].cells)
        totals = {key: Cell.total([row.cells[key] for row in rows]) for key in keys}
        rows.append(Row("all", ["all"], totals, total=True))
    columns = [Column(key, key) for key in rows[0].cells]
    return Table(row_headers=["k"], columns=columns, rows=rows)


@given(additive_tables())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_hidden_cell_of_a_random_table_of_sums_can_be_worked_out(table):
    reports.protect(table)
    assert not lines_giving_one_away(table)
    hidden = [c for row in table.rows for c in row.cells.values() if c.hidden]
    if len(hidden) <= 7:
        for cell in hidden:
            assert another_filling(table, cell), (cell.value, _shown(table))


@given(year_tables())
@settings(max_examples=200, deadline=None)
def test_no_hidden_cell_of_a_random_table_with_firms_in_any_role_is_given_away_line_by_line(
    table,
):
    """With "any role" (between the largest role and their sum) shown for Flanders, the
    inequalities taken together can still narrow a hidden role to one value in some tables:
    the audit sees sums exactly and inequalities one at a time (a known limit, see the docs);
    row and column arithmetic and the audit's own bounds give nothing away."""
    reports.protect(table)
    assert not lines_giving_one_away(table)
    cells = [c for row in table.rows for c in row.cells.values()]
    assert disclosure.audit(cells, *relations(table)) == []


@given(year_tables())
@settings(max_examples=150, deadline=None)
def test_a_random_table_shows_its_safe_totals_and_hides_every_small_cell(table):
    reports.protect(table)
    for row in table.rows:
        for cell in row.cells.values():
            if cell.firms is not None and 0 < cell.firms < reports.THRESHOLD:
                assert cell.hidden
    # The Flanders total of firms in any role: shown when it counts 3 or more, unless it is
    # the last cell left to hide (three provinces of one firm each: 3 would tell they are 1).
    flanders = table.rows[-1].cells["any"]
    if 0 < flanders.value < reports.THRESHOLD:
        assert flanders.hidden
    elif flanders.hidden:
        assert all(part.hidden for part in flanders.parts if part.value), _shown(table)


@given(st.lists(st.sampled_from([0, 1, 1, 2, 3, 5, 8]), min_size=2, max_size=6))
@settings(max_examples=150, deadline=None)
def test_a_row_with_its_total_keeps_the_total_when_it_is_safe(values):
    parts = [Cell.count(v) for v in values]
    total = Cell.total(parts)
    cells = {str(n): cell for n, cell in enumerate([*parts, total])}
    table = Table(["r"], [Column(key, key) for key in cells], [Row("r", ["r"], cells)])
    reports.protect(table)
    assert not lines_giving_one_away(table)
    if 0 < total.value < reports.THRESHOLD:
        assert total.hidden
    elif total.hidden:
        # Only as the last cell left: 1 + 1 + 1 = 3 would tell each is 1.
        assert all(part.hidden for part in parts if part.value)
    for cell in [c for c in parts if c.hidden]:
        assert another_filling(table, cell)


def _shown(table):
    return [[row.cells[c.key].shown for c in table.columns] for row in table.rows]


# --- Every published table of the demo --------------------------------------------------------


@pytest.fixture
def demo(demo_data, db):
    """The demo (seeded once for this module), in a test of its own on the database."""
    return demo_data


def published(section, **choice):
    filters = reports.Filters(**choice)
    return section.compute(filters, mode=reports.Mode.PUBLIC)


def test_no_published_table_of_the_demo_gives_a_hidden_cell_away(demo):
    from portal.models import BelgianRegion, Province, ServiceCategory

    choices = [{}, {"year_from": 2016, "year_to": 2016}]
    choices += [
        {"province": province}
        for province in Province.objects.filter(region=BelgianRegion.FLANDERS)
    ]
    choices += [{"category": category} for category in ServiceCategory.objects.all()[:4]]
    checked = shown = hidden = last_resort = 0
    for section, choice in itertools.product(reports.sections(), choices):
        if not section.counts_firms or (set(choice) - {"year_from", "year_to"}) - section.filters:
            continue
        table = published(section, **choice)
        checked += 1
        assert not lines_giving_one_away(table), (section.slug, choice)
        cells = [c for row in table.rows for c in row.cells.values() if isinstance(c.value, int)]
        sums, bounds = relations(table)
        assert disclosure.audit(cells, sums, bounds) == [], (section.slug, choice)
        shown += sum(1 for c in cells if not c.hidden and c.value)
        hidden += sum(1 for c in cells if c.hidden)
        # Every total of 3 firms or more is shown, unless it was the last cell left to hide.
        for total, parts in sums:
            if total.firms is not None and total.firms >= reports.THRESHOLD and total.hidden:
                assert all(part.hidden for part in parts if part.value), (section.slug, choice)
                last_resort += 1
    assert checked > 20 and shown and last_resort < checked


def test_the_flanders_total_per_year_is_shown_when_it_counts_3_firms_or_more(demo):
    table = published(reports.get("firms"))
    totals = [row for row in table.rows if row.total]
    assert totals
    for row in totals:
        cell = row.cells[reports.ANY_ROLE]
        assert bool(cell.hidden) == (0 < cell.firms < reports.THRESHOLD), row.key
