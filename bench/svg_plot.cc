#include "bench/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace mainspring::bench {

namespace {

constexpr double k_width = 800;
constexpr double k_panel_height = 150;
constexpr double k_title_height = 40;
constexpr double k_left = 90;     // room for the y labels
constexpr double k_right = 20;
constexpr double k_panel_gap = 45;  // room for a panel's title
constexpr double k_bottom = 40;     // room for the x labels

std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, std::fabs(v) >= 100 || v == std::floor(v) ? "%.0f" : "%.2f", v);
  return buf;
}

struct range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (std::isnan(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
  // A flat series gets a band around its value, so that it draws as a level line mid-panel.
  void widen() {
    if (empty()) lo = 0, hi = 1;
    if (hi - lo < 1e-9) {
      double pad = std::max(1e-3, std::fabs(lo) * 0.05);
      lo -= pad;
      hi += pad;
    }
  }
};

std::string text_at(double x, double y, const std::string& text, const char* anchor = "start", int size = 12) {
  return "<text x=\"" + number(x) + "\" y=\"" + number(y) + "\" font-size=\"" + std::to_string(size) +
         "\" text-anchor=\"" + anchor + "\">" + escaped(text) + "</text>\n";
}

}  // namespace

std::string render_svg(const std::string& title, const std::string& x_label, const std::vector<plot_series>& panels) {
  range xs;
  for (const auto& p : panels)
    for (const auto& [x, y] : p.points) xs.add(x);
  xs.widen();
  const double plot_w = k_width - k_left - k_right;
  const double height = k_title_height + static_cast<double>(panels.size()) * (k_panel_height + k_panel_gap) + k_bottom;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + number(k_width) + "\" height=\"" +
                    number(height) + "\" font-family=\"sans-serif\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += text_at(k_width / 2, 26, title, "middle", 16);
  double top = k_title_height;
  for (const auto& p : panels) {
    range ys;
    for (const auto& pt : p.points) ys.add(pt.second);
    ys.widen();
    const double panel_top = top + k_panel_gap - 10;
    svg += text_at(k_left, panel_top - 8, p.title + " (" + p.unit + ")", "start", 13);
    svg += "<rect x=\"" + number(k_left) + "\" y=\"" + number(panel_top) + "\" width=\"" + number(plot_w) +
           "\" height=\"" + number(k_panel_height) + "\" fill=\"none\" stroke=\"#999\"/>\n";
    svg += text_at(k_left - 6, panel_top + 12, number(ys.hi), "end");
    svg += text_at(k_left - 6, panel_top + k_panel_height, number(ys.lo), "end");
    std::string line;
    for (const auto& [x, y] : p.points) {
      if (std::isnan(x) || std::isnan(y)) continue;
      double px = k_left + (x - xs.lo) / (xs.hi - xs.lo) * plot_w;
      double py = panel_top + k_panel_height - (y - ys.lo) / (ys.hi - ys.lo) * k_panel_height;
      line += (line.empty() ? "" : " ") + number(px) + "," + number(py);
    }
    svg += "<polyline fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\" points=\"" + line + "\"/>\n";
    top += k_panel_height + k_panel_gap;
  }
  svg += text_at(k_left, top + 16, number(xs.lo), "start");
  svg += text_at(k_left + plot_w, top + 16, number(xs.hi), "end");
  svg += text_at(k_left + plot_w / 2, top + 16, x_label, "middle");
  svg += "</svg>\n";
  return svg;
}

}  // namespace mainspring::bench
