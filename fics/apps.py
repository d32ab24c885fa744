from django.apps import AppConfig


class FicsConfig(AppConfig):
    name = "fics"
    verbose_name = "Works and chapters"
