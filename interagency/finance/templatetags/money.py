"""``{{ amount|pounds }}``: "£1,234.50", "−£50.00"; nothing for no amount."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def pounds(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"
