from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from cases.case_records import track
        from cases.history import add_history_source

        from .history import referral_history
        from .models import Referral

        add_history_source(referral_history)
        # The case page reads a case's referrals, and their history, only when it has some.
        track("referrals", Referral)
        track("referral_history", Referral.history.model)
