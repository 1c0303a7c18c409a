#include "ci/ci_outcome.hpp"

#include <algorithm>
#include <cctype>

#include "util/duration.hpp"

namespace pw::ci {
namespace {

std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '|':
        out += "&#124;";
        break;
      case '`':
        out += "&#96;";
        break;
      case '\\':
        out += "&#92;";
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string code(std::string_view text) {
  return "<code>" + html_escape(text) + "</code>";
}

std::string ref_text(const CiContext& context) {
  if (!context.ref)
    return "(no branch or tag)";
  return std::string(context.ref->kind == spec::RefKind::tag ? "tag " : "branch ") +
         code(context.ref->name);
}

std::string status_mark(report::JobSummary::Status status) {
  using Status = report::JobSummary::Status;
  switch (status) {
    case Status::passed:
    case Status::cached:
      return "✅";
    case Status::failed:
    case Status::timed_out:
      return "❌";
    case Status::skipped:
    case Status::cancelled:
      break;
  }
  return "⏭️";
}

void jobs_table(const CiOutcome& outcome, std::string& out) {
  out += "\n| job | status | duration | tests | note |\n|---|---|---|---|---|\n";
  for (const auto& job : outcome.jobs) {
    out += "| " + code(job.name) + " | " + status_mark(job.status) + " " +
           std::string(report::status_text(job.status)) + " | " + format_duration(job.duration) +
           " | " + (job.tests ? report::format_test_counts(*job.tests) : "") + " | " +
           html_escape(job.note) + " |\n";
  }
}

}  // namespace

std::map<std::string, std::string> output_values(const CiOutcome& outcome) {
  std::map<std::string, std::string> values{{"flow", outcome.flow},
                                            {"commit", outcome.commit},
                                            {"run_id", outcome.run_id},
                                            {"junit", outcome.junit},
                                            {"image", outcome.image},
                                            {"digest", outcome.digest},
                                            {"environment", outcome.environment},
                                            {"exit_code", std::to_string(outcome.exit_code)}};
  std::erase_if(values, [](const auto& entry) { return entry.second.empty(); });
  return values;
}

std::map<std::string, std::string> dotenv_values(const CiOutcome& outcome) {
  std::map<std::string, std::string> values;
  for (const auto& [name, value] : output_values(outcome)) {
    std::string upper = "PIPEWRIGHT_" + name;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    values[upper] = value;
  }
  return values;
}

std::string step_summary_markdown(const CiOutcome& outcome) {
  std::string out = "### pipewright ci: ";
  out += outcome.flow.empty() ? "no flow" : "flow " + code(outcome.flow);
  out += " for " + ref_text(outcome.context);
  if (!outcome.commit.empty())
    out += " at " + code(outcome.commit.substr(0, 12));
  out += outcome.error.empty() ? " ✅ passed\n" : " ❌ failed\n";
  if (outcome.context.change_request)
    out += "\nChange request " + code(outcome.context.change_request->id) + "\n";
  if (!outcome.error.empty())
    out += "\n> " + html_escape(outcome.error) + "\n";
  if (!outcome.jobs.empty())
    jobs_table(outcome, out);
  if (!outcome.not_selected.empty()) {
    out += "\nNot selected (no changes under their paths):\n";
    for (const auto& line : outcome.not_selected)
      out += "- " + html_escape(line) + "\n";
  }
  if (outcome.tests)
    out += "\n**Tests:** " + report::format_test_counts(*outcome.tests) + "\n";
  if (!outcome.image.empty())
    out += "\n**Image:** " + code(outcome.image) + "\n";
  if (!outcome.environment.empty())
    out += "\n**Promoted to:** " + code(outcome.environment) + "\n";
  return out;
}

}  // namespace pw::ci
