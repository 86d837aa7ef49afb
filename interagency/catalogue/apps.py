from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "interagency.catalogue"
    label = "catalogue"
