"""The county scope of roles.md: a county coordinator their county, the country
coordinator every county, a field worker none.

It answers "whose figures and records does this user coordinate" for the statistics, the
reports, the audit log and the imports. It is not the case-opening rule: which cases a
user may open is `Child.objects.visible_to(user)`, which also holds cases registered,
assigned or shared one by one. Superuser status opens the Django admin only; the scope
follows the role, like every other rule. An inactive user has no scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class CountyScope:
    everywhere: bool = False
    county: str | None = None  # the one county, when not everywhere

    @property
    def empty(self) -> bool:
        return not self.everywhere and self.county is None

    def allows(self, county_code: str | None) -> bool:
        """May the user see this county's figures? None stands for the national figures."""
        if self.everywhere:
            return True
        return self.county is not None and county_code == self.county

    def filter(self, qs: QuerySet, field: str = "county_id") -> QuerySet:
        """The rows of qs whose `field` (a county code) is in scope."""
        if self.everywhere:
            return qs
        if self.county is None:
            return qs.none()
        return qs.filter(**{field: self.county})

    def counties(self) -> list[str]:
        """The codes of the counties in scope."""
        if self.everywhere:
            from lookups import registry

            return registry.codes("county")
        return [self.county] if self.county else []


NOWHERE = CountyScope()
EVERYWHERE = CountyScope(everywhere=True)


def county_scope(user) -> CountyScope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOWHERE
    if user.is_country_coordinator:
        return EVERYWHERE
    if user.is_county_coordinator and user.county_id:
        return CountyScope(county=user.county_id)
    return NOWHERE
