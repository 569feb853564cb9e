"""What pg_trgm's similarity operators cost the planner (PostgreSQL only).

pg_trgm declares its operators as cheap as an integer comparison, but each call splits
two strings into trigrams: about 3.5 µs a row here. On the name dictionary
(cases.models.NameKey: 20,184 keys for a million cases) the planner therefore read every
key (63-79 ms) rather than the trigram GIN index (5-8 ms), in every name search, every
duplicate check and every registration save (issue 14). Raising the declared cost of the
operators' functions lets it weigh the two plans truly. It is set after every `migrate`
(post_migrate), so a database restored from a dump, which does not keep the properties
of an extension's functions, gets it back with the next deployment's migrate.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connections, transaction

log = logging.getLogger(__name__)

# Per row, in the planner's units (cpu_operator_cost is 0.0025): what makes the index the
# cheaper plan from about a thousand keys on, as it is when measured.
COST = 1000
FUNCTIONS = (
    "similarity_op",
    "word_similarity_op",
    "word_similarity_commutator_op",
    "strict_word_similarity_op",
    "strict_word_similarity_commutator_op",
)

UNDERPRICED = """
    SELECT p.oid::regprocedure::text
    FROM pg_proc p
    JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
    JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pg_trgm'
    WHERE p.proname = ANY(%s) AND p.procost < %s
"""


def price_operators(using: str = "default", **_kwargs) -> list[str]:
    """Declare the cost; returns the functions changed. A database user that may not
    alter the extension's functions (not their owner) leaves them as they are, with a
    warning: searches stay right, only slower (docs/scaling.md)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(UNDERPRICED, [list(FUNCTIONS), COST])
        functions = [row[0] for row in cursor.fetchall()]
    changed = []
    for function in functions:
        try:
            with transaction.atomic(using=using), connection.cursor() as cursor:
                # The name comes from pg_proc (regprocedure), not from any input.
                cursor.execute(f"ALTER FUNCTION {function} COST {COST}")
        except DatabaseError:
            log.warning(
                "pg_trgm: cannot declare the cost of %s (not its owner); name searches "
                "may read the whole name dictionary (docs/scaling.md)",
                function,
            )
            continue
        changed.append(function)
    return changed
