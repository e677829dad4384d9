// audit_log: ndscheduler's audit log entries, kept in Mainspring's audit entries.
//
// ndscheduler's add_audit_log stores, with each event, the job's name of the moment and a
// description: for `modified` the fields that changed as HTML ("<b>minute</b>: <font
// color=\"red\">*/5</font> => <font color=\"green\">*/20</font><br>"), for `deleted` the job's
// JSON (json.dumps of what GET /api/v1/jobs/{id} answered), for `custom_run` the execution id,
// none for the others. The dialect writes the name and the description into the detail of the
// audit entry its change makes (audit_detail); reading an entry (read_entry) takes them back, and
// still reads the entries written before descriptions were kept (the detail the name alone, or
// "<name>: 1 job(s)" for a delete; their description is "").
//
// Example:
//   origin.detail = audit_detail("nightly", modified_description(job_json(before), job_json(after)));
//   ...
//   logged_event e = read_entry(entry);  // e.job_name "nightly", e.description "<b>name</b>: ..."
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/audit_entry.h"

namespace mainspring::http::ndscheduler {

// The longest description kept; a longer one (a job with a very long pub_args) is cut, at a
// character's end.
inline constexpr std::size_t k_max_description_bytes = 64 * 1024;

// ndscheduler's _generate_description_for_modify: for each of name, job_class_string, pub_args,
// minute, hour, day, month, day_of_week whose value differs (Python's ==) between the two jobs
// (as job_json shows them), '<b>%s</b>: <font color="red">%s</font> => <font
// color="green">%s</font><br>' with the values as Python's %s prints them (pub_args as a list's
// repr: ['a', 2]). Nothing is HTML-escaped, as there. An interval job (the document's variant,
// which the released server has not) has no cron strings: a field only one of the jobs has shows
// as "" for the other, and its interval is compared too, as the item `interval` after them.
std::string modified_description(const nlohmann::ordered_json& old_job, const nlohmann::ordered_json& new_job);

// What ndscheduler's delete stores: json.dumps(job), `job` as GET /api/v1/jobs/{id} answered it.
std::string deleted_description(const nlohmann::ordered_json& job);

// The detail the dialect gives an edit's or a delete's audit entry: {"job_name", "description"}
// as JSON text (a delete's detail then gets ": 1 job(s)" added by the group).
std::string audit_detail(std::string_view job_name, std::string_view description);

// An audit entry as ndscheduler's log shows it.
struct logged_event {
  std::string job_name;  // the name the entry recorded; "" when it recorded none
  // What add_audit_log was given: the execution id for a run (`<job id>-<run id>`), null for an
  // add, a pause or a resume, the recorded text for a modify and a delete ("" for an entry that
  // kept none: an older one, or one made through another API).
  nlohmann::ordered_json description;
};

// The name and description `e` recorded. An add's detail is its name whatever the API; the
// other entries carry a name only when made through the ndscheduler API (pause and resume: the
// name; edit and delete: audit_detail's text, or the name alone in older entries).
logged_event read_entry(const audit_entry& e);

}  // namespace mainspring::http::ndscheduler
