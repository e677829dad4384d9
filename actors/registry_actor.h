// The registry actor: the root of the actor tree. It knows every group by name, creates and
// removes groups, validates jobs before anything changes, and passes job requests on to the
// job's group actor (which passes them to the job actor).
//
// Example:
//   caf::actor registry = spawn_registry(sys, ctx);
//   caf::anon_send(registry, reg_group_atom::value, std::string("YM55"), reply_fn<std::string>{...});
#pragma once

#include <caf/fwd.hpp>

#include "actors/job_context.h"

namespace mainspring {

// REQUIRES: *ctx outlives the actor.
caf::actor spawn_registry(caf::actor_system& sys, const job_context* ctx);

}  // namespace mainspring
