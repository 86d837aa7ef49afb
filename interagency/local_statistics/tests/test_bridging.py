"""Finding one authority's figure across the reorganisations that changed its code."""

from interagency.local_statistics.bridging import Change, Found, add_up, find_figure

NORTHAMPTONSHIRE = [
    Change("E10000021", "Northamptonshire", "E06000061", "North Northamptonshire", "split"),
    Change("E10000021", "Northamptonshire", "E06000062", "West Northamptonshire", "split"),
]
SOMERSET = [Change("E10000027", "Somerset", "E06000066", "Somerset", "renamed")]


def test_a_figure_under_its_own_code_is_found_as_published():
    assert find_figure("E09000007", 2025, {("E09000007", 2025): 1808}, []) == Found(1808)


def test_a_suppressed_figure_is_not_available_never_zero():
    found = find_figure("E10000014", 2024, {("E10000014", 2024): None}, [])
    assert found.value is None
    assert "suppressed" in found.note


def test_a_split_authority_after_the_split_is_the_sum_of_its_successors():
    figures = {("E06000061", 2024): 2221, ("E06000062", 2024): 2657}
    found = find_figure("E10000021", 2024, figures, NORTHAMPTONSHIRE)
    assert found.value == 2221 + 2657
    assert found.note == "The sum of North Northamptonshire and West Northamptonshire."


def test_a_successor_before_its_split_is_not_available():
    found = find_figure("E06000061", 2021, {("E10000021", 2021): 4877}, NORTHAMPTONSHIRE)
    assert found.value is None
    assert "Northamptonshire as a whole" in found.note


def test_a_split_with_one_suppressed_successor_is_not_available():
    figures = {("E06000061", 2024): None, ("E06000062", 2024): 2657}
    assert find_figure("E10000021", 2024, figures, NORTHAMPTONSHIRE).value is None


def test_a_renamed_authority_is_found_under_its_other_code_both_ways():
    assert find_figure("E06000066", 2022, {("E10000027", 2022): 100}, SOMERSET).value == 100
    assert find_figure("E10000027", 2025, {("E06000066", 2025): 120}, SOMERSET).value == 120


def test_several_authorities_add_up_unless_one_is_not_available():
    assert add_up([Found(10), Found(5)]).value == 15
    assert add_up([Found(10), Found(None, "No figure.")]) == Found(None, "No figure.")
    assert add_up([]).value is None
