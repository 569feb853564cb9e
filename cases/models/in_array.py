"""`InArrayOf(F("pk"), subquery)`: a column IN (subquery), written on PostgreSQL as
`= ANY(ARRAY(subquery))`.

The array is an InitPlan, computed once before the scan, so the planner can use it as an
index condition: inside an OR (one branch of a BitmapOr, a field worker's scope), or
beside another condition (one BitmapAnd, a name search within that scope). Written as
IN (subquery), the first is a filter tested on every row, and the second a join that the
planner, misled by a name key estimate of 30 rows for 1,088, ran as one scope read per
key (150 ms instead of 14, docs/benchmarks.md). Elsewhere (SQLite) it is IN (subquery).
"""

from __future__ import annotations

from django.db import models


class InArrayOf(models.Lookup):
    lookup_name = "in_array_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)  # "(SELECT ...)"
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]
        return f"{lhs} IN {rhs}", [*lhs_params, *rhs_params]
