import xml.etree.ElementTree as ET

from compliance.charts import STATUS_COLORS, bar_chart, donut_chart, stacked_bar_chart, stacked_column_chart

SEGMENTS = [("met", "Met"), ("not_met", "Not met")]


def test_bar_chart_draws_one_bar_per_item_scaled_to_the_largest():
    svg = bar_chart([("DOE", 10), ("VA", 5)], title="Use cases")

    root = ET.fromstring(svg)
    widths = [float(rect.get("width")) for rect in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert len(widths) == 2
    assert widths[0] == 2 * widths[1]


def test_labels_are_escaped():
    svg = bar_chart([('<script>alert(1)</script>"', 1)], title="<b>&</b>")

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    ET.fromstring(svg)  # still well-formed XML


def test_stacked_bar_uses_the_status_colours_and_skips_empty_segments():
    svg = stacked_bar_chart([("DOE", {"met": 3, "not_met": 0})], segments=SEGMENTS)

    assert svg.count(f'fill="{STATUS_COLORS["met"]}"') == 2  # the bar and its legend swatch
    assert svg.count(f'fill="{STATUS_COLORS["not_met"]}"') == 1  # the legend swatch only


def test_donut_prints_the_total_and_a_legend_with_counts():
    svg = donut_chart({"met": 2, "not_met": 1}, segments=SEGMENTS, title="Status")

    ET.fromstring(svg)
    assert ">3<" in svg
    assert "Not met (1)" in svg


def test_a_stacked_column_is_as_tall_as_its_share_of_the_largest_total():
    svg = stacked_column_chart(
        ["w1", "w2"], [("Passed", "#00a91c", [2, 4]), ("Failed", "#b50909", [2, 0])], title="t", height=220
    )

    # The plot is 220 - 24 - 22 - 18 = 156 units tall: w1's two halves and w2's single block fill it.
    ET.fromstring(svg)
    assert svg.count('height="78"') == 2 and svg.count('height="156"') == 1


def test_the_dashboard_and_the_reports_share_one_chart_module():
    import importlib.util

    assert importlib.util.find_spec("agencies.charts") is None
