// multipart_form: one named part of a multipart/form-data body (RFC 7578), as an upload form or
// `curl -F file=@backup.json` sends it. Only what a single-file upload route needs: no nested
// multiparts, no transfer encodings (RFC 7578 forbids them), the whole body in memory (the
// listener's body limit bounds it).
//
// Example:
//   auto file = form_part(req.header("content-type"), req.body, "file");
//   if (!file.ok()) return reply.send(render_error(404, file.status()));   // "http: no such file"
//   use(file->data);                                                        // file->filename too
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace mainspring::http {

struct form_part_data {
  std::string filename;  // the part's filename parameter ("" when it has none)
  std::string data;      // its bytes, exactly as sent
};

// The first part named `name` of `body`, whose Content-Type header is `content_type`.
// invalid_argument "request Content-Type isn't multipart/form-data" when it is not one (or names
// no boundary), "malformed multipart body: ..." when the body does not follow its boundary, and
// not_found "http: no such file" when no part has that name (Go's texts, which Dkron answers).
status_or<form_part_data> form_part(std::string_view content_type, std::string_view body,
                                    std::string_view name);

}  // namespace mainspring::http
