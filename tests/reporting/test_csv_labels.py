"""The CSV carries the same labels as the PDF, in the report's language."""

import pytest

from reporting.csv_export import render_csv
from tests.reporting.sample_document import full_document

pytestmark = pytest.mark.django_db


def test_csv_labels_age_groups_and_countries_in_ukrainian():
    text = render_csv(full_document(), "uk").decode("utf-8-sig")
    assert "0–5 років" in text
    assert "Німеччина" in text  # destination DE, from django-countries
    assert "\n0-5," in text or ",0-5," in text  # the code stays beside its label


def test_csv_labels_in_romanian():
    text = render_csv(full_document(), "ro").decode("utf-8-sig")
    assert "0–5 ani" in text
    assert "Germania" in text
