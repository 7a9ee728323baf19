"""simple-history's HistoricalRecords with its models named in Chinese: 「历史记录：会议」 where the
package names them 「historical 会议」 (a format string it does not translate), as the admin's
lists, headers and breadcrumbs show them. Every model's history is declared with this class.

`stamp_address` (connected in AuditConfig.ready) gives each field-history row written during a
request the address it came from (cases.web.client_ip, the one answer the events use)."""

from django.utils.text import format_lazy
from simple_history.models import HistoricalRecords as PackageHistoricalRecords

from audit.models import SealedHistoryRow

PREFIX = "历史记录："


class HistoricalRecords(PackageHistoricalRecords):
    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        if not self.user_set_verbose_name:
            options["verbose_name"] = format_lazy("{}{}", PREFIX, model._meta.verbose_name)
        if not self.user_set_verbose_name_plural:
            options["verbose_name_plural"] = format_lazy("{}{}", PREFIX, model._meta.verbose_name_plural)
        return options

    def get_meta_options_m2m(self, through_model):
        options = super().get_meta_options_m2m(through_model)
        options["verbose_name"] = format_lazy("{}{}", PREFIX, through_model._meta.verbose_name)
        options["verbose_name_plural"] = format_lazy("{}{}", PREFIX, through_model._meta.verbose_name_plural)
        return options


def stamp_address(sender, history_instance, **kwargs) -> None:
    """pre_create_historical_record: before the row is sealed, the request's client address."""
    from cases.web import client_ip

    request = getattr(PackageHistoricalRecords.context, "request", None)
    if (
        request is not None
        and isinstance(history_instance, SealedHistoryRow)
        and not history_instance.history_ip
    ):
        history_instance.history_ip = client_ip(request)
