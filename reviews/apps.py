import logging

from django.apps import AppConfig

# WeasyPrint logs every layout step at INFO: keep the web and worker logs readable. Set here, at
# import, because the admin's autodiscovery imports WeasyPrint before any AppConfig.ready() runs.
for _name in ("weasyprint", "weasyprint.progress", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "审批台"

    def ready(self):
        from reviews import panels

        panels.register()
