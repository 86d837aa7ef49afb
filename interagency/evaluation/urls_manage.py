"""The coordinator's and trainer's evaluation pages: instruments, plans, results."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
