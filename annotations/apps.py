from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"

    def ready(self) -> None:
        from annotations import receivers  # noqa: F401  (connects them)
