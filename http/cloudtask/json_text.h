// json_text: a Cloudtask answer's JSON text with its keys in the order the originals write them.
//
// The center writes Go structs with encoding/json: each struct's fields in declaration order
// (common/models JobBase, JobsAllocData, JobDataInfo, Server, Schedule; api ResponseImpl's
// content then data), and <, >, &, U+2028 and U+2029 in strings escaped (\u003c ...), control
// characters other than \n, \r and \t as \u00XX (the Go of Cloudtask's day has no \b or \f).
// cloudtask-web answers with Express's res.json, JSON.stringify of its objects in their keys'
// insertion order (its envelope code, message, data; a job as its JobInfo lists the fields; a
// log row as the center stored the agent's JobLog), nothing escaped beyond JSON's own.
// nlohmann's json keeps an object's keys sorted: these put them back in that order. A document
// the web read from MongoDB has its `_id` first (MongoDB stores it first). (The answers that echo
// a posted body keep its own order: web_echo.h.)
//
// Example:
//   reply.send({200, type, center_json_text(json{{"content", "request successed."}, {"data", d}}), {}});
//   web_json_text(json{{"code", 0}, {"message", "request successed."}, {"data", job}});
//   // {"code":0,"message":"request successed.","data":{"jobid":"399d...","name":...}}
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace mainspring::http::cloudtask {

// `body` as the center writes it: every object that is one of the center's structs (told by its
// keys: "filecode" a JobBase, "turnmode" a Schedule, ...) has its fields first in the struct's
// order, then any others sorted, as Go sorts a map's keys. Text that is not UTF-8 is written
// with U+FFFD.
std::string center_json_text(const nlohmann::json& body);

// `body` as cloudtask-web writes it: the same orders for the objects the web keeps (its
// envelope, a job, a rule, a log row, a log page), a document's `_id` first, no HTML escaping.
std::string web_json_text(const nlohmann::json& body);

}  // namespace mainspring::http::cloudtask
