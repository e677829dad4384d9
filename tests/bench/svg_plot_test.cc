#include "bench/svg_plot.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

using namespace mainspring::bench;

namespace {

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// The points attribute of the `index`th polyline.
std::string points_of(const std::string& svg, std::size_t index) {
  std::size_t at = 0;
  for (std::size_t i = 0; i <= index; ++i) at = svg.find("points=\"", at) + 8;
  return svg.substr(at, svg.find('"', at) - at);
}

}  // namespace

TEST_CASE("each series is a panel with its own line, one vertex per point") {
  std::string svg = render_svg("soak", "minutes",
                               {{"RSS", "MiB", {{0, 400}, {1, 410}, {2, 405}}}, {"p99", "ms", {{0, 1}, {2, 3}}}});
  CHECK(svg.rfind("<svg", 0) == 0);
  CHECK(svg.find("</svg>") != std::string::npos);
  CHECK(count_of(svg, "<polyline") == 2);
  CHECK(count_of(points_of(svg, 0), ",") == 3);
  CHECK(count_of(points_of(svg, 1), ",") == 2);
  CHECK(svg.find("RSS (MiB)") != std::string::npos);
  CHECK(svg.find(">410<") != std::string::npos);  // the panel's max is labelled
  CHECK(svg.find(">400<") != std::string::npos);  // and its min
}

TEST_CASE("a rising series is drawn rising: later points sit higher (smaller y)") {
  std::string svg = render_svg("t", "x", {{"up", "u", {{0, 1}, {1, 2}}}});
  std::string pts = points_of(svg, 0);
  double y0 = std::stod(pts.substr(pts.find(',') + 1));
  double y1 = std::stod(pts.substr(pts.rfind(',') + 1));
  CHECK(y1 < y0);
}

TEST_CASE("titles are escaped and NaN points are left out") {
  std::string svg = render_svg("<script>&", "x", {{"a\"b", "<u>", {{0, 1}, {1, std::nan("")}, {2, 1}}}});
  CHECK(svg.find("<script>") == std::string::npos);
  CHECK(svg.find("&lt;script&gt;&amp;") != std::string::npos);
  CHECK(svg.find("a&quot;b (&lt;u&gt;)") != std::string::npos);
  CHECK(count_of(points_of(svg, 0), ",") == 2);  // a flat series still draws
}
