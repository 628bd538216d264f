"""Case numbers and query codes.

A case number is the centre's code, the day of receipt and the day's sequence at that centre
(HY202603020001): the sequence comes from one counter row per centre and day, taken with the
submission's other reads (cases.store.next_number, or read ahead in store.submit_reads), so
numbers have no gaps and a rolled-back submission rolls its number back. The query code is
eight random characters from an alphabet without look-alikes (no 0/O, 1/I/L) that the applicant
uses with the number to look the case up (cases.lookup limits the guesses)."""

import datetime
import secrets


def case_number(centre_code: str, day: datetime.date, sequence: int) -> str:
    return f"{centre_code.upper()}{day:%Y%m%d}{sequence:04d}"


CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def query_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
