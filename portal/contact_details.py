"""E-mail addresses and phone numbers in one written form, wherever they are stored or searched for.

A resident who typed `Anna.Jansen@Example.NL` must be found by an access or erasure request (AVG art. 15 and 17)
whichever way the admin types it, and a phone number written `06-11112222` is the same as `+31 6 11112222`.
So every address and number is normalised here, on the way in and on the way to a search.
"""
import phonenumbers
from email_validator import EmailNotValidError, validate_email

PHONE_REGION = "NL"  # numbers without a country code are Dutch


class InvalidContactDetail(ValueError):
    """Not an e-mail address or phone number we could use."""


def normalise_email(address):
    """The one stored form of an address: trimmed and lower-cased whole (local parts are not case-sensitive in
    practice, and a case-sensitive search would miss people); "" for nothing."""
    return (address or "").strip().lower()


def valid_email(address):
    """A checked address in its stored form; InvalidContactDetail when it is not an address."""
    try:
        checked = validate_email(address.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidContactDetail(address) from None
    return normalise_email(checked)


def valid_phone(number):
    """A callable number in E.164 form (+31612345678); InvalidContactDetail when it is not one."""
    try:
        parsed = phonenumbers.parse(number, PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise InvalidContactDetail(number) from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidContactDetail(number)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone(number):
    """The stored form of a number as people write it, for searches; the trimmed text when it is no number."""
    try:
        return valid_phone(number)
    except InvalidContactDetail:
        return (number or "").strip()
