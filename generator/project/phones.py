"""Phone numbers: shown exactly as typed, checked for plausibility, dialled in E.164.

A number written without a country code belongs to the region of its side's time zone (the
client's project zone, the consultancy's own zone), so ``0431 9980 100`` of a client in Kiel
dials as ``+494319980100`` from anywhere.
"""

from __future__ import annotations

import phonenumbers

MIN_DIGITS = 6  # a national number with fewer digits (after the country code) is too short to dial


def problem(text: str, region: str) -> str:
    """Why no phone could dial ``text`` ("" when it looks dialable)."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return "does not look like a phone number"
    reason = phonenumbers.is_possible_number_with_reason(number)
    digits = len(str(number.national_number))
    too_short = (phonenumbers.ValidationResult.TOO_SHORT, phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY)
    if reason in too_short or (reason == phonenumbers.ValidationResult.IS_POSSIBLE and digits < MIN_DIGITS):
        return f"is too short for a phone number ({digits} digits after the country code +{number.country_code})"
    if reason == phonenumbers.ValidationResult.INVALID_COUNTRY_CODE:
        return "has a country code that does not exist"
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return f"has a length no phone number in +{number.country_code} has"
    return ""


def dial(text: str, region: str) -> str | None:
    """The number in E.164 (``+494319980100``) for a tel: link; None when it is not dialable."""
    if problem(text, region):
        return None
    return phonenumbers.format_number(phonenumbers.parse(text, region), phonenumbers.PhoneNumberFormat.E164)
