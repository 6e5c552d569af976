"""``{% load money %}{{ amount|vnd }}`` → "200.000 đ"; ``{{ amount|vnd:"free" }}`` writes a zero
amount as "Miễn phí" (for a fee line). The one filter every page, e-mail and slip uses."""

from django import template

from procedures import money

register = template.Library()


@register.filter
def vnd(amount: int | None, mode: str = "") -> str:
    return money.vnd(amount, free=mode == "free")
