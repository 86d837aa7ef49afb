"""The learner's evaluation pages: questionnaires in each wave, and paper returns entered."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
