#include "release/environment_state.hpp"

#include <git2/errors.h>
#include <git2/object.h>
#include <git2/oid.h>
#include <git2/refs.h>
#include <git2/tag.h>

#include <algorithm>
#include <array>
#include <memory>

#include "git/handle.hpp"
#include "registry/image_reference.hpp"

namespace pw::release {
namespace {

constexpr std::string_view k_none = "—";

std::string oid_hex(const git_oid* oid) {
  std::array<char, GIT_OID_HEXSZ + 1> buffer{};
  git_oid_tostr(buffer.data(), buffer.size(), oid);
  return buffer.data();
}

/// What a ref holds: the commit it peels to and, for a tag object, the tag's message.
struct RefContent {
  std::string commit;
  std::optional<std::string> tag_message;  ///< nullopt: the ref points straight at a commit
};

/// The content of ref_name, or nullopt when the ref does not exist.
Result<std::optional<RefContent>, git::GitFailure> read_ref(git_repository* repo,
                                                            const std::string& ref_name) {
  git_oid oid;
  const int rc = git_reference_name_to_id(&oid, repo, ref_name.c_str());
  if (rc == GIT_ENOTFOUND)
    return std::optional<RefContent>();
  if (rc < 0)
    return failure(git::last_git_failure("reading " + ref_name));
  git_object* raw = nullptr;
  if (git_object_lookup(&raw, repo, &oid, GIT_OBJECT_ANY) < 0)
    return failure(git::last_git_failure("reading the object " + ref_name + " points to"));
  const git::ObjectHandle object(raw);
  RefContent content;
  if (git_object_type(object.get()) == GIT_OBJECT_TAG) {
    const char* message = git_tag_message(reinterpret_cast<const git_tag*>(object.get()));
    content.tag_message = message != nullptr ? message : "";
  }
  git_object* peeled_raw = nullptr;
  if (git_object_peel(&peeled_raw, object.get(), GIT_OBJECT_COMMIT) < 0)
    return failure(git::last_git_failure(ref_name + " does not lead to a commit"));
  const git::ObjectHandle peeled(peeled_raw);
  content.commit = oid_hex(git_object_id(peeled.get()));
  return std::optional<RefContent>(std::move(content));
}

bool all_digits(std::string_view text) {
  return !text.empty() && text.size() <= 18 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Display width: UTF-8 code points (every character pipewright prints here is one column).
std::size_t width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

std::string or_none(const std::string& text) {
  return text.empty() ? std::string(k_none) : text;
}

std::string short_commit(const std::string& commit) {
  return commit.substr(0, 12);
}

/// Aligned columns, two spaces apart, without trailing spaces; each line ends in '\n'.
std::string render_table(const std::vector<std::vector<std::string>>& table) {
  std::vector<std::size_t> widths;
  for (const auto& row : table) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], width(row[i]));
  }
  std::string out;
  for (const auto& row : table) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size())
        line += std::string(widths[i] - width(row[i]) + 2, ' ');
    }
    out += line.substr(0, line.find_last_not_of(' ') + 1) + "\n";
  }
  return out;
}

nlohmann::json text_or_null(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

}  // namespace

std::string state_ref(std::string_view environment, const std::optional<std::string>& git_tag) {
  if (git_tag && !git_tag->empty())
    return "refs/tags/" + *git_tag;
  return "refs/pipewright/env/" + std::string(environment);
}

std::string history_prefix(std::string_view environment) {
  return "refs/pipewright/history/" + std::string(environment) + "/";
}

Result<EnvironmentState, git::GitFailure> read_environment_state(
    const git::Repository& repository, std::string_view environment,
    const std::optional<std::string>& git_tag) {
  EnvironmentState state;
  state.environment = std::string(environment);
  state.ref = state_ref(environment, git_tag);
  auto content = read_ref(repository.native(), state.ref);
  if (!content)
    return failure(content.error());
  if (!content.value())
    return state;
  state.commit = content.value()->commit;
  if (!content.value()->tag_message) {
    state.problem = state.ref + " points straight at a commit, not at a promotion record";
    return state;
  }
  auto record = git::parse_record(*content.value()->tag_message);
  if (!record) {
    state.problem = state.ref + ": " + record.error().message;
    return state;
  }
  state.record = std::move(record).value();
  return state;
}

Result<std::vector<HistoryEntry>, git::GitFailure> read_history(const git::Repository& repository,
                                                                std::string_view environment) {
  const std::string prefix = history_prefix(environment);
  git_reference_iterator* raw_iterator = nullptr;
  if (git_reference_iterator_glob_new(&raw_iterator, repository.native(), (prefix + "*").c_str()) <
      0) {
    return failure(git::last_git_failure("listing " + prefix + "*"));
  }
  const std::unique_ptr<git_reference_iterator, decltype(&git_reference_iterator_free)> iterator(
      raw_iterator, &git_reference_iterator_free);
  std::vector<std::string> names;
  const char* name = nullptr;
  int rc = 0;
  while ((rc = git_reference_next_name(&name, iterator.get())) == 0)
    names.emplace_back(name);
  if (rc != GIT_ITEROVER)
    return failure(git::last_git_failure("listing " + prefix + "*"));
  std::vector<HistoryEntry> entries;
  for (const std::string& ref : names) {
    const std::string_view seq = std::string_view(ref).substr(prefix.size());
    if (!all_digits(seq))
      return failure(git::GitFailure{"history ref " + ref + " is not named by a sequence number"});
    auto content = read_ref(repository.native(), ref);
    if (!content)
      return failure(content.error());
    if (!content.value() || !content.value()->tag_message)
      return failure(git::GitFailure{"history ref " + ref + " does not hold a tag object"});
    auto record = git::parse_record(*content.value()->tag_message);
    if (!record)
      return failure(git::GitFailure{"history ref " + ref + ": " + record.error().message});
    entries.push_back(HistoryEntry{std::stoull(std::string(seq)), ref, std::move(record).value()});
  }
  std::sort(entries.begin(), entries.end(),
            [](const HistoryEntry& a, const HistoryEntry& b) { return a.seq < b.seq; });
  return entries;
}

std::string format_tests_summary(const nlohmann::json& tests) {
  if (!tests.is_object() || !tests.contains("totals") || !tests["totals"].is_object())
    return {};
  const nlohmann::json& totals = tests["totals"];
  std::string text;
  if (totals.contains("jobs") && totals["jobs"].is_number_integer()) {
    const auto jobs = totals["jobs"].get<long long>();
    const auto passed = totals.value("passed", 0LL) + totals.value("cached", 0LL);
    text = std::to_string(passed) + "/" + std::to_string(jobs) + " jobs passed";
  }
  if (totals.contains("tests") && totals["tests"].is_object()) {
    const nlohmann::json& counts = totals["tests"];
    std::string part = std::to_string(counts.value("passed", 0LL)) + " tests passed";
    for (const auto& [key, label] : {std::pair<const char*, const char*>{"failures", "failed"},
                                     {"errors", "errors"},
                                     {"skipped", "skipped"}}) {
      const auto n = counts.value(key, 0LL);
      if (n != 0)
        part += ", " + std::to_string(n) + " " + label;
    }
    text += (text.empty() ? "" : ", ") + part;
  }
  return text;
}

std::string short_digest(std::string_view digest) {
  if (registry::is_sha256_digest(digest))
    return std::string(digest.substr(0, 7 + 12));
  return std::string(digest);
}

std::string render_status(const std::vector<StatusRow>& rows) {
  std::vector<std::vector<std::string>> table{
      {"ENVIRONMENT", "COMMIT", "DIGEST", "WHEN", "WHO", "FROM", "TESTS"}};
  for (const StatusRow& row : rows) {
    if (!row.record) {
      std::vector<std::string> cells{row.environment,     std::string(k_none), std::string(k_none),
                                     std::string(k_none), std::string(k_none), std::string(k_none),
                                     std::string(k_none)};
      if (!row.problem.empty())
        cells.back() = "(" + row.problem + ")";
      table.push_back(std::move(cells));
      continue;
    }
    const git::PromotionRecord& r = *row.record;
    table.push_back({row.environment, short_commit(r.commit), short_digest(r.digest), r.when, r.who,
                     or_none(r.from), or_none(format_tests_summary(row.tests))});
  }
  return render_table(table);
}

nlohmann::json status_json(const std::vector<StatusRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const StatusRow& row : rows) {
    nlohmann::json item = {{"environment", row.environment}};
    const git::PromotionRecord empty;
    const git::PromotionRecord& r = row.record ? *row.record : empty;
    item["commit"] = text_or_null(r.commit);
    item["digest"] = text_or_null(r.digest);
    item["previous_commit"] = text_or_null(r.previous_commit);
    item["when"] = text_or_null(r.when);
    item["who"] = text_or_null(r.who);
    item["from"] = text_or_null(r.from);
    item["run"] = text_or_null(r.run);
    item["tests"] = row.tests;
    item["problem"] = text_or_null(row.problem);
    out.push_back(std::move(item));
  }
  return out;
}

std::string render_history(std::string_view environment, const std::vector<HistoryEntry>& entries) {
  if (entries.empty())
    return "no promotions of " + std::string(environment) + " yet\n";
  std::vector<std::vector<std::string>> table{{"SEQ", "COMMIT", "DIGEST", "WHEN", "WHO", "FROM"}};
  for (const HistoryEntry& entry : entries) {
    const git::PromotionRecord& r = entry.record;
    table.push_back({std::to_string(entry.seq), short_commit(r.commit), short_digest(r.digest),
                     r.when, r.who, or_none(r.from)});
  }
  return render_table(table);
}

nlohmann::json history_json(std::string_view environment,
                            const std::vector<HistoryEntry>& entries) {
  nlohmann::json listed = nlohmann::json::array();
  for (const HistoryEntry& entry : entries) {
    const git::PromotionRecord& r = entry.record;
    listed.push_back({{"seq", entry.seq},
                      {"commit", r.commit},
                      {"digest", r.digest},
                      {"previous_commit", text_or_null(r.previous_commit)},
                      {"when", r.when},
                      {"who", r.who},
                      {"from", text_or_null(r.from)},
                      {"run", text_or_null(r.run)}});
  }
  return {{"environment", std::string(environment)}, {"entries", std::move(listed)}};
}

}  // namespace pw::release
