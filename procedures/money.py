"""Vietnamese money, written the one way the portal writes it: "200.000 đ".

Thousands are grouped with a dot and the đồng sign follows after a space. A zero amount is
"0 đ", or "Miễn phí" where a fee line is shown (``free=True``): a receipt or a total stays
a number, a free line says that nothing is charged.
"""

from django.utils.translation import gettext as _


def vnd(amount: int | None, *, free: bool = False) -> str:
    """100000 → "100.000 đ"; None → ""; 0 → "0 đ" (or "Miễn phí" with ``free``)."""
    if amount is None or amount == "":
        return ""
    value = int(amount)
    if value == 0 and free:
        return _("Miễn phí")
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value):,} đ".replace(",", ".")
