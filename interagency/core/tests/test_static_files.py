"""Static files are collected when their sources change, and only then."""

import pytest

from interagency.core.static_files import collect_static_if_changed


@pytest.fixture
def static_sources(settings, tmp_path):
    """One folder of sources collected into a fresh STATIC_ROOT, fingerprint in the data folder."""
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "site.css").write_text("body { color: black; }")
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATICFILES_DIRS = [sources]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.DATA_DIR = tmp_path / "data"
    return sources


def test_a_second_start_with_the_same_sources_does_not_collect_again(static_sources, settings):
    assert collect_static_if_changed() is True
    assert (settings.STATIC_ROOT / "site.css").read_text() == "body { color: black; }"

    assert collect_static_if_changed() is False


def test_a_changed_or_added_source_is_collected_on_the_next_start(static_sources, settings):
    collect_static_if_changed()
    (static_sources / "site.css").write_text("body { color: navy; }")
    (static_sources / "print.css").write_text("nav { display: none; }")

    assert collect_static_if_changed() is True
    assert (settings.STATIC_ROOT / "site.css").read_text() == "body { color: navy; }"
    assert (settings.STATIC_ROOT / "print.css").exists()
    assert collect_static_if_changed() is False


def test_deleted_collected_files_are_collected_again(static_sources, settings):
    collect_static_if_changed()
    (settings.STATIC_ROOT / "site.css").unlink()

    assert collect_static_if_changed() is True
    assert (settings.STATIC_ROOT / "site.css").exists()
