"""Deterministic generation of valid credit codes (for demo data, tests and benchmarks)."""

from regions.codes import CREDIT_CODE_CHARSET, credit_code_check_char


def make_credit_code(division_code: str, serial: int, *, prefix: str = "91") -> str:
    """A valid 18-character code: ``prefix`` (91 = enterprise at the market regulator), the
    6-digit ``division_code``, a 9-character organisation code derived from ``serial``, the check.
    """
    body = []
    n = serial
    for _ in range(9):
        n, r = divmod(n, 31)
        body.append(CREDIT_CODE_CHARSET[r])
    first17 = f"{prefix}{division_code[:6]}{''.join(reversed(body))}"
    return first17 + credit_code_check_char(first17)
