from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic data for the demo, tests of scale and benchmarks.

    It sits above every domain app (it fills them all), so no domain app
    depends on it.
    """

    name = "interagency.demo"
    label = "demo"
