// progress_lines: a command's "NN%" stdout lines are its progress, as Cronicle's shellplug takes
// them (/^\s*(\d+)\%\s*$/), and every other line is output, whatever the reads' boundaries.
#include "core/progress_lines.h"

#include <catch2/catch.hpp>

#include "core/json_depth.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

using namespace mainspring;

namespace {

struct result {
  std::string output;
  stdout_report report;
  std::optional<double> progress;
};

result feed(const std::vector<std::string_view>& chunks, bool json = false) {
  progress_lines lines(json);
  result r;
  for (auto chunk : chunks) lines.add(chunk, r.output, r.report);
  lines.finish(r.output, r.report);
  r.progress = r.report.progress;
  return r;
}

}  // namespace

TEST_CASE("a line of a number and a percent sign is progress, as Cronicle's pattern reads it") {
  CHECK(progress_of_line("50%") == 0.5);
  CHECK(progress_of_line("50%\n") == 0.5);
  CHECK(progress_of_line("  7%\r\n") == 0.07);
  CHECK(progress_of_line("\t0%  ") == 0.0);
  CHECK(progress_of_line("100%") == 1.0);
  CHECK(progress_of_line("250%") == 1.0);            // min(100, parseInt)
  CHECK(progress_of_line("99999999999999999999%") == 1.0);
  CHECK(progress_of_line("007%") == 0.07);
  CHECK_FALSE(progress_of_line("7 %"));
  CHECK_FALSE(progress_of_line("-5%"));
  CHECK_FALSE(progress_of_line("5.5%"));
  CHECK_FALSE(progress_of_line("%"));
  CHECK_FALSE(progress_of_line("50"));
  CHECK_FALSE(progress_of_line("50%%"));
  CHECK_FALSE(progress_of_line("done 50%"));
  CHECK_FALSE(progress_of_line(""));
}

TEST_CASE("progress lines leave the output, and the others stay, in order, with their newlines") {
  result r = feed({"step 1\n25%\nstep 2\n  75%  \nlast"});
  CHECK(r.output == "step 1\nstep 2\nlast");
  CHECK(r.progress == 0.75);
  result none = feed({"no progress here\n"});
  CHECK(none.output == "no progress here\n");
  CHECK_FALSE(none.progress);
  // A last line without its newline is a line too.
  CHECK(feed({"a\n40%"}).progress == 0.4);
  CHECK(feed({"a\n40%"}).output == "a\n");
}

TEST_CASE("the lines are the same however the stream was split into reads") {
  const std::string whole = "begin\n10%\nmiddle line\n 90%\nend\n";
  for (std::size_t cut = 0; cut <= whole.size(); ++cut)
    for (std::size_t cut2 = cut; cut2 <= whole.size(); cut2 += 3) {
      INFO("cuts at " << cut << ", " << cut2);
      std::string_view w(whole);
      result r = feed({w.substr(0, cut), w.substr(cut, cut2 - cut), w.substr(cut2)});
      CHECK(r.output == "begin\nmiddle line\nend\n");
      CHECK(r.progress == 0.9);
    }
}

TEST_CASE("a line longer than any progress line is passed on at once, not held") {
  progress_lines lines;
  std::string out;
  stdout_report report;
  const std::string long_part(k_max_held_line_bytes + 10, 'x');
  lines.add(long_part, out, report);
  CHECK(out == long_part);  // passed on before its end came
  lines.add("yy\n50%\n", out, report);
  CHECK(out == long_part + "yy\n");
  CHECK(report.progress == 0.5);
  // Held while it may still be one.
  out.clear();
  lines.add("12", out, report);
  CHECK(out.empty());
  lines.add("%\n", out, report);
  CHECK(out.empty());
  CHECK(report.progress == 0.12);
}

TEST_CASE("each output line starts with the caller's prefix, and progress lines have none") {
  progress_lines lines;
  std::string out;
  stdout_report report;
  lines.add("one\n50%\ntw", out, report, "[t1] ");
  CHECK(out == "[t1] one\n");
  lines.add("o\n", out, report, "[t2] ");  // the line is output when its end is read
  CHECK(out == "[t1] one\n[t2] two\n");
  const std::string long_line(k_max_held_line_bytes + 1, 'x');
  lines.add(long_line, out, report, "[t3] ");
  lines.add("y\nlast", out, report, "[t4] ");
  lines.finish(out, report, "[t5] ");
  CHECK(out == "[t1] one\n[t2] two\n[t3] " + long_line + "y\n[t5] last");
  CHECK(report.progress == 0.5);
}

TEST_CASE("in JSON mode a JSON object line is a report, not output, and its first complete ends the reports") {
  result r = feed({"start\n{\"progress\": 0.25}\n  {\"perf\":{\"db\":1}}  \n",
                   "{\"complete\":1,\"code\":3,\"description\":\"Disk full\"}\n",
                   "{\"progress\":0.9,\"complete\":1,\"code\":0}\nend\n"},
                  true);
  CHECK(r.output == "start\nend\n");
  CHECK(r.progress == 0.25);  // reports after the complete one change nothing
  CHECK(r.report.completed);
  CHECK(r.report.code == 3);
  CHECK(r.report.description == "Disk full");
}

TEST_CASE("a JSON report's code is 0 when falsy, an integer as it is, and 1 otherwise") {
  auto code_of = [](std::string_view code) {
    result r = feed({"{\"complete\":true,\"code\":" + std::string(code) + "}\n"}, true);
    REQUIRE(r.report.completed);
    return r.report.code;
  };
  CHECK(code_of("0") == 0);
  CHECK(code_of("null") == 0);
  CHECK(code_of("false") == 0);
  CHECK(code_of("\"\"") == 0);
  CHECK(code_of("7") == 7);
  CHECK(code_of("-2") == -2);
  CHECK(code_of("2.5") == 1);
  CHECK(code_of("\"warning\"") == 1);
  CHECK(code_of("99999999999") == 1);
  CHECK(code_of("18446744073709551615") == 1);
  CHECK(feed({"{\"complete\":1}\n"}, true).report.code == 0);
  CHECK(feed({"{\"complete\":1,\"code\":1,\"description\":{\"a\":1}}\n"}, true).report.description == "{\"a\":1}");
  // Not complete: a falsy complete is no completion.
  CHECK_FALSE(feed({"{\"complete\":0,\"code\":5}\n"}, true).report.completed);
}

TEST_CASE("lines that only look like JSON, and JSON outside JSON mode, are output") {
  CHECK(feed({"{}\n{ not json }\n[1,2]\n{\"a\":1} trailing\n"}, true).output == "{}\n{ not json }\n[1,2]\n{\"a\":1} trailing\n");
  result plain = feed({"{\"complete\":1,\"code\":3}\n"});
  CHECK(plain.output == "{\"complete\":1,\"code\":3}\n");
  CHECK_FALSE(plain.report.completed);
  // A report longer than a progress line is still held in JSON mode, up to its own bound.
  const std::string description(2'000, 'd');
  result long_report = feed({"{\"complete\":1,\"code\":2,\"description\":\"" + description + "\"}\n"}, true);
  CHECK(long_report.output.empty());
  CHECK(long_report.report.description == description);
  const std::string endless(k_max_held_json_line_bytes + 1, '{');
  CHECK(feed({endless, "}\n"}, true).output == endless + "}\n");
}

TEST_CASE("a report nested deeper than the JSON depth limit is output, and the run reports nothing") {
  auto report = [](std::size_t levels) {
    return "{\"complete\":1,\"code\":5,\"perf\":" + std::string(levels, '[') + std::string(levels, ']') + "}\n";
  };
  // The report object is one level; 30,000 fit in a held line and overflowed the stack when kept.
  for (std::size_t levels : {k_max_json_depth, std::size_t{30'000}}) {
    INFO(levels);
    result deep = feed({report(levels)}, true);
    CHECK(deep.output == report(levels));
    CHECK_FALSE(deep.report.completed);
    CHECK(deep.report.fields.empty());
  }
  result deepest = feed({report(k_max_json_depth - 1)}, true);
  CHECK(deepest.output.empty());
  CHECK(deepest.report.completed);
  CHECK(deepest.report.code == 5);
}

TEST_CASE("reports set their keys as they come: code and description given before complete count") {
  result r = feed({"{\"code\":4,\"description\":\"half done\"}\n{\"complete\":1}\n"}, true);
  CHECK(r.report.completed);
  CHECK(r.report.code == 4);
  CHECK(r.report.description == "half done");
  // A later description replaces an earlier one; null empties it.
  CHECK(feed({"{\"description\":\"a\"}\n{\"description\":\"b\",\"complete\":1}\n"}, true).report.description == "b");
  CHECK(feed({"{\"description\":\"a\"}\n{\"description\":null,\"complete\":1}\n"}, true).report.description.empty());
}

TEST_CASE("the keys Cronicle keeps are kept as given, the last of each, and nothing after complete") {
  result r = feed({"{\"perf\":{\"db\":0.5},\"label\":\"v1\",\"unknown\":1}\n",
                   "{\"table\":{\"title\":\"T\",\"rows\":[[1,2]]},\"label\":\"v2\",\"chain_data\":{\"n\":3}}\n",
                   "{\"complete\":1,\"chain\":\"next_event\"}\n{\"perf\":\"late\",\"label\":\"v3\"}\n"},
                  true);
  CHECK(r.report.fields == nlohmann::json::parse(
                               R"({"perf":{"db":0.5},"label":"v2","table":{"title":"T","rows":[[1,2]]},)"
                               R"("chain_data":{"n":3},"chain":"next_event"})"));
  CHECK(r.report.fields_changes == 3);  // three reports set fields; the one after complete did not
  CHECK_FALSE(r.report.sent_html);
}

TEST_CASE("a reported html's content is cleaned before it is kept") {
  result r = feed({R"({"html":{"title":"Out","content":"<b onclick=\"x()\">ok</b><script>alert(1)</script>"}})" "\n"}, true);
  CHECK(r.report.sent_html);
  CHECK(r.report.fields["html"] == nlohmann::json::parse(R"({"title":"Out","content":"<b>ok</b>"})"));
  // Content that is not a string is not shown as HTML at all.
  CHECK(feed({"{\"html\":{\"content\":[\"<script>\"]}}\n"}, true).report.fields["html"]["content"] == "");
}

TEST_CASE("reported fields stop growing at their bound") {
  const std::string big(40'000, 'x');
  result r = feed({"{\"perf\":\"" + big + "\"}\n", "{\"table\":\"" + big + "\"}\n", "{\"label\":\"small\"}\n"}, true);
  CHECK(r.report.fields.contains("perf"));
  CHECK_FALSE(r.report.fields.contains("table"));  // would pass k_max_reported_fields_bytes
  CHECK(r.report.fields["label"] == "small");
  CHECK(reported_fields(r.report, true).size() <= k_max_reported_fields_bytes);
}

TEST_CASE("what a run record keeps of a report") {
  // A success's description is kept with the fields; a failure's is the run's error.
  result ok = feed({"{\"perf\":{\"a\":1}}\n{\"complete\":1,\"description\":\"42 rows\"}\n"}, true);
  CHECK(nlohmann::json::parse(reported_fields(ok.report, true)) ==
        nlohmann::json::parse(R"({"perf":{"a":1},"description":"42 rows"})"));
  result failed = feed({"{\"complete\":1,\"code\":\"warning\",\"description\":\"odd\"}\n"}, true);
  CHECK(failed.report.code == 1);
  CHECK(reported_fields(failed.report, false) == R"({"code":"warning"})");
  CHECK(reported_fields(feed({"{\"complete\":1,\"code\":3}\n"}, true).report, false).empty());
  // Before completion only the fields count (the exit decides code and description).
  result open = feed({"{\"description\":\"x\",\"code\":\"w\"}\n"}, true);
  CHECK(reported_fields(open.report, true).empty());
}
