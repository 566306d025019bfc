from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and scale data for every app (``seed_demo``, ``seed_scale``): top of the import graph."""

    name = "demo"
    verbose_name = "演示数据"
