from django.apps import AppConfig
from django.db.backends.signals import connection_created


class SearchConfig(AppConfig):
    name = "search"

    def ready(self) -> None:
        from search import receivers  # noqa: F401  (connects them)
        from search.index import add_sqlite_functions

        connection_created.connect(add_sqlite_functions)
