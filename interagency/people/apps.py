from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "interagency.people"
    label = "people"
