#include "promote/state_sync.hpp"

#include <algorithm>
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

// Every ref of prefix with its value.
std::map<std::string, std::string> refs_under(const git::Repository& repository,
                                              std::string_view prefix) {
  auto refs = git::list_refs(repository, prefix);
  if (!refs)
    throw GitError(refs.error().message);
  std::map<std::string, std::string> out;
  for (auto& entry : refs.value())
    out[entry.name] = entry.value;
  return out;
}

std::string value_of(const git::Repository& repository, const std::string& ref) {
  const auto refs = refs_under(repository, ref);
  auto it = refs.find(ref);
  return it == refs.end() ? std::string() : it->second;
}

// The refs fetch and push exchange: each environment's state ref and history, and the notes.
std::vector<std::string> state_refs(const spec::Spec& spec, const git::Repository& repository,
                                    std::string_view remote) {
  std::vector<std::string> refs;
  for (const auto& environment : spec.environments) {
    refs.push_back(state_ref(environment));
    const std::string prefix = history_prefix(environment.name);
    for (const auto& [name, value] : refs_under(repository, prefix))
      refs.push_back(name);
    if (!remote.empty()) {
      // History the remote has and this clone does not.
      const std::string tracked = git::tracking_ref(remote, prefix);
      for (const auto& [name, value] : refs_under(repository, tracked)) {
        const std::string local = prefix + name.substr(tracked.size());
        if (std::find(refs.begin(), refs.end(), local) == refs.end())
          refs.push_back(local);
      }
    }
  }
  refs.emplace_back(git::k_notes_ref);
  return refs;
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
  for (const auto& ref : state_refs(spec, repository, remote)) {
    const std::string theirs = value_of(repository, git::tracking_ref(remote, ref));
    const std::string ours = value_of(repository, ref);
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
  for (const auto& ref : state_refs(spec, repository, {})) {
    const std::string local = value_of(repository, ref);
    if (local.empty() || local == value_of(repository, git::tracking_ref(remote, ref)))
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
