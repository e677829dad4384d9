// Base64 as Go's encoding/base64 StdEncoding reads and writes it (RFC 4648, standard alphabet,
// '=' padding): Dkron's shell `payload` is sent this way, and its errors are Go's.
//
// Example:
//   status_or<std::string> bytes = go_base64_decode("aGk=\n");   // "hi" (CR and LF are skipped)
//   go_base64_decode("a!==").status().message();   // "illegal base64 data at input byte 1"
//   base64_encode("hi") == "aGk=";
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace mainspring {

// Decodes `text` as Go's StdEncoding.DecodeString does: '\r' and '\n' anywhere are skipped,
// padding is required, bits past the last byte are ignored (not strict). A corrupt input is
// invalid_argument with Go's CorruptInputError text, "illegal base64 data at input byte N" (N
// the offset in `text` Go names: the bad byte, the missing padding, or trailing data).
status_or<std::string> go_base64_decode(std::string_view text);

// `bytes` in standard base64 with padding, on one line (Go's StdEncoding.EncodeToString).
std::string base64_encode(std::string_view bytes);

}  // namespace mainspring
