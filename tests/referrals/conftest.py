from __future__ import annotations

import pytest

from referrals.services import create_provider


def make_provider(county: str = "RO-TM", services=("mhpss",), name: str | None = None, **extra):
    data = {
        "name": name or f"Provider {county} {'-'.join(services)}",
        "kind": extra.pop("kind", "private"),
        "county": county,
        "service_types": list(services),
        "phone": extra.pop("phone", "0256 000 000"),
        **extra,
    }
    return create_provider(data, None)


@pytest.fixture
def provider_tm(db):
    return make_provider("RO-TM", ("mhpss", "health"), name="Centrul Timiș MHPSS")


@pytest.fixture
def provider_sv(db):
    return make_provider("RO-SV", ("mhpss", "legal_documentation"), name="Suceava Help")
