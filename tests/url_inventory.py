"""Every URL pattern of the resolver, and one real object behind each URL parameter.

The access matrix, the no-store test and the hostile-input property test walk the
resolver, so a new pattern is covered (or reported missing) without anyone listing it.
Everything in the `World` is in Timiș and made by worker.tm through the real services:
the Timiș personas are in its county, the Suceava personas in another.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import quote

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from tests.cases._workflow import TODAY, open_case
from tests.imports.helpers import child_row, sources

# Personas in the order of the matrix columns: the field worker who carries the case,
# another field worker of the county, its coordinator, then Suceava, then the country.
PERSONAS = ("worker_tm", "worker2_tm", "coord_tm", "worker_sv", "coord_sv", "country")


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name", or the route itself for an unnamed pattern
    route: str
    params: tuple[str, ...]  # keyword parameters
    positional: int  # unnamed regex groups

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            inner = f"{namespace}:{ns}" if namespace and ns else ns or namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
            continue
        assert isinstance(p, URLPattern)
        route = prefix + str(p.pattern)
        if isinstance(p.pattern, RegexPattern):
            regex = p.pattern.regex
            params = tuple(regex.groupindex)
            positional = regex.groups - len(params)
        else:
            params, positional = tuple(p.pattern.converters), 0
        name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or route)
        yield Pattern(name, route, params, positional)


def all_patterns() -> list[Pattern]:
    return list(_walk(get_resolver().url_patterns))


@dataclass
class World:
    case: object
    referral: object
    provider: object
    report: object
    job: object
    user: object  # a field worker of Timiș, managed by its coordinator


def build_world(worker_tm, worker2_tm, coord_tm) -> World:
    from imports import jobs
    from referrals import services as referral_services
    from reporting.services import request_report
    from tests.referrals.conftest import make_provider

    case = open_case(worker_tm, consent_share_providers=True)
    referral = referral_services.create_referral(
        case, worker_tm, service_type="mhpss", referred_on=TODAY()
    )
    provider = make_provider("RO-TM", ("mhpss",), name="Centrul Timiș")
    year = TODAY().year - 1
    report = request_report(coord_tm, f"{year}Q4", "RO-TM")
    job = jobs.create_job(coord_tm, sources([child_row()]))
    return World(case, referral, provider, report, job, worker2_tm)


def _object_code(pattern: Pattern, world: World) -> str:
    app = pattern.name.split(":", 1)[0]
    if app == "referrals":
        return world.provider.code if "providers/" in pattern.route else world.referral.code
    if app == "reporting":
        return world.report.code
    if app == "imports":
        return world.job.code
    return world.case.code  # cases:*, registration:done


def real_kwargs(pattern: Pattern, world: World) -> dict[str, str]:
    """The values that name the world's objects (the admin: the first row)."""
    values = {
        "case_code": world.case.code,
        "section": "B",
        "fmt": "pdf",
        "file": "children",
        "username": world.user.username,
        "object_id": "1",
        "id": "1",
        "content_type_id": "1",
        "app_label": "accounts",
        "url": "nothing-here/",
    }
    if pattern.is_admin:  # the admin's own parameters (object ids, device pks): the first row
        return {param: values.get(param, "1") for param in pattern.params}
    if pattern.name == "cases:todo":  # the field worker's list; another role's is a 403
        values["section"] = "follow-ups"
    values["lang"] = "uk"  # the information sheet in Ukrainian
    return {
        param: _object_code(pattern, world) if param == "code" else values[param]
        for param in pattern.params
    }


def path_of(pattern: Pattern, kwargs: dict[str, str]) -> str:
    """The URL of a pattern with these values (quoted as a browser would send them),
    built from its route so that unnamed and regex patterns work too."""
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: quote(kwargs[m.group(1)], safe=""), pattern.route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: quote(kwargs[m.group(1)], safe=""), route)
    route = re.sub(r"\([^)]*\)", "1", route)  # unnamed groups: the first row
    return "/" + route.replace("^", "").replace("$", "")


def days_ago(days: int) -> dt.date:
    return TODAY() - dt.timedelta(days=days)
