#include "ci/ci_context.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace pw::ci {
namespace {

// Longest value accepted from the CI (git refs are far shorter; this bounds output files).
constexpr std::size_t k_max_value = 1024;

bool has_control_character(std::string_view value) {
  return std::any_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

class Reader {
 public:
  explicit Reader(const spec::VarLookup& env) : env_(env) {}

  // The variable's value; empty when unset. Records a problem for unusable values.
  std::string get(std::string_view name) {
    auto value = env_(name);
    if (!value)
      return {};
    if (value->size() > k_max_value || has_control_character(*value)) {
      if (problem_.empty()) {
        problem_ = "$" + std::string(name) +
                   " holds a control character or is longer than 1024 bytes; refusing to use "
                   "it as a branch, tag or commit";
      }
      return {};
    }
    return *value;
  }
  bool is_true(std::string_view name) { return get(name) == "true"; }
  const std::string& problem() const { return problem_; }

 private:
  const spec::VarLookup& env_;
  std::string problem_;
};

bool is_hex_sha(std::string_view value) {
  return (value.size() == 40 || value.size() == 64) &&
         std::all_of(value.begin(), value.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_zero_sha(std::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) { return c == '0'; });
}

std::string digits_only(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c >= '0' && c <= '9')
      out += c;
  }
  return out;
}

void read_gitlab(Reader& env, CiContext& context) {
  context.system = CiSystem::gitlab;
  context.commit = env.get("CI_COMMIT_SHA");
  if (auto tag = env.get("CI_COMMIT_TAG"); !tag.empty()) {
    context.ref = GitRefName{spec::RefKind::tag, tag};
  } else if (auto branch = env.get("CI_COMMIT_BRANCH"); !branch.empty()) {
    context.ref = GitRefName{spec::RefKind::branch, branch};
  } else if (auto source = env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"); !source.empty()) {
    context.ref = GitRefName{spec::RefKind::branch, source};
  }
  if (auto iid = digits_only(env.get("CI_MERGE_REQUEST_IID")); !iid.empty()) {
    context.change_request =
        ChangeRequest{"!" + iid, env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"),
                      env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME")};
  }
  context.actor = env.get("GITLAB_USER_LOGIN");
  context.default_branch = env.get("CI_DEFAULT_BRANCH");
  context.before_commit = env.get("CI_COMMIT_BEFORE_SHA");
  context.diff_base = env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA");
  context.event = env.get("CI_PIPELINE_SOURCE");
  context.url = env.get("CI_PIPELINE_URL");
  context.manual = env.is_true("CI_JOB_MANUAL");
}

// refs/heads/X, refs/tags/X, refs/pull/N/merge (or /head).
Result<void, ContextError> read_github_ref(Reader& env, CiContext& context) {
  const std::string ref = env.get("GITHUB_REF");
  const std::string ref_name = env.get("GITHUB_REF_NAME");
  if (ref.rfind("refs/heads/", 0) == 0) {
    context.ref = GitRefName{spec::RefKind::branch, ref.substr(11)};
  } else if (ref.rfind("refs/tags/", 0) == 0) {
    context.ref = GitRefName{spec::RefKind::tag, ref.substr(10)};
  } else if (ref.rfind("refs/pull/", 0) == 0) {
    const std::string number = digits_only(ref.substr(10, ref.find('/', 10) - 10));
    const std::string head = env.get("GITHUB_HEAD_REF");
    context.change_request = ChangeRequest{"#" + number, head, env.get("GITHUB_BASE_REF")};
    if (!head.empty())
      context.ref = GitRefName{spec::RefKind::branch, head};
  } else if (!ref.empty()) {
    return failure(
        ContextError{"$GITHUB_REF is '" + ref +
                     "', neither a branch, a tag nor a pull request; pass --branch or --tag"});
  } else if (!ref_name.empty()) {
    const bool tag = env.get("GITHUB_REF_TYPE") == "tag";
    context.ref = GitRefName{tag ? spec::RefKind::tag : spec::RefKind::branch, ref_name};
  }
  return success();
}

// What the event file adds: the default branch and a push's previous tip. A file that does
// not parse adds nothing (the variables still decide the flow).
void read_github_event(std::string_view text, CiContext& context) {
  if (text.empty())
    return;
  const auto event = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!event.is_object())
    return;
  const auto string_at = [&](const nlohmann::json::json_pointer& at) -> std::string {
    if (!event.contains(at) || !event.at(at).is_string())
      return {};
    std::string value = event.at(at).get<std::string>();
    return value.size() > k_max_value || has_control_character(value) ? std::string() : value;
  };
  context.default_branch = string_at(nlohmann::json::json_pointer("/repository/default_branch"));
  context.before_commit = string_at(nlohmann::json::json_pointer("/before"));
  context.diff_base = string_at(nlohmann::json::json_pointer("/pull_request/base/sha"));
}

Result<void, ContextError> read_github(Reader& env, std::string_view event, CiContext& context) {
  context.system = CiSystem::github;
  context.commit = env.get("GITHUB_SHA");
  if (auto read = read_github_ref(env, context); !read)
    return failure(read.error());
  context.actor = env.get("GITHUB_ACTOR");
  context.event = env.get("GITHUB_EVENT_NAME");
  context.manual = context.event == "workflow_dispatch";
  const std::string server = env.get("GITHUB_SERVER_URL");
  const std::string repository = env.get("GITHUB_REPOSITORY");
  const std::string run = digits_only(env.get("GITHUB_RUN_ID"));
  if (!server.empty() && !repository.empty() && !run.empty())
    context.url = server + "/" + repository + "/actions/runs/" + run;
  read_github_event(event, context);
  return success();
}

}  // namespace

std::string_view system_name(CiSystem system) {
  switch (system) {
    case CiSystem::gitlab:
      return "gitlab";
    case CiSystem::github:
      return "github";
    case CiSystem::local:
      break;
  }
  return "local";
}

Result<CiContext, ContextError> detect_context(const spec::VarLookup& env,
                                               std::string_view github_event) {
  Reader reader(env);
  CiContext context;
  if (reader.is_true("GITLAB_CI")) {
    read_gitlab(reader, context);
  } else if (reader.is_true("GITHUB_ACTIONS")) {
    if (auto read = read_github(reader, github_event, context); !read)
      return failure(read.error());
  }
  if (!reader.problem().empty())
    return failure(ContextError{reader.problem()});
  if (!context.commit.empty() && !is_hex_sha(context.commit)) {
    return failure(ContextError{"the CI's commit '" + context.commit +
                                "' is not a full lowercase hex object id"});
  }
  if (!is_hex_sha(context.before_commit) || is_zero_sha(context.before_commit))
    context.before_commit.clear();
  if (!is_hex_sha(context.diff_base))
    context.diff_base.clear();
  return context;
}

std::string comparison_branch(const CiContext& context) {
  if (context.change_request && !context.change_request->target_branch.empty())
    return context.change_request->target_branch;
  if (context.default_branch.empty() || !context.ref ||
      context.ref->kind != spec::RefKind::branch || context.ref->name == context.default_branch) {
    return {};
  }
  return context.default_branch;
}

}  // namespace pw::ci
