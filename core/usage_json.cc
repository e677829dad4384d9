#include "core/usage_json.h"

#include <cstdint>

namespace mainspring {

nlohmann::json usage_json(const usage_stats& u, bool whole) {
  auto number = [whole](double v) { return whole ? nlohmann::json(static_cast<int64_t>(v)) : nlohmann::json(v); };
  return {{"min", number(u.min)}, {"max", number(u.max)}, {"total", number(u.total)}, {"count", u.count},
          {"current", number(u.current)}};
}

}  // namespace mainspring
