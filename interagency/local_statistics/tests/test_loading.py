"""Loading the shipped DfE and ONS files and newer ones: idempotent, all or nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from interagency.local_statistics.models import (
    Authority,
    AuthorityChange,
    ChildPopulation,
    ChildrenInNeed,
)

pytestmark = pytest.mark.django_db

CIN_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name,category,Anypoint_episodes,Anypoint_child,"
    "Started_episodes,Started_child,Ended_episodes,Ended_child,At31_episodes,awaiting_assessment"
)


def load(*files: str) -> str:
    out = StringIO()
    call_command("load_local_statistics", *[f"--file={f}" for f in files], stdout=out)
    return out.getvalue()


def cin_row(year: str, code: str, name: str, at_31: str, any_point: str = "10") -> str:
    return (
        f"{year},Reporting year,Local authority,E92000001,England,E13000001,Inner London,"
        f"202,{code},{name},Children in Need,1,{any_point},1,1,1,1,{at_31},1"
    )


def test_the_shipped_files_load_once_and_again_change_nothing():
    out = StringIO()
    call_command("load_local_statistics", stdout=out)
    assert "b1_children_in_need_2013_to_2025.csv (children in need, years 2013 to 2025)" in (
        out.getvalue()
    )
    camden = ChildrenInNeed.objects.get(gss_code="E09000007", year=2025)
    assert (camden.name, camden.at_31_march, camden.during_year) == ("Camden", 1808, 2890)
    assert ChildPopulation.objects.get(gss_code="E06000061", year=2024).aged_0_to_17 == 83113
    # Northamptonshire before its split, under its old code; the lookup knows only the new ones.
    assert ChildrenInNeed.objects.get(gss_code="E10000021", year=2021).at_31_march == 4877
    assert not Authority.objects.filter(gss_code="E10000021").exists()
    assert AuthorityChange.objects.filter(old_code="E10000021").count() == 2
    # Suppressed cells (u, c) are stored as not available, never 0.
    hampshire = ChildrenInNeed.objects.get(gss_code="E10000014", year=2024)
    assert (hampshire.at_31_march, hampshire.during_year) == (None, None)
    counts = (ChildrenInNeed.objects.count(), ChildPopulation.objects.count())

    again = StringIO()
    call_command("load_local_statistics", stdout=again)
    assert again.getvalue().count(" 0 added, 0 changed") == 4
    assert (ChildrenInNeed.objects.count(), ChildPopulation.objects.count()) == counts


def test_a_newer_year_is_added_and_a_revised_figure_changed(tmp_path):
    ChildrenInNeed.objects.create(
        gss_code="E09000007", name="Camden", year=2025, at_31_march=1808, during_year=10
    )
    path = tmp_path / "cin_2026.csv"
    path.write_text(
        "\n".join(
            [
                CIN_HEADER,
                cin_row("2026", "E09000007", "Camden", "1900"),
                cin_row("2025", "E09000007", "Camden", "x"),
            ]
        )
    )
    assert "1 added, 1 changed, 0 unchanged" in load(str(path))
    assert ChildrenInNeed.objects.get(gss_code="E09000007", year=2026).at_31_march == 1900
    assert ChildrenInNeed.objects.get(gss_code="E09000007", year=2025).at_31_march is None


def test_a_bad_cell_names_file_row_and_column_and_nothing_is_stored(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("\n".join([CIN_HEADER, cin_row("2026", "E09000007", "Camden", "1900")]))
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "\n".join(
            [
                CIN_HEADER,
                cin_row("2026", "E09000001", "City of London", "12"),
                cin_row("2026", "E09000002", "Barking and Dagenham", "-4"),
                cin_row("26", "E9", "Barnet", "5"),
            ]
        )
    )
    with pytest.raises(CommandError) as refused:
        load(str(good), str(bad))
    message = str(refused.value)
    assert "Nothing was loaded" in message
    assert "bad.csv, row 3, column At31_episodes: '-4' is not a whole number" in message
    assert "bad.csv, row 4, column new_la_code: 'E9' is not a GSS code" in message
    assert "bad.csv, row 4, column time_period: '26' is not a year" in message
    assert not ChildrenInNeed.objects.exists()


def test_a_file_of_unknown_columns_or_repeated_rows_is_refused(tmp_path):
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match=r"unknown\.csv: is not a file Interagency knows"):
        load(str(unknown))
    repeated = tmp_path / "repeated.csv"
    row = cin_row("2026", "E09000007", "Camden", "1")
    repeated.write_text("\n".join([CIN_HEADER, row, row]))
    with pytest.raises(CommandError, match="E09000007 2026 appears more than once"):
        load(str(repeated))
    with pytest.raises(CommandError, match="no such file"):
        load(str(tmp_path / "missing.csv"))
