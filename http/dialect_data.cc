#include "http/dialect_data.h"

namespace mainspring::http {

namespace {

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
  auto all = parsed_object(data);
  if (section.is_null() || (section.is_object() && section.empty())) all.erase(std::string(dialect));
  else all[std::string(dialect)] = std::move(section);
  return all.empty() ? std::string() : all.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mainspring::http
