// run_report_json: the JSON body the reply hook receives after each run, as the original posts:
//   {"job_id":"1234ABC","group_name":"YM55","job_name":"Hello","run_id":"...",
//    "plan_time":1700000000,"exec_time":1700000000,"finish_time":1700000001,
//    "success":true,"error":"","status":"succeeded","code":200}
// Times are unix seconds as in the original; *_ms fields carry milliseconds beside them.
#pragma once

#include <string>

#include "core/run_record.h"

namespace mainspring {

std::string run_report_json(const run_record& run, const std::string& job_name);

}  // namespace mainspring
