#include "executors/lua_sandbox.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <variant>

#include "executors/lua_context.h"
#include "executors/lua_json.h"
#include "executors/lua_libs.h"
#include "executors/output_tail.h"

// Structure: invoke_lua (C++) creates the context and the state, then runs everything that
// touches Lua inside one protected C function (run_call), so a Lua error (a longjmp) never
// crosses a frame holding a C++ object, and no error ever happens outside protection.

namespace mainspring {

// -- the context (lua_context.h) --

bool lua_call_context::append_output(std::string_view data) noexcept {
  if (output == nullptr) return true;
  if (output_overflow_fails && output->total_bytes() + data.size() > output->capacity()) {
    output_overflowed = true;
    return false;
  }
  try {
    output->append(data);
  } catch (...) {
    // Out of memory outside Lua's cap: losing output is better than failing the run.
  }
  return true;
}

const char* lua_stop_message(lua_stop_reason reason) {
  switch (reason) {
    case lua_stop_reason::none: return "not stopped";
    case lua_stop_reason::timeout: return "timed out";
    case lua_stop_reason::instruction_budget: return "instruction budget exceeded";
    case lua_stop_reason::cancelled: return "runner stopped";
  }
  return "stopped";
}

namespace {

// Checks the limits every k_lua_hook_interval instructions (every instruction once stopped).
void count_hook(lua_State* L, lua_Debug*) {
  context_of(L).instructions_run += k_lua_hook_interval;
  check_lua_limits(L);
}

}  // namespace

void check_lua_limits(lua_State* L) {
  lua_call_context& ctx = context_of(L);
  if (ctx.stop != lua_stop_reason::none) raise_stop(L, ctx.stop);
  if (ctx.cancel != nullptr && ctx.cancel->load(std::memory_order_relaxed))
    raise_stop(L, lua_stop_reason::cancelled);
  if (ctx.deadline_passed()) raise_stop(L, lua_stop_reason::timeout);
  if (ctx.instruction_budget != 0 && ctx.instructions_run >= ctx.instruction_budget)
    raise_stop(L, lua_stop_reason::instruction_budget);
}

void raise_stop(lua_State* L, lua_stop_reason reason) {
  lua_call_context& ctx = context_of(L);
  if (ctx.stop == lua_stop_reason::none) ctx.stop = reason;
  lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
  luaL_error(L, "%s", lua_stop_message(ctx.stop));
  std::abort();  // not reached: luaL_error does not return
}

namespace {

// The allocator of every sandboxed state: malloc, refused past the context's cap.
void* capped_alloc(void* ud, void* ptr, std::size_t osize, std::size_t nsize) {
  auto& ctx = *static_cast<lua_call_context*>(ud);
  std::size_t old = ptr != nullptr ? osize : 0;  // without a block, osize is a type tag
  if (nsize == 0) {
    std::free(ptr);
    ctx.memory_used_bytes -= old;
    return nullptr;
  }
  if (nsize > old && nsize - old > ctx.memory_cap_bytes - ctx.memory_used_bytes) {
    ctx.memory_refused = true;  // Lua collects garbage and retries once, then raises
    return nullptr;
  }
  if (nsize > old && nsize >= k_lua_checked_alloc_bytes && ctx.stop == lua_stop_reason::none) {
    // A failed allocation is the only way to stop a call from here: Lua raises a memory error,
    // and the recorded reason decides the outcome (the hook insists if the script catches it).
    if (ctx.cancel != nullptr && ctx.cancel->load(std::memory_order_relaxed))
      ctx.stop = lua_stop_reason::cancelled;
    else if (ctx.deadline_passed())
      ctx.stop = lua_stop_reason::timeout;
  }
  if (nsize > old && nsize >= k_lua_checked_alloc_bytes && ctx.stop != lua_stop_reason::none &&
      !ctx.closing)
    return nullptr;
  void* block = std::realloc(ptr, nsize);
  if (block == nullptr) {
    if (nsize <= old) return ptr;  // Lua assumes shrinking never fails
    ctx.memory_refused = true;
    return nullptr;
  }
  ctx.memory_used_bytes = ctx.memory_used_bytes - old + nsize;
  if (ctx.memory_used_bytes > ctx.memory_peak_bytes) ctx.memory_peak_bytes = ctx.memory_used_bytes;
  return block;
}

// What run_call needs, handed over as a light userdata.
struct call_plan {
  const lua_invocation* call = nullptr;
  const char* chunk_name = nullptr;
};

// Appends the function's results (from index `first` to the top) as one tab-separated line,
// unless they are all nil.
void append_results(lua_State* L, int first) {
  int top = lua_gettop(L);
  luaL_checkstack(L, 4, "too many results");
  bool any = false;
  for (int i = first; i <= top; ++i) any = any || !lua_isnil(L, i);
  if (!any) return;
  lua_call_context& ctx = context_of(L);
  for (int i = first; i <= top; ++i) {
    if (lua_istable(L, i)) {
      if (!push_json_encoded(L, i)) {
        lua_pop(L, 1);
        luaL_tolstring(L, i, nullptr);
      }
    } else {
      luaL_tolstring(L, i, nullptr);
    }
    std::size_t len = 0;
    const char* text = lua_tolstring(L, -1, &len);
    if ((i > first && !ctx.append_output("\t")) || !ctx.append_output({text, len}))
      raise_output_overflow(L);
    lua_pop(L, 1);
  }
  if (!ctx.append_output("\n")) raise_output_overflow(L);
}

void push_args(lua_State* L, const std::vector<lua_arg>& args) {
  luaL_checkstack(L, static_cast<int>(args.size()) + 1, "too many arguments");
  for (const lua_arg& arg : args) {
    if (const auto* i = std::get_if<int64_t>(&arg)) {
      lua_pushinteger(L, static_cast<lua_Integer>(*i));
    } else {
      const auto& s = std::get<std::string>(arg);
      lua_pushlstring(L, s.data(), s.size());
    }
  }
}

// The whole call, in protected mode. Stack on entry: the call_plan (light userdata).
int run_call(lua_State* L) {
  const auto& plan = *static_cast<const call_plan*>(lua_touserdata(L, 1));
  const lua_invocation& call = *plan.call;
  lua_settop(L, 0);
  open_sandbox_libs(L);
  if (call.request != nullptr) open_request_globals(L);

  if (luaL_loadbufferx(L, call.source.data(), call.source.size(), plan.chunk_name, "t") != LUA_OK)
    return lua_error(L);
  lua_call(L, 0, 0);  // the top level: defines the functions

  lua_pushglobaltable(L);
  lua_pushlstring(L, call.function_name.data(), call.function_name.size());
  lua_gettable(L, 1);
  if (!lua_isfunction(L, -1)) {
    lua_pushlstring(L, call.function_name.data(), call.function_name.size());
    return luaL_error(L, "no global function '%s' in the Lua source", lua_tostring(L, -1));
  }
  push_args(L, call.args);
  lua_call(L, static_cast<int>(call.args.size()), LUA_MULTRET);

  // Results start at index 2 (index 1 is the global table).
  if (lua_gettop(L) >= 3 && lua_isnil(L, 2) && !lua_isnil(L, 3)) {
    luaL_tolstring(L, 3, nullptr);  // `return nil, err`: the run failed with err
    return lua_error(L);
  }
  append_results(L, 2);
  return 0;
}

// The text of the error object on top of the stack, without running any of the script's code
// and without allocating inside Lua (this runs outside protected mode).
std::string error_text(lua_State* L) {
  char number[64];
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      std::size_t len = 0;
      const char* s = lua_tolstring(L, -1, &len);
      return std::string(s, len);
    }
    case LUA_TNUMBER:
      if (lua_isinteger(L, -1))
        std::snprintf(number, sizeof number, "%lld", static_cast<long long>(lua_tointeger(L, -1)));
      else
        std::snprintf(number, sizeof number, "%.14g", static_cast<double>(lua_tonumber(L, -1)));
      return number;
    default:
      return std::string("(error object is a ") + luaL_typename(L, -1) + " value)";
  }
}

std::string bytes_text(std::size_t n) { return std::to_string(n) + " bytes"; }

// Fills r.result and r.error from how the call ended. REQUIRES: r.result preset to failed.
void judge(const lua_call_context& ctx, int status, std::string message,
           const lua_invocation& call, const lua_sandbox_options& options,
           lua_invocation_result& r) {
  switch (ctx.stop) {
    case lua_stop_reason::timeout:
      r.result = run_result::timed_out;
      r.error = "timed out after " + std::to_string(call.timeout.count()) + " ms";
      return;
    case lua_stop_reason::instruction_budget:
      r.error = "instruction budget of " + std::to_string(options.instruction_budget) +
                " instructions exceeded";
      return;
    case lua_stop_reason::cancelled: r.error = "runner stopped"; return;
    case lua_stop_reason::none: break;
  }
  if (ctx.output_overflowed) {
    r.error = "output larger than " + bytes_text(call.output_limit_bytes);
  } else if (status == LUA_OK) {
    r.result = run_result::succeeded;
  } else if (status == LUA_ERRMEM ||
             (ctx.memory_refused && message.find("not enough memory") != std::string::npos)) {
    // The second case: the script caught the memory error and raised it again.
    r.error = "memory limit of " + bytes_text(options.memory_cap_bytes) + " exceeded";
  } else {
    r.error = std::move(message);
  }
}

struct syntax_plan {
  std::string_view source;
  const char* chunk_name = nullptr;
};

int load_only(lua_State* L) {
  const auto& plan = *static_cast<const syntax_plan*>(lua_touserdata(L, 1));
  if (luaL_loadbufferx(L, plan.source.data(), plan.source.size(), plan.chunk_name, "t") != LUA_OK)
    return lua_error(L);
  return 0;
}

}  // namespace

void raise_output_overflow(lua_State* L) {
  context_of(L).output_overflowed = true;
  luaL_error(L, "output limit exceeded");
  std::abort();  // not reached
}

lua_invocation_result invoke_lua(const lua_invocation& call, const lua_sandbox_options& options) {
  lua_invocation_result r;
  try {
    output_tail output{call.output_limit_bytes};
    lua_call_context ctx;
    ctx.memory_cap_bytes = options.memory_cap_bytes;
    ctx.instruction_budget = options.instruction_budget;
    ctx.allow_remote_hosts = options.allow_remote_hosts;
    ctx.cancel = call.cancel;
    ctx.request = call.request;
    ctx.output = &output;
    ctx.output_overflow_fails = call.output_overflow_fails;
    ctx.has_deadline = call.timeout.count() > 0;
    ctx.deadline = lua_call_context::clock::now() + call.timeout;
    std::string chunk_name =
        "=" + (call.function_name.empty() ? std::string("lua") : std::string(call.function_name)) +
        ".lua";
    call_plan plan{&call, chunk_name.c_str()};

    // Declared after ctx: the state is closed (finalizers run) while its context still lives.
    std::unique_ptr<lua_State, decltype(&lua_close)> state{lua_newstate(capped_alloc, &ctx),
                                                           &lua_close};
    lua_State* L = state.get();
    if (L == nullptr) {
      r.error = "cannot create a Lua state within " + bytes_text(options.memory_cap_bytes);
      return r;
    }
    lua_sethook(L, count_hook, LUA_MASKCOUNT, k_lua_hook_interval);
    lua_pushcfunction(L, run_call);  // a light C function and a light userdata: no allocation
    lua_pushlightuserdata(L, &plan);
    int status = lua_pcall(L, 1, 0, 0);
    judge(ctx, status, status == LUA_OK ? std::string() : error_text(L), call, options, r);

    // Finalizers (__gc) run at lua_close: stop any Lua code there at its first instruction.
    if (ctx.stop == lua_stop_reason::none) ctx.stop = lua_stop_reason::cancelled;
    ctx.closing = true;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    state.reset();

    r.output = output.str();
    r.output_truncated = output.truncated();
    r.memory_peak_bytes = ctx.memory_peak_bytes;
  } catch (const std::exception& e) {
    r.result = run_result::failed;
    r.error = std::string("lua executor error: ") + e.what();
  }
  return r;
}

status check_lua_syntax(std::string_view source, std::string_view function_name,
                        const lua_sandbox_options& options) {
  try {
    lua_call_context ctx;
    ctx.memory_cap_bytes = options.memory_cap_bytes;
    std::string chunk_name =
        "=" + (function_name.empty() ? std::string("lua") : std::string(function_name)) + ".lua";
    syntax_plan plan{source, chunk_name.c_str()};
    std::unique_ptr<lua_State, decltype(&lua_close)> state{lua_newstate(capped_alloc, &ctx),
                                                           &lua_close};
    lua_State* L = state.get();
    if (L == nullptr) return status::resource_exhausted("cannot create a Lua state");
    lua_pushcfunction(L, load_only);
    lua_pushlightuserdata(L, &plan);
    int result = lua_pcall(L, 1, 0, 0);
    if (result == LUA_OK) return {};
    if (result == LUA_ERRMEM)
      return status::resource_exhausted("memory limit of " +
                                        bytes_text(options.memory_cap_bytes) + " exceeded");
    return status::invalid_argument(error_text(L));
  } catch (const std::exception& e) {
    return status::internal(std::string("lua executor error: ") + e.what());
  }
}

}  // namespace mainspring
