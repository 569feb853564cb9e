import pytest

from questions.phones import InvalidPhone, normalise_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0722 123 456", "+40722123456"),
        ("0722-123-456", "+40722123456"),
        ("0256 123 456", "+40256123456"),
        ("050 123 45 67", "+380501234567"),
        ("(067) 123-45-67", "+380671234567"),
        ("+380 50 123 45 67", "+380501234567"),
        ("00380501234567", "+380501234567"),
        ("+49 151 2345 6789", "+4915123456789"),
        ("380501234567", "+380501234567"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalised_to_e164(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "abc",
        "12345",
        "0722 123",
        "+40 722 12",
        "+380 50 123",
        "07221234567890",
        "+0123456789",
        "<script>",
        "0" * 10_000,
    ],
)
def test_garbage_is_rejected(raw):
    with pytest.raises(InvalidPhone):
        normalise_phone(raw)
