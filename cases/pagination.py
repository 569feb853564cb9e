"""A paginator that counts a long list only up to a cap.

Counting every row of a national list (a million cases) costs more than the whole rest of
the page, and nobody reads "1,000,000" differently from "more than 10,000" when paging
through a list. So the list is counted up to the cap (a LIMITed subquery: at most cap + 1
index entries); past the cap the page says "more than N cases" and the pages still link
to each other (a page reads one row beyond itself to know whether a next page exists).
Reaching the last page, or asking for a page beyond it, tells the exact count again.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# Reading 10,001 entries of an index takes a few milliseconds; the whole national list
# took 125-180 ms at a million cases (issue 14).
COUNT_CAP = 10_000
# A page that would start this far in is past the end of any list here (a few million
# rows at most): answered as such without asking PostgreSQL, whose OFFSET is a 64-bit
# integer that a typed page number can overflow.
MAX_OFFSET = 2**31


def page_number(number) -> int:
    """A page number asked for, checked without counting the list."""
    try:
        if isinstance(number, float) and not number.is_integer():
            raise ValueError
        number = int(number)
    except (TypeError, ValueError) as error:
        raise PageNotAnInteger(_("That page number is not an integer")) from error
    if number < 1:
        raise EmptyPage(_("That page number is less than 1"))
    return number


class CappedPage(Page):
    """A page of a list longer than the cap: it knows whether a next page exists."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self._more = more

    def has_next(self) -> bool:
        return self._more

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1

    @property
    def pages_more_than(self) -> int:
        """A number of pages the list certainly exceeds (for "page 3 of more than 400")."""
        return max(self.number, self.paginator.cap // self.paginator.per_page)


class CappedPaginator(Paginator):
    """Paginator whose count stops at `cap`; `capped` says the list is longer than that.

    While capped, `count` is the cap and `num_pages` the pages it fills: the list has
    more. Templates show "more than {{ paginator.cap }}" when `paginator.capped`.
    """

    def __init__(self, object_list, per_page, *, cap: int = COUNT_CAP, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self._end_seen = False

    @cached_property
    def _counted(self) -> int:
        """The rows, counted up to cap + 1."""
        head = self.object_list
        if isinstance(head, list | tuple):
            return len(head[: self.cap + 1])
        # Any cap + 1 rows will do: no ordering, so the planner need not sort.
        return head.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return not self._end_seen and self._counted > self.cap

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    def _exact(self, count: int) -> None:
        """The end of the list was seen: from now on the count is exact."""
        self._end_seen = True
        self.__dict__["count"] = count
        self.__dict__.pop("num_pages", None)
        self.__dict__.pop("page_range", None)

    def validate_number(self, number) -> int:
        if not self.capped:
            return super().validate_number(number)
        return page_number(number)

    def page(self, number):
        number = self.validate_number(number)
        if not self.capped:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = (
            list(self.object_list[bottom : bottom + self.per_page + 1])
            if bottom <= MAX_OFFSET
            else []
        )
        if not rows:
            # Beyond the end of the list: count it exactly (rare: a typed page number) so
            # that get_page() can fall back to the real last page.
            rest = self.object_list
            self._exact(len(rest) if isinstance(rest, list | tuple) else rest.order_by().count())
            raise EmptyPage(_("That page contains no results"))
        more = len(rows) > self.per_page
        if not more:
            self._exact(bottom + len(rows))
            return self._get_page(rows, number, self)
        return CappedPage(rows[: self.per_page], number, self, more=True)

    def get_page(self, number):
        try:
            return super().get_page(number)
        except EmptyPage:
            # Past the end of a capped list: the exact count is known now, show the last page.
            return self.page(self.num_pages)


class OneQueryPaginator(Paginator):
    """A page of a query and the query's length read in one statement (COUNT(*) OVER ()).

    For a list bounded by the user's own work (a to-do list): Django's paginator counts the
    list, then reads the page, and at a million cases each of the two read every case of
    the worker's scope (12-20 ms of PostgreSQL's CPU each, issue 14). A page beyond the
    end, a DISTINCT query or a Python list take Django's two steps.
    """

    def _in_one_query(self) -> bool:
        rows = self.object_list
        return (
            isinstance(rows, QuerySet) and not rows.query.distinct and "count" not in self.__dict__
        )

    def validate_number(self, number) -> int:
        if self._in_one_query():
            return page_number(number)  # the length comes with the page
        return super().validate_number(number)

    def page(self, number):
        if not self._in_one_query():
            return super().page(number)
        number = page_number(number)
        bottom = (number - 1) * self.per_page
        rows = (
            list(
                self.object_list.annotate(_list_length=Window(Count("*")))[
                    bottom : bottom + self.per_page
                ]
            )
            if bottom <= MAX_OFFSET
            else []
        )
        if rows:
            first = rows[0]
            length = first["_list_length"] if isinstance(first, dict) else first._list_length
        elif number == 1:
            length = 0
        else:
            # Beyond the end (a typed page number, or the list shortened): count it, which
            # answers EmptyPage unless the list grew meanwhile.
            Paginator.validate_number(self, number)
            return super().page(number)
        self.__dict__["count"] = length
        return self._get_page(rows, number, self)

    def get_page(self, number):
        try:
            return super().get_page(number)
        except EmptyPage:
            return self.page(self.num_pages)
