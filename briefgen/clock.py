"""The clock: what time it is for briefgen, read in this one module.

``SOURCE_DATE_EPOCH`` (reproducible builds) fixes it; otherwise it is the
system's. The brief's default date, the date a fact is added and a mail's
``Date`` all come from here.
"""

from __future__ import annotations

import datetime as dt
import os


def source_date_epoch() -> dt.datetime | None:
    """``SOURCE_DATE_EPOCH`` (reproducible builds) as a time in UTC; None if it is not
    set to a number of seconds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return None
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)


def today() -> dt.date:
    """The brief's default date: ``SOURCE_DATE_EPOCH`` if set (reproducible builds), else today."""
    epoch = source_date_epoch()
    return epoch.date() if epoch is not None else dt.date.today()


def now() -> dt.datetime:
    """The time, in UTC: ``SOURCE_DATE_EPOCH`` if set, else the system's."""
    epoch = source_date_epoch()
    return epoch if epoch is not None else dt.datetime.now(dt.timezone.utc)
