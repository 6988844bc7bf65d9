"""Disclosure control for the reports' tables, the way statistical offices do it.

Only confidential cells are protected (figures from the collaboration register: who buys from
or supplies whom); public cells (what the portal publishes anyway) are always shown and never
serve to protect another. A table is cells and the relations between them:

- a sum: a total is the sum of its parts (the provinces of a year, a category's provinces);
- a bound: a count of distinct firms that is not the sum of its parts because a firm can be in
  several of them (firms in any role against the firms per role): max(parts) <= it <= sum(parts).

Protection, in three steps:

1. Primary suppression: a confidential cell resting on fewer than THRESHOLD distinct firms,
   or, for a figure that is a sum over firms (collaborations, vouchers), one where a
   single firm makes up more than DOMINANCE of the value (`Cell.largest`).
2. Complementary suppression: a count of distinct firms inside the table is hidden with the
   cells it bounds; every sum with exactly one hidden member would give it away as a
   difference, so one more member is hidden: the smallest shown confidential part that
   is not zero, a total only when no part can be. Repeated until no sum has exactly one hidden
   member. A total of THRESHOLD firms or more is therefore shown, with interior cells hidden.
3. An audit of what remains: for each hidden cell, the interval it can take given every shown
   cell, every sum and bound, and that it is not zero, by propagating bounds until they are
   stable; and whether the sums taken together (exact elimination over the hidden cells) fix
   it. A hidden cell pinned to one value gets one more cell hidden next to it, and the steps
   repeat until none is.

Known limits. The audit sees the sums exactly but the bounds one at a time: several "any role"
inequalities taken together (with the Flanders total shown) can in rare tables still narrow a
hidden role to one value; an LP audit would see it. A hidden cell is known not to be zero (zeros
are never hidden). A total is hidden as the last resort when nothing else protects its parts
(1 + 1 + 1 = 3). And each table is protected on its own: two tables that overlap are not
protected against each other. A year of the year-and-province reports is protected on its own
figures, so it reads the same in every range; but the services and channels count what ran at
some time in the range, so 2012-2020 against 2012-2021, a region against its province, or a
category against all of them can narrow a figure hidden in one of them by the difference.
"""

from fractions import Fraction
from math import inf

THRESHOLD = 3
# A figure that is a sum over firms is dominated when one firm makes up more than this share.
DOMINANCE = 0.85
# Every hidden cell reads the same, whatever the reason: a separate mark for small cells ("<3")
# would tell an attacker that such a cell is 1 or 2, and a small total over two small parts
# would then give both away (they are 1 each).
HIDDEN = "x"
SMALL = HIDDEN


def primary(cell):
    """Whether the cell itself tells too much about a firm: too few firms, or one dominates."""
    if cell.firms is not None and 0 < cell.firms < THRESHOLD:
        return True
    largest = getattr(cell, "largest", None)
    return bool(largest is not None and cell.value and largest > DOMINANCE * cell.value)


def suppress(cells, confidential, sums, bounds):
    """Set `hidden` on `cells` (a list of Cell).

    `confidential`: the ids of the cells that may be hidden; `sums`: (total, parts) pairs;
    `bounds`: (cell, parts) pairs, cell counting the distinct firms of its parts.
    """
    for cell in cells:
        cell.primary = id(cell) in confidential and primary(cell)
        cell.hidden = HIDDEN if cell.primary else ""
    sums = [*sums, *_equal_to_one_part(bounds)]
    totals = {id(total) for total, _parts in sums}
    while True:
        _hide_with_parts(bounds, confidential, totals)
        _complete_lines(sums, confidential, totals)
        pinned = audit(cells, sums, bounds)
        if not pinned:
            return
        # One at a time: hiding one cell often frees others pinned through it.
        if not any(_hide_next_to(cell, sums, bounds, confidential, totals) for cell in pinned):
            return  # nothing left that may be hidden (public cells only)


def _equal_to_one_part(bounds):
    """The bounds that are sums after all: when every part but one is zero (and zeros are never
    hidden), the count of distinct firms is that part (a province whose firms are all clients)."""
    return [
        (cell, others)
        for cell, parts in bounds
        if len(others := [part for part in parts if part.value]) == 1
    ]


def _candidates(members, confidential, totals):
    """The shown members that may be hidden, the best first: a part rather than a total, the
    smallest. Never a zero: a zero tells nothing about a firm, and hiding only figures that are
    not zero means a hidden cell is known to be 1 or more and no more (the audit's premise)."""
    found = [
        (id(cell) in totals, cell.value, n)
        for n, cell in enumerate(members)
        if not cell.hidden and id(cell) in confidential and cell.value
    ]
    return [members[n] for *_key, n in sorted(found)]


def _hide_with_parts(bounds, confidential, totals):
    """A count of distinct firms inside the table (a province's firms in any role) is hidden
    with any of the cells it bounds: with it shown, "it is at most their sum" would narrow the
    hidden ones, and several such inequalities together can pin one, which the audit's
    intervals do not see. A total (the Flanders figure) stays, and the audit watches it."""
    for cell, parts in bounds:
        if (
            not cell.hidden
            and id(cell) not in totals
            and id(cell) in confidential
            and cell.value
            and any(part.hidden for part in parts)
        ):
            cell.hidden = HIDDEN


def _complete_lines(sums, confidential, totals):
    """Hide one more member of every sum with exactly one hidden member, until none has."""
    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            members = [total, *parts]
            if sum(1 for cell in members if cell.hidden) != 1:
                continue
            candidates = _candidates(members, confidential, totals)
            if candidates:
                candidates[0].hidden = HIDDEN
                changed = True


def _hide_next_to(cell, sums, bounds, confidential, totals):
    """Hide one more member of a relation of the pinned `cell`; False when none may be."""
    relations = [
        [total, *parts] for total, parts in [*sums, *bounds] if cell is total or cell in parts
    ]
    # The relation with the fewest hidden members first: that is where the cell is pinned.
    relations.sort(key=lambda members: sum(1 for m in members if m.hidden))
    for members in relations:
        candidates = _candidates(members, confidential, totals)
        if candidates:
            candidates[0].hidden = HIDDEN
            return True
    return False


# --- The audit: what an attacker can work out ---------------------------------------------------


def intervals(cells, sums, bounds):
    """{id(cell): [low, high]}: the values each cell can take given the shown cells and the
    relations, by propagating bounds until they are stable. A hidden cell is 1 or more (zeros
    are never hidden) and that is all its mark says."""
    box = {id(cell): [1, inf] if cell.hidden else [cell.value, cell.value] for cell in cells}

    def narrow(cell, low, high):
        current = box[id(cell)]
        low, high = max(current[0], low), min(current[1], high)
        if [low, high] != current and low <= high:
            box[id(cell)] = [low, high]
            return True
        return False

    for _round in range(100):
        changed = False
        for total, parts in sums:
            lows = [box[id(p)][0] for p in parts]
            highs = [box[id(p)][1] for p in parts]
            changed |= narrow(total, sum(lows), sum(highs))
            t_low, t_high = box[id(total)]
            for n, part in enumerate(parts):
                others_high = sum(highs) - highs[n] if highs[n] != inf else _sum_but(highs, n)
                changed |= narrow(part, t_low - others_high, t_high - (sum(lows) - lows[n]))
        for cell, parts in bounds:
            lows = [box[id(p)][0] for p in parts]
            highs = [box[id(p)][1] for p in parts]
            changed |= narrow(cell, max(lows, default=0), sum(highs))
            c_low, c_high = box[id(cell)]
            for n, part in enumerate(parts):
                changed |= narrow(part, c_low - _sum_but(highs, n), c_high)
        if not changed:
            break
    return box


def _sum_but(values, n):
    return sum(value for k, value in enumerate(values) if k != n)


def determined_by_sums(cells, sums):
    """The hidden cells that the sums taken together fix (their unit vector lies in the row
    space of the sums restricted to the hidden cells), by exact elimination."""
    hidden = [cell for cell in cells if cell.hidden]
    index = {id(cell): n for n, cell in enumerate(hidden)}
    rows = []
    for total, parts in sums:
        row = {}
        for cell, sign in [(total, -1), *((part, 1) for part in parts)]:
            if id(cell) in index:
                row[index[id(cell)]] = row.get(index[id(cell)], 0) + sign
        row = {k: Fraction(v) for k, v in row.items() if v}
        if row:
            rows.append(row)
    pivots = {}  # column -> row (reduced)
    for row in rows:
        for column, reduced in pivots.items():
            if column in row:
                factor = row[column]
                for k, v in reduced.items():
                    row[k] = row.get(k, 0) - factor * v
                row = {k: v for k, v in row.items() if v}
        if not row:
            continue
        column = min(row)
        factor = row[column]
        row = {k: v / factor for k, v in row.items()}
        for other, reduced in pivots.items():
            if column in reduced:
                f = reduced[column]
                for k, v in row.items():
                    reduced[k] = reduced.get(k, 0) - f * v
                pivots[other] = {k: v for k, v in reduced.items() if v}
        pivots[column] = row
    return [hidden[column] for column, row in pivots.items() if len(row) == 1]


def audit(cells, sums, bounds):
    """The hidden cells someone could work out exactly from the table as published."""
    sums = [*sums, *_equal_to_one_part(bounds)]
    box = intervals(cells, sums, bounds)
    pinned = [cell for cell in cells if cell.hidden and box[id(cell)][0] == box[id(cell)][1]]
    for cell in determined_by_sums(cells, sums):
        if cell not in pinned:
            pinned.append(cell)
    return pinned
