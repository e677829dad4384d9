// The finished-job calls: get_job_log and get_job_details (Cronicle's lib/api/job.js).
//
// get_job_log serves a job's log as text/plain, as Cronicle serves its log file: here the run's
// recorded output, which is its last 64 KiB (k_max_output_tail_bytes; Cronicle keeps the whole
// file, with a header of its own). Like Cronicle, it reads `id` from the query only, answers a
// job with no log yet (in flight) "404 Not Found" "(No log file found.)\n", and `download`
// adds an attachment header. Cronicle's `t` token is not served: a key is always wanted.
// get_job_details answers a finished job's JSON, as get_job_status shows it (no `token`).
//
// Example:
//   GET /api/app/get_job_log?id=jemx7e5ogz00_2128431021211779072&api_key=...
//   -> 200 text/plain; charset=utf-8, the run's output
#include "http/cronicle/calls.h"
#include "http/cronicle/job_json.h"
#include "http/cronicle/validation.h"

namespace mainspring::http::cronicle {

namespace {

constexpr std::string_view k_log_type = "text/plain; charset=utf-8";
constexpr std::string_view k_no_log = "(No log file found.)\n";

http_response log_response(int status, std::string body) {
  http_response r{status, std::string(k_log_type), std::move(body), {}};
  r.headers.emplace_back("Access-Control-Allow-Origin", "*");
  return r;
}

}  // namespace

void get_job_log(scheduler_api& api, const state_ptr& s, call_args a) {
  const bool download = a.query.contains("download") && js_text(a.query["download"]) != "" &&
                        js_text(a.query["download"]) != "0";
  find_run(api, s, a.query, a.reply, "Failed to fetch job details: Job not found: ",
           [reply = a.reply, download](run_record run, event_info) {
             if (!run.finished()) return reply.send(log_response(404, std::string(k_no_log)));
             http_response r = log_response(200, run.output_tail);
             if (download)
               r.headers.emplace_back("Content-disposition", "attachment; filename=Cronicle-Job-Log-" +
                                                                 job_id_of(run.job_id, run.run_id) + ".txt");
             reply.send(std::move(r));
           });
}

void get_job_details(scheduler_api& api, const state_ptr& s, call_args a) {
  find_run(api, s, a.params, a.reply, "Failed to fetch job details: Job not found: ",
           [s, reply = a.reply](run_record run, event_info info) {
             // Cronicle stores a job's details once it is complete.
             if (!run.finished())
               return reply.send(failure({"job", "Failed to fetch job details: Job not found: " +
                                                     job_id_of(run.job_id, run.run_id)}));
             reply.send(success({{"job", job_json(run, info.event, info.timeout_ms, s->hostname,
                                                  to_unix_ms(now_ms()))}}));
           });
}

}  // namespace mainspring::http::cronicle
