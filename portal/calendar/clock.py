"""One clock: times are stored in UTC and shown and reasoned about in Europe/Amsterdam."""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")


def now_utc():
    return datetime.now(timezone.utc)


def as_utc(moment):
    """A timezone-aware UTC datetime; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def to_local(moment):
    return as_utc(moment).astimezone(LOCAL_ZONE)


def local_date(moment):
    """The calendar day in Amsterdam on which this moment falls."""
    return to_local(moment).date()


class FutureMoment(ValueError):
    """A moment that has not happened yet was given as one that has."""


def past_moment(moment, now=None):
    """The moment, if it is not in the future; FutureMoment otherwise. Staff record what happened, never what will."""
    if as_utc(moment) > (now or now_utc()):
        raise FutureMoment(moment)
    return moment


def local_today():
    return local_date(now_utc())


def start_of_local_day(day: date):
    """The UTC moment at which this Amsterdam day begins."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_ZONE).astimezone(timezone.utc)
