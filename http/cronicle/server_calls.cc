// Cronicle's calls about the server itself that need a key: get_servers (lib/api/admin.js, an
// admin call; the listener admits only admin keys to it). `status` needs none and is answered
// before any key is looked for (cronicle_dialect.cc); both read server_status.h's facts.
#include "http/cronicle/calls.h"
#include "http/cronicle/errors.h"
#include "http/cronicle/server_status.h"

namespace mainspring::http::cronicle {

void get_servers(scheduler_api& api, const state_ptr& s, call_args a) {
  api.overview([s, reply = a.reply](status_or<scheduler_overview> o) {
    const int64_t clock_pass_ms = o.ok() ? o->clock_pass_ms : 0;
    reply.send(success({{"servers", servers_json(read_server_facts(MAINSPRING_VERSION, s->hostname, clock_pass_ms))}}));
  });
}

}  // namespace mainspring::http::cronicle
