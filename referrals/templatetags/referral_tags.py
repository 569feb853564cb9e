from django import template

from cases.case_records import has
from lookups import registry
from referrals import services

register = template.Library()


@register.simple_tag
def case_referrals(child):
    """The referrals of one case, each marked when pending too long."""
    if not has(child, "referrals"):
        return []
    referrals = list(child.referrals.select_related("provider").order_by("-referred_on", "-id"))
    for referral in referrals:
        referral.overdue = services.is_pending_too_long(referral)
    return referrals


@register.simple_tag
def service_type_choices():
    return registry.choices("service_type")
