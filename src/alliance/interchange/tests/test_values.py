"""Dates, numbers, encodings and countries as people write them (no database)."""

from datetime import date
from decimal import Decimal

import pytest

from alliance.interchange.errors import ImportRefused
from alliance.interchange.values import country_code, decode_text, parse_date, parse_decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-31", date(2025, 3, 31)),
        ("2025-03-31T10:00:00-05:00", date(2025, 3, 31)),
        ("31/03/2025", date(2025, 3, 31)),  # French, British
        ("31.03.2025", date(2025, 3, 31)),  # German
        ("03/31/2025", date(2025, 3, 31)),  # American, when day-first is impossible
        ("1 mars 2025", date(2025, 3, 1)),
        ("1er février 2025", date(2025, 2, 1)),
        ("1. März 2025", date(2025, 3, 1)),
        ("March 1, 2025", date(2025, 3, 1)),
        ("15 janv. 2025", date(2025, 1, 15)),
        ("", None),
    ],
)
def test_dates_in_french_english_and_german(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2025", "tomorrow", "1 Brumaire 2025", "2025-13-01"])
def test_impossible_dates_are_refused_with_a_reason(text):
    with pytest.raises(ValueError, match=r"."):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234 567,89", Decimal("1234567.89")),  # French (spaces, also no-break)
        ("1\u202f234,5", Decimal("1234.5")),
        ("1.234.567,89", Decimal("1234567.89")),  # German
        ("1,234,567.89", Decimal("1234567.89")),  # English
        ("1234.50", Decimal("1234.50")),
        ("0,125", Decimal("0.125")),
        ("-12,5", Decimal("-12.5")),
        ("1'234.50", Decimal("1234.50")),
    ],
)
def test_numbers_in_french_english_and_german(text, expected):
    assert parse_decimal(text) == expected


def test_ambiguous_thousands_are_refused_not_guessed():
    with pytest.raises(ValueError, match="ambiguous"):
        parse_decimal("1,234")


@pytest.mark.parametrize(
    "data",
    ["Société générale".encode(), "\ufeffSociété".encode(), "Société".encode("latin-1")],
)
def test_text_in_utf8_with_or_without_bom_and_latin1(data):
    assert decode_text(data).startswith("Soci")
    assert "é" in decode_text(data)


def test_binary_or_utf16_without_bom_is_refused():
    with pytest.raises(ImportRefused, match="NUL"):
        decode_text("name".encode("utf-16-le"))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("México", "MX"),
        ("United Kingdom", "GB"),
        ("sn", "SN"),
        ("Nigeria", "NG"),
        ("Atlantis", None),
    ],
)
def test_countries_by_code_or_name(text, code):
    assert country_code(text) == code
