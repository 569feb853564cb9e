"""Demo service providers for the three demo counties (called by seed_demo)."""

from __future__ import annotations

from .models import ServiceProvider
from .services import create_provider

# (county, name, kind, services, phone): invented contacts, realistic kinds of provider.
DEMO_PROVIDERS = [
    (
        "RO-TM",
        "DGASPC Timiș – Protecția copilului",
        "institutional",
        ["alternative_care", "social_assistance", "legal_documentation", "family_tracing"],
        "0256 000 101",
    ),
    (
        "RO-TM",
        "Spitalul Clinic de Urgență pentru Copii Timișoara",
        "institutional",
        ["health", "disability"],
        "0256 000 102",
    ),
    (
        "RO-TM",
        "Salvați Copiii – Filiala Timiș",
        "private",
        ["mhpss", "education", "basic_needs", "gbv"],
        "0256 000 103",
    ),
    (
        "RO-SV",
        "DGASPC Suceava – Protecția copilului",
        "institutional",
        ["alternative_care", "social_assistance", "family_tracing"],
        "0230 000 201",
    ),
    ("RO-SV", "Spitalul Județean de Urgență Suceava", "institutional", ["health"], "0230 000 202"),
    (
        "RO-SV",
        "Terre des hommes – Suceava",
        "private",
        ["mhpss", "basic_needs", "financial", "education"],
        "0230 000 203",
    ),
    (
        "RO-SV",
        "Centrul de consiliere juridică Siret",
        "private",
        ["legal_documentation"],
        "0230 000 204",
    ),
    (
        "RO-B",
        "DGASPC Sector 1 – Protecția copilului",
        "institutional",
        ["alternative_care", "social_assistance", "disability"],
        "021 000 0301",
    ),
    (
        "RO-B",
        "Spitalul Clinic de Copii Grigore Alexandrescu",
        "institutional",
        ["health"],
        "021 000 0302",
    ),
    (
        "RO-B",
        "JRS România – Centrul de zi",
        "private",
        ["mhpss", "accommodation", "education", "legal_documentation", "gbv"],
        "021 000 0303",
    ),
]


def seed_providers() -> int:
    """Create the demo providers that are missing (safe to run twice); returns how many."""
    created = 0
    for county, name, kind, service_types, phone in DEMO_PROVIDERS:
        if ServiceProvider.objects.filter(county_id=county, name=name).exists():
            continue
        slug = "".join(c for c in name.lower() if c.isascii() and c.isalnum())[:20]
        create_provider(
            {
                "name": name,
                "kind": kind,
                "county": county,
                "service_types": service_types,
                "phone": phone,
                "email": f"contact@{slug}.example.org",
                "contact_person": "",
                "address": "",
            },
            None,
        )
        created += 1
    return created
