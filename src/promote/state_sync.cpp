#include "promote/state_sync.hpp"

#include <map>

#include "core/error.hpp"
#include "git/ancestry.hpp"
#include "git/notes.hpp"
#include "git/remote_push.hpp"
#include "git/repository.hpp"
#include "git/tag_records.hpp"
#include "promote/promotion.hpp"

namespace pw::promote {
namespace {

using RefMap = std::map<std::string, std::string>;

// Every ref of the repository with its value, read once per fetch or push.
RefMap all_refs(const git::Repository& repository) {
  auto refs = git::list_refs(repository, "refs/");
  if (!refs)
    throw GitError(refs.error().message);
  RefMap out;
  for (auto& entry : refs.value())
    out[entry.name] = entry.value;
  return out;
}

std::string value_in(const RefMap& refs, const std::string& ref) {
  auto it = refs.find(ref);
  return it == refs.end() ? std::string() : it->second;
}

// The names in refs that start with prefix, in order.
std::vector<std::string> names_under(const RefMap& refs, const std::string& prefix) {
  std::vector<std::string> names;
  for (auto it = refs.lower_bound(prefix); it != refs.end() && it->first.starts_with(prefix); ++it)
    names.push_back(it->first);
  return names;
}

// The refs fetch and push exchange: each environment's state ref and history (with remote,
// also the history the remote has and this clone does not), and the notes.
std::vector<std::string> state_refs(const spec::Spec& spec, const RefMap& refs,
                                    std::string_view remote) {
  std::vector<std::string> out;
  for (const auto& environment : spec.environments) {
    out.push_back(state_ref(environment));
    const std::string prefix = history_prefix(environment.name);
    for (auto& name : names_under(refs, prefix))
      out.push_back(std::move(name));
    if (remote.empty())
      continue;
    const std::string tracked = git::tracking_ref(remote, prefix);
    for (const auto& name : names_under(refs, tracked)) {
      std::string local = prefix + name.substr(tracked.size());
      if (!refs.contains(local))
        out.push_back(std::move(local));
    }
  }
  out.emplace_back(git::k_notes_ref);
  return out;
}

void set_or_throw(const git::Repository& repository, const std::string& ref,
                  const std::string& value, const git::ExpectedRef& expected) {
  auto set = git::set_ref(repository, ref, value, expected, ref);
  if (!set)
    throw GitError("updating " + ref + " from the remote: " + set.error().message);
}

}  // namespace

AdoptReport fetch_state(const spec::Spec& spec, const git::Repository& repository,
                        std::string_view remote) {
  if (auto fetched = git::fetch_promotion_refs(repository, remote); !fetched)
    throw GitError(fetched.error().message);
  AdoptReport report;
  const RefMap refs = all_refs(repository);
  for (const auto& ref : state_refs(spec, refs, remote)) {
    const std::string theirs = value_in(refs, git::tracking_ref(remote, ref));
    const std::string ours = value_in(refs, ref);
    if (theirs.empty() || theirs == ours)
      continue;
    if (ours.empty()) {
      set_or_throw(repository, ref, theirs, git::ExpectedRef::absent());
      report.adopted.push_back(ref);
      continue;
    }
    if (ref == git::k_notes_ref) {
      if (git::value_or_throw(git::contains_commit(repository, theirs, ours))) {
        set_or_throw(repository, ref, theirs, git::ExpectedRef::at(ours));
        report.adopted.push_back(ref);
      } else if (!git::value_or_throw(git::contains_commit(repository, ours, theirs))) {
        report.kept.push_back(ref + ": diverged from " + std::string(remote) +
                              "'s (merge with 'git notes --ref=pipewright merge')");
      }
      continue;
    }
    report.kept.push_back(ref + ": differs from " + std::string(remote) +
                          "'s; 'pipewright push' will refuse until they agree");
  }
  return report;
}

std::vector<std::string> push_state(const spec::Spec& spec, const git::Repository& repository,
                                    std::string_view remote) {
  std::vector<git::PushRef> refs;
  const RefMap all = all_refs(repository);
  for (const auto& ref : state_refs(spec, all, {})) {
    const std::string local = value_in(all, ref);
    if (local.empty() || local == value_in(all, git::tracking_ref(remote, ref)))
      continue;
    refs.push_back(
        {ref, ref == git::k_notes_ref ? git::PushMode::fast_forward_only : git::PushMode::replace});
  }
  std::vector<std::string> pushed;
  if (refs.empty())
    return pushed;
  auto result = git::push_with_lease(repository, remote, refs);
  if (!result) {
    const git::PushFailure& failure = result.error();
    if (failure.kind == git::PushError::lease_conflict || failure.kind == git::PushError::rejected)
      throw Error(ExitCode::conflict, failure.message);
    throw GitError(failure.message);
  }
  for (const auto& ref : refs)
    pushed.push_back(ref.ref);
  return pushed;
}

}  // namespace pw::promote
