#include "spec/parse_sections.hpp"

namespace pw::spec {
namespace {

const std::vector<std::string> k_job_keys = {"image",    "host",  "run",     "needs",
                                             "services", "env",   "secrets", "timeout",
                                             "reports",  "paths", "workdir"};
const std::vector<std::string> k_report_keys = {"junit"};

void parse_reports(YamlReader& reader, const YAML::Node& node, const std::string& what, Job& job) {
  auto entries = reader.entries(node, what, k_report_keys);
  if (!entries)
    return;
  for (const auto& e : *entries) {
    for (auto& v : reader.string_list(e.value, "'junit' of " + what))
      job.junit.push_back(v.value);
  }
}

void parse_job_field(YamlReader& reader, const MapEntry& e, const std::string& what, Job& job) {
  const std::string field = "'" + e.key + "' of " + what;
  if (e.key == "image") {
    job.image = reader.located(e.value, field);
  } else if (e.key == "host") {
    if (reader.boolean(e.value, field).value_or(false))
      job.place = JobPlace::host;
  } else if (e.key == "run") {
    // Commands go to the shell verbatim: $VAR and ${VAR} there are the shell's business.
    if (auto v = reader.located(e.value, field, Expand::no))
      job.run = *v;
  } else if (e.key == "needs") {
    job.needs = reader.string_list(e.value, field, Expand::no);
  } else if (e.key == "services") {
    job.services = reader.string_list(e.value, field, Expand::no);
  } else if (e.key == "env") {
    job.env = reader.var_map(e.value, field, Expand::with_secrets);
  } else if (e.key == "secrets") {
    job.secrets = reader.string_list(e.value, field, Expand::no);
  } else if (e.key == "timeout") {
    if (auto d = reader.duration(e.value, field))
      job.timeout = *d;
  } else if (e.key == "reports") {
    parse_reports(reader, e.value, "'reports' of " + what, job);
  } else if (e.key == "paths") {
    job.paths = reader.string_list(e.value, field);
  } else if (e.key == "workdir") {
    job.workdir = reader.string(e.value, field);
  }
}

Job parse_job(YamlReader& reader, const std::string& name, SourcePos pos, const YAML::Node& node) {
  Job job;
  job.name = name;
  job.pos = pos;
  const std::string what = "job '" + name + "'";
  auto entries = reader.entries(node, what, k_job_keys);
  if (!entries)
    return job;
  reader.require(*entries, {"run"}, pos, what);
  for (const auto& e : *entries)
    parse_job_field(reader, e, what, job);
  if (job.image && job.place == JobPlace::host) {
    reader.error(job.image->pos, what + " has both 'image' and 'host: true'",
                 "a job runs either in a container of an image or on the host");
  } else if (!job.image && job.place == JobPlace::container) {
    reader.error(pos, what + " says neither 'image' nor 'host: true'",
                 "add 'image: <name of an image under images:>' or 'host: true'",
                 static_cast<int>(name.size()));
  }
  if (job.workdir && job.place == JobPlace::host) {
    reader.error(pos, what + " sets 'workdir', which only applies inside a container",
                 "host jobs run in the repository root", static_cast<int>(name.size()));
  }
  return job;
}

}  // namespace

std::vector<Job> parse_jobs(YamlReader& reader, const YAML::Node& node) {
  std::vector<Job> jobs;
  auto entries = reader.entries(node, "'jobs'", {});
  if (!entries)
    return jobs;
  for (const auto& e : *entries) {
    check_name(reader, e.key, e.key_pos, "job");
    jobs.push_back(parse_job(reader, e.key, e.key_pos, e.value));
  }
  return jobs;
}

}  // namespace pw::spec
