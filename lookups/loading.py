"""Load the lookup CSVs (a copy of shared/spec/lookups kept in lookups/data)."""

from __future__ import annotations

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_lookups(apps=None) -> dict[str, int]:
    """Create or update every lookup row; safe to run again. Returns counts per list."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    County = apps.get_model("lookups", "County")
    EntryPoint = apps.get_model("lookups", "EntryPoint")
    ProtectionConcern = apps.get_model("lookups", "ProtectionConcern")
    Choice = apps.get_model("lookups", "Choice")

    counts: dict[str, int] = {}
    for row in _rows("counties.csv"):
        County.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    counts["counties"] = County.objects.count()

    for order, row in enumerate(_rows("entry_points.csv")):
        EntryPoint.objects.update_or_create(
            code=row["code"],
            defaults={
                "county_id": row["county"] or None,
                "name": row["name_en"],
                "name_en": row["name_en"],
                "name_ro": row["name_ro"],
                "name_uk": row["name_uk"],
                "sort_order": order,
            },
        )
    counts["entry_points"] = EntryPoint.objects.count()

    for order, row in enumerate(_rows("protection_concerns.csv")):
        ProtectionConcern.objects.update_or_create(
            code=row["code"],
            defaults={
                "label": row["en"],
                "label_en": row["en"],
                "label_ro": row["ro"],
                "label_uk": row["uk"],
                "sort_order": order,
            },
        )
    counts["protection_concerns"] = ProtectionConcern.objects.count()

    for order, row in enumerate(_rows("choices.csv")):
        Choice.objects.update_or_create(
            list_name=row["list"],
            code=row["code"],
            defaults={
                "label": row["en"],
                "label_en": row["en"],
                "label_ro": row["ro"],
                "label_uk": row["uk"],
                "sort_order": order,
            },
        )
    counts["choices"] = Choice.objects.count()
    return counts
