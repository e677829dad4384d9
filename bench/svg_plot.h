// svg_plot: a small stacked line chart as standalone SVG text, for the bench's long runs (the soak
// writes bench/results/soak.svg): one panel per series, sharing the x axis, each with its own
// y range, min and max labelled, so a trend (or its absence) is visible at a glance.
//
// Example:
//   plot_series rss{"RSS", "MiB", {{0, 410}, {1, 412}, {2, 411}}};
//   plot_series p99{"lateness p99", "ms", {{0, 1.2}, {1, 1.4}, {2, 1.3}}};
//   std::string svg = render_svg("soak: 20,000 runs/s", "minutes", {rss, p99});
//   std::ofstream("bench/results/soak.svg") << svg;
//
// Titles and units are escaped; NaN points are left out of the line (a gap in the data is not
// drawn as a value).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mainspring::bench {

struct plot_series {
  std::string title;
  std::string unit;
  std::vector<std::pair<double, double>> points;  // (x, y), in x order
};

std::string render_svg(const std::string& title, const std::string& x_label, const std::vector<plot_series>& panels);

}  // namespace mainspring::bench
