#include "executors/lua_sandbox.h"

#include <catch2/catch.hpp>

#include <lua.hpp>

#include <atomic>
#include <string>

#include "executors/lua_http.h"
#include "tests/support/http_sink.h"

using namespace mainspring;
using namespace std::chrono_literals;

namespace {

// Runs `function_name` of `source` with a generous deadline (a broken sandbox fails the test
// instead of hanging it).
lua_invocation_result run(std::string_view source, std::string_view function_name = "Main",
                          std::vector<lua_arg> args = {}, lua_sandbox_options options = {}) {
  lua_invocation call;
  call.source = source;
  call.function_name = function_name;
  call.args = std::move(args);
  call.timeout = 10s;
  return invoke_lua(call, options);
}

// The output of a call that must succeed.
std::string output_of(std::string_view source, std::vector<lua_arg> args = {}) {
  lua_invocation_result r = run(source, "Main", std::move(args));
  INFO("error: " << r.error);
  REQUIRE(r.result == run_result::succeeded);
  return r.output;
}

// Bytecode made by string.dump in an ordinary, unsandboxed Lua state.
std::string real_bytecode() {
  lua_State* L = luaL_newstate();
  luaL_openlibs(L);
  REQUIRE(luaL_dostring(L, "return string.dump(function() return 'escaped' end)") == LUA_OK);
  std::size_t len = 0;
  const char* s = lua_tolstring(L, -1, &len);
  std::string out(s, len);
  lua_close(L);
  return out;
}

}  // namespace

TEST_CASE("a call's prints and results make up its output", "[lua_sandbox]") {
  lua_invocation_result r = run(R"(
    function Main(a, b)
      print("hello", a, b)
      print(1.5, nil, true)
      return "done", 42, {x = 1}
    end)",
                                "Main", {std::string("A"), int64_t{7}});
  CHECK(r.result == run_result::succeeded);
  CHECK(r.error.empty());
  CHECK(r.output == "hello\tA\t7\n1.5\tnil\ttrue\ndone\t42\t{\"x\":1}\n");
}

TEST_CASE("a function that returns nothing or only nil adds no output line", "[lua_sandbox]") {
  CHECK(output_of("function Main() print('x') end") == "x\n");
  CHECK(output_of("function Main() return nil end").empty());
}

TEST_CASE("an error, a returned nil with a message and an odd error object fail the call",
          "[lua_sandbox]") {
  auto boom = run("function Main()\n  error('boom')\nend");
  CHECK(boom.result == run_result::failed);
  CHECK(boom.error == "Main.lua:2: boom");

  auto bad = run("function Main() print('before') return nil, 'bad' end");
  CHECK(bad.result == run_result::failed);
  CHECK(bad.error == "bad");
  CHECK(bad.output == "before\n");

  auto table = run("function Main() error({code = 1}) end");
  CHECK(table.result == run_result::failed);
  CHECK(table.error == "(error object is a table value)");
}

TEST_CASE("a missing function and a syntax error fail with a message", "[lua_sandbox]") {
  auto missing = run("function Other() end", "Hello");
  CHECK(missing.result == run_result::failed);
  CHECK(missing.error == "no global function 'Hello' in the Lua source");

  auto syntax = run("function Hello(\n", "Hello");
  CHECK(syntax.result == run_result::failed);
  CHECK(syntax.error.rfind("Hello.lua:", 0) == 0);

  CHECK(check_lua_syntax("function Hello() end", "Hello").ok());
  status st = check_lua_syntax("function Hello() en", "Hello");
  CHECK(st.code() == status_code::invalid_argument);
  CHECK(st.message().rfind("Hello.lua:1:", 0) == 0);
}

TEST_CASE("files, processes and the debug library are out of reach", "[lua_sandbox]") {
  CHECK(run("function Main() return io.open('/etc/passwd') end").error.find("'io'") !=
        std::string::npos);
  CHECK(run("function Main() return os.execute('touch /tmp/x') end").error.find("'execute'") !=
        std::string::npos);
  CHECK(run("function Main() debug.sethook() end").error.find("'debug'") != std::string::npos);
  CHECK(run("function Main() dofile('/etc/passwd') end").error.find("'dofile'") !=
        std::string::npos);
  CHECK(run("function Main() loadfile('/etc/passwd') end").error.find("'loadfile'") !=
        std::string::npos);
  CHECK(run("function Main() package.loadlib('libc.so.6', 'system') end")
            .error.find("'package'") != std::string::npos);
  CHECK(output_of(R"(function Main()
    return io == nil, debug == nil, package == nil, os.getenv == nil, os.exit == nil,
           os.remove == nil, os.rename == nil, os.tmpname == nil, os.setlocale == nil,
           warn == nil, type(os.time()), type(os.clock()), type(os.date('!%Y'))
  end)") == "true\ttrue\ttrue\ttrue\ttrue\ttrue\ttrue\ttrue\ttrue\ttrue\tnumber\tnumber\tstring\n");
}

TEST_CASE("require answers only the built-in modules", "[lua_sandbox]") {
  for (const char* name : {"os", "io", "debug", "package", "string", "socket", "./evil"}) {
    auto r = run(std::string("function Main() return require('") + name + "') end");
    CHECK(r.result == run_result::failed);
    CHECK(r.error.find(std::string("module '") + name + "' is not available") !=
          std::string::npos);
  }
  CHECK(output_of(R"(function Main()
    return type(require('json').encode), type(require('time').now), type(require('http').get)
  end)") == "function\tfunction\tfunction\n");
}

TEST_CASE("binary chunks are refused and string.dump is gone", "[lua_sandbox]") {
  CHECK(output_of("function Main() return string.dump == nil, ('').dump == nil end") ==
        "true\ttrue\n");
  std::string bytecode = real_bytecode();
  REQUIRE(bytecode.rfind("\x1bLua", 0) == 0);
  std::string out = output_of(R"(function Main(code)
    local f1, e1 = load(code)
    local f2, e2 = load(code, 'x', 'b')
    local f3, e3 = load(code, 'x', 'bt', {})
    return f1 == nil and f2 == nil and f3 == nil, e1
  end)",
                              {bytecode});
  CHECK(out.rfind("true\t", 0) == 0);
  CHECK(out.find("binary chunk") != std::string::npos);
  // Text still loads, with the sandbox's globals or a given environment.
  CHECK(output_of("function Main() return load('return 1 + 1')(), load('return x', 'c', 't', "
                  "{x = 5})() end") == "2\t5\n");
}

TEST_CASE("collectgarbage may collect and count but not stop the collector", "[lua_sandbox]") {
  CHECK(output_of("function Main() collectgarbage() return type(collectgarbage('count')) end") ==
        "number\n");
  auto r = run("function Main() collectgarbage('stop') end");
  CHECK(r.result == run_result::failed);
  CHECK(r.error.find("option 'stop' is not allowed") != std::string::npos);
}

TEST_CASE("an endless loop ends at the deadline, even inside pcall", "[lua_sandbox]") {
  for (const char* source :
       {"function Main() while true do end end",
        "function Main() while true do pcall(function() while true do end end) end end",
        "while true do end",
        "function Main() local co = coroutine.wrap(function() while true do end end) co() end"}) {
    lua_invocation call;
    call.source = source;
    call.function_name = "Main";
    call.timeout = 300ms;
    auto r = invoke_lua(call);
    INFO(source);
    CHECK(r.result == run_result::timed_out);
    CHECK(r.error == "timed out after 300 ms");
  }
}

TEST_CASE("the instruction budget and cancellation stop a call", "[lua_sandbox]") {
  lua_sandbox_options small;
  small.instruction_budget = 1'000'000;
  auto r = run("function Main() local i = 0 while true do i = i + 1 end end", "Main", {}, small);
  CHECK(r.result == run_result::failed);
  CHECK(r.error == "instruction budget of 1000000 instructions exceeded");

  std::atomic<bool> cancel{true};
  lua_invocation call;
  call.source = "function Main() while true do end end";
  call.function_name = "Main";
  call.cancel = &cancel;
  auto stopped = invoke_lua(call);
  CHECK(stopped.result == run_result::failed);
  CHECK(stopped.error == "runner stopped");
}

TEST_CASE("a memory bomb ends at the cap, also when the script catches the error",
          "[lua_sandbox]") {
  for (const char* source :
       {"function Main() local t = {} while true do t[#t+1] = string.rep('x', 1e6) end end",
        "function Main() local ok, e = pcall(string.rep, 'x', 1e9) error(e) end",
        "function Main() return string.rep('x', 1e8) end"}) {
    auto r = run(source);
    INFO(source);
    CHECK(r.result == run_result::failed);
    CHECK(r.error == "memory limit of 67108864 bytes exceeded");
    CHECK(r.memory_peak_bytes <= k_lua_memory_cap_bytes);
  }
  lua_sandbox_options small;
  small.memory_cap_bytes = 4 * 1024 * 1024;
  auto r = run("function Main() local t = {} for i = 1, 1e7 do t[i] = i end end", "Main", {},
               small);
  CHECK(r.error == "memory limit of 4194304 bytes exceeded");
}

TEST_CASE("finalizers, which run beyond the hook's reach, cannot be defined", "[lua_sandbox]") {
  auto refused = run(R"(function Main()
    setmetatable({}, {__gc = function() while true do end end})
  end)");
  CHECK(refused.result == run_result::failed);
  CHECK(refused.error.find("__gc metamethods are not allowed") != std::string::npos);

  // A __gc added afterwards marks nothing: the loop below never runs.
  auto late = run(R"(function Main()
    local mt = {}
    kept = setmetatable({}, mt)
    setmetatable({}, mt)
    mt.__gc = function() while true do end end
    collectgarbage()
    return getmetatable(kept) == mt
  end)");
  CHECK(late.result == run_result::succeeded);
  CHECK(late.output == "true\n");
}

TEST_CASE("json encodes and decodes a nested value and round-trips it", "[lua_sandbox]") {
  std::string out = output_of(R"(function Main()
    local json = require('json')
    local value = {name = "YM55", ids = {1, 2, 3}, ratio = 0.1, ok = true,
                   nested = {deeper = {text = 'a "quoted"\nline', empty = {}}}, big = 2^53}
    local text = assert(json.encode(value))
    local back = assert(json.decode(text))
    assert(back.name == "YM55" and #back.ids == 3 and back.ids[3] == 3)
    assert(back.ratio == 0.1 and back.ok == true and back.big == 2^53)
    assert(back.nested.deeper.text == 'a "quoted"\nline')
    assert(math.type(back.ids[1]) == 'integer')
    return json.encode({1, 'two', false}), json.encode('\1'), json.encode(12.5),
           json.encode(json.decode('"\\u00e9\\ud83d\\ude00"'))
  end)");
  CHECK(out == "[1,\"two\",false]\t\"\\u0001\"\t12.5\t\"\xc3\xa9\xf0\x9f\x98\x80\"\n");
}

TEST_CASE("json answers nil and a message for what it cannot do", "[lua_sandbox]") {
  std::string out = output_of(R"(function Main()
    local json = require('json')
    local cyclic = {} cyclic.self = cyclic
    local r = {}
    for _, v in ipairs({{json.encode(print)}, {json.encode(cyclic)}, {json.encode(0/0)},
                        {json.decode('{"a": }')}, {json.decode('[1, 2')},
                        {json.decode('1 2')}, {json.decode('')}}) do
      r[#r+1] = tostring(v[1] == nil) .. ':' .. v[2]
    end
    return table.concat(r, '|')
  end)");
  CHECK(out ==
        "true:json.encode: cannot encode a value of type function|"
        "true:json.encode: nesting deeper than 128 levels (a cycle?)|"
        "true:json.encode: cannot encode NaN or infinity|"
        "true:json.decode: unexpected character '}' at offset 6|"
        "true:json.decode: unexpected end of input|"
        "true:json.decode: unexpected character after the value at offset 2|"
        "true:json.decode: unexpected end of input\n");
}

TEST_CASE("the time module tells and formats the time", "[lua_sandbox]") {
  std::string out = output_of(R"(function Main()
    local time = require('time')
    return time.format(0), time.format(86400 * 365, '%Y'), math.type(time.unix()),
           time.unix() > 1.7e9, math.abs(time.now() - time.unix_ms() / 1000) < 5
  end)");
  CHECK(out == "1970-01-01T00:00:00Z\t1971\tinteger\ttrue\ttrue\n");
}

TEST_CASE("a func's request is visible through method, path, headers, query and body",
          "[lua_sandbox]") {
  lua_http_call request;
  request.method = "POST";
  request.path = "/YM55/Hello";
  request.body = "{\"n\": 3}";
  request.headers = {{"Content-Type", "application/json"}, {"X-A", "1"}, {"X-A", "2"}};
  request.query = {{"otp_code", "123456"}, {"k", "first"}, {"k", "second"}};
  lua_invocation call;
  call.source = R"(function Hello()
    local h, q = headers(), query()
    print(method(), path(), h['Content-Type'], h['X-A'], q.otp_code, q.k,
          require('json').decode(body()).n)
  end)";
  call.function_name = "Hello";
  call.request = &request;
  call.timeout = 10s;
  auto r = invoke_lua(call);
  INFO(r.error);
  CHECK(r.result == run_result::succeeded);
  CHECK(r.output == "POST\t/YM55/Hello\tapplication/json\t1, 2\t123456\tfirst\t3\n");
}

TEST_CASE("with output_overflow_fails, output past the limit fails the call", "[lua_sandbox]") {
  lua_invocation call;
  call.source = "function Main() for i = 1, 1000 do print(string.rep('x', 99)) end end";
  call.function_name = "Main";
  call.output_limit_bytes = 1000;
  call.output_overflow_fails = true;
  auto r = invoke_lua(call);
  CHECK(r.result == run_result::failed);
  CHECK(r.error == "output larger than 1000 bytes");
  CHECK(r.output.size() == 1000);

  call.output_overflow_fails = false;  // a job keeps the tail instead
  auto tail = invoke_lua(call);
  CHECK(tail.result == run_result::succeeded);
  CHECK(tail.output.size() == 1000);
  CHECK(tail.output_truncated);
}

TEST_CASE("the http module reaches a loopback server", "[lua_sandbox]") {
  http_sink sink;
  sink.set_response(201, "created");
  std::string out = output_of(R"(function Main(url)
    local http = require('http')
    local s1, b1 = http.get(url .. '/health?x=1')
    local s2, b2 = http.post(url .. '/hook', '{"a":1}', {['Content-Type'] = 'application/json'}, 5)
    return s1, b1, s2, b2
  end)",
                              {sink.url("")});
  CHECK(out == "201\tcreated\t201\tcreated\n");
  auto requests = sink.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].method == "GET");
  CHECK(requests[0].target == "/health?x=1");
  CHECK(requests[1].method == "POST");
  CHECK(requests[1].body == "{\"a\":1}");
  CHECK(requests[1].header("Content-Type") == "application/json");
}

TEST_CASE("the http module refuses hosts beyond loopback before connecting", "[lua_sandbox]") {
  std::string out = output_of(R"(function Main()
    local s, err = require('http').get('http://10.1.2.3/')
    return s == nil, err
  end)");
  CHECK(out ==
        "true\thttp: only loopback hosts (localhost, 127.0.0.0/8, [::1]) may be called from Lua, "
        "not '10.1.2.3'\n");
  for (const char* url :
       {"http://10.1.2.3/", "http://169.254.169.254/latest/meta-data/", "https://example.com/",
        "http://localhost.example.com/", "http://127.0.0.1.nip.io/", "http://[::ffff:10.1.2.3]/",
        "http://127.0.0.1@10.1.2.3/", "file:///etc/passwd", "gopher://127.0.0.1/", "not a url"}) {
    INFO(url);
    CHECK(check_lua_http_url(url, false).code() == status_code::invalid_argument);
  }
  for (const char* url : {"http://127.0.0.1:8080/x", "http://127.9.8.7/", "http://[::1]:80/",
                          "http://localhost/", "https://LOCALHOST:1/"}) {
    INFO(url);
    CHECK(check_lua_http_url(url, false).ok());
  }
  CHECK(check_lua_http_url("https://example.com/", true).ok());
  CHECK(check_lua_http_url("file:///etc/passwd", true).code() == status_code::invalid_argument);
}

TEST_CASE("an http call is cut by its own timeout or by the call's deadline", "[lua_sandbox]") {
  http_sink sink;
  sink.set_delay(3s);
  std::string out = output_of(R"(function Main(url)
    local status, err = require('http').get(url, 0.2)
    return tostring(status), err
  end)",
                              {sink.url("/slow")});
  CHECK(out == "nil\thttp: timed out after 200 ms\n");

  lua_invocation call;
  call.source = "function Main(url) require('http').get(url) end";
  call.function_name = "Main";
  call.args = {sink.url("/slow")};
  call.timeout = 300ms;
  auto r = invoke_lua(call);
  CHECK(r.result == run_result::timed_out);
  CHECK(r.error == "timed out after 300 ms");
}
