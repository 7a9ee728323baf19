from django.apps import AppConfig


class DossierConfig(AppConfig):
    """一人一档: a person's file taken out of the system as one PDF and a .zip of the originals."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "dossier"
    verbose_name = "一人一档"

    def ready(self):
        from dossier import panels

        panels.register()
