// Go's strconv.Atoi where its caller drops the error (`n, _ := strconv.Atoi(s)`), as Dkron's
// jobsHandler reads ?_start and ?_end: what Go leaves in n is the number.
//
// Example:
//   go_atoi_ignoring_error("12") == 12;
//   go_atoi_ignoring_error("+7") == 7;      // a sign is allowed
//   go_atoi_ignoring_error("abc") == 0;     // a syntax error leaves 0
//   go_atoi_ignoring_error("") == 0;
//   go_atoi_ignoring_error("99999999999999999999") == INT64_MAX;  // out of range: clamped
#pragma once

#include <cstdint>
#include <string_view>

namespace mainspring {

// Base 10, an optional leading '+' or '-', digits only (no spaces, no '_', no "0x"). A syntax
// error gives 0; a value out of int64's range gives INT64_MAX or INT64_MIN (Go's ParseInt returns
// the clamped value with ErrRange). As Go's ParseUint, whichever comes first while reading the
// digits decides: "99999999999999999999x" is out of range, not a syntax error.
int64_t go_atoi_ignoring_error(std::string_view text);

}  // namespace mainspring
