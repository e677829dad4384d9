#include "http/dialect_data.h"

#include "http/json_text.h"

namespace mainspring::http {

namespace {

// What a new job's dialect data usually fits in (a Cronicle event's fields other than the job's).
constexpr std::size_t k_dialect_data_reserve = 512;

nlohmann::json parsed_object(const std::string& data) {
  if (data.empty()) return nlohmann::json::object();
  auto j = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : nlohmann::json::object();
}

}  // namespace

nlohmann::json dialect_section(const std::string& data, std::string_view dialect) {
  auto all = parsed_object(data);
  auto it = all.find(dialect);
  return it == all.end() || !it->is_object() ? nlohmann::json::object() : *it;
}

std::string with_dialect_section(const std::string& data, std::string_view dialect,
                                 const nlohmann::json& section) {
  return with_dialect_section(data, dialect, nlohmann::json(section));
}

std::string with_dialect_section(const std::string& data, std::string_view dialect, nlohmann::json&& section) {
  const bool no_section = section.is_null() || (section.is_object() && section.empty());
  if (data.empty() && !no_section) {
    // A new job's data (every create through a dialect): written as the text dump() would give
    // for {dialect: section}, into one buffer, without a JSON value around the section.
    std::string out;
    out.reserve(k_dialect_data_reserve);
    out += "{";
    append_json_string(out, dialect);
    out += ':';
    nlohmann::detail::serializer<nlohmann::json> writer(nlohmann::detail::output_adapter<char>(out), ' ',
                                                       nlohmann::json::error_handler_t::replace);
    writer.dump(section, false, false, 0);
    out += '}';
    return out;
  }
  auto all = parsed_object(data);
  if (section.is_null() || (section.is_object() && section.empty())) all.erase(std::string(dialect));
  else all[std::string(dialect)] = std::move(section);
  return all.empty() ? std::string() : all.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mainspring::http
