#include "git/remote_push.hpp"

#include <git2/credential.h>
#include <git2/errors.h>
#include <git2/graph.h>
#include <git2/object.h>
#include <git2/oid.h>
#include <git2/refs.h>
#include <git2/remote.h>
#include <git2/strarray.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <utility>

#include "git/handle.hpp"
#include "git/libgit2_runtime.hpp"

namespace pw::git {
namespace {

constexpr std::string_view k_refs_prefix = "refs/";
/// libgit2 asks again after a refused credential (an agent with several keys, a wrong
/// token); past this many requests the same answer would only loop.
constexpr int k_credential_attempts = 3;

std::string oid_hex(const git_oid* oid) {
  char hex[GIT_OID_HEXSZ];
  git_oid_fmt(hex, oid);
  return std::string(hex, GIT_OID_HEXSZ);
}

struct CredentialState {
  int attempts = 0;
};

int provide_credentials(git_credential** out, const char* /*url*/, const char* username_from_url,
                        unsigned int allowed_types, void* payload) {
  auto* state = static_cast<CredentialState*>(payload);
  if (++state->attempts > k_credential_attempts) {
    git_error_set_str(GIT_ERROR_NET, "authentication failed (credentials refused)");
    return GIT_EAUTH;
  }
  const char* env_user = std::getenv("PIPEWRIGHT_GIT_USER");
  const char* token = std::getenv("PIPEWRIGHT_GIT_TOKEN");
  if ((allowed_types & GIT_CREDENTIAL_SSH_KEY) != 0) {
    return git_credential_ssh_key_from_agent(
        out, username_from_url != nullptr ? username_from_url : "git");
  }
  if ((allowed_types & GIT_CREDENTIAL_USERPASS_PLAINTEXT) != 0 && token != nullptr &&
      *token != '\0') {
    const char* user = (env_user != nullptr && *env_user != '\0') ? env_user : "oauth2";
    return git_credential_userpass_plaintext_new(out, user, token);
  }
  if ((allowed_types & GIT_CREDENTIAL_USERNAME) != 0) {
    return git_credential_username_new(out,
                                       username_from_url != nullptr ? username_from_url : "git");
  }
  git_error_set_str(GIT_ERROR_NET,
                    "the remote needs credentials: run an SSH agent for ssh remotes, or set "
                    "PIPEWRIGHT_GIT_TOKEN (and PIPEWRIGHT_GIT_USER) for https remotes");
  return GIT_EAUTH;
}

Result<RemoteHandle, GitFailure> lookup_remote(const Repository& repository,
                                               std::string_view name) {
  if (auto init = ensure_libgit2(); !init) {
    return failure(init.error());
  }
  const std::string text(name);
  // The name becomes part of a ref name (the tracking refs): only names git accepts.
  int valid = 0;
  if (git_remote_name_is_valid(&valid, text.c_str()) < 0 || valid == 0) {
    return failure(GitFailure{"'" + text + "' is not a valid remote name"});
  }
  git_remote* raw = nullptr;
  const int rc = git_remote_lookup(&raw, repository.native(), text.c_str());
  RemoteHandle remote(raw);
  if (rc == GIT_ENOTFOUND) {
    return failure(
        GitFailure{"no remote named '" + text + "' in " + repository.git_dir().string()});
  }
  if (rc < 0) {
    return failure(last_git_failure("looking up remote " + text));
  }
  return remote;
}

std::optional<std::string> read_ref(git_repository* repo, const std::string& name) {
  git_oid oid;
  if (git_reference_name_to_id(&oid, repo, name.c_str()) < 0) {
    git_error_clear();
    return std::nullopt;
  }
  return oid_hex(&oid);
}

/// How a lease message names a ref value: "nothing", or the commit it peels to when this
/// repository has the object.
std::string describe(git_repository* repo, const std::optional<std::string>& value) {
  if (!value) {
    return "nothing";
  }
  git_oid oid;
  git_object* raw = nullptr;
  if (git_oid_fromstr(&oid, value->c_str()) < 0 ||
      git_object_lookup(&raw, repo, &oid, GIT_OBJECT_ANY) < 0) {
    git_error_clear();
    return *value + " (not fetched)";
  }
  const ObjectHandle object(raw);
  git_object* peeled_raw = nullptr;
  if (git_object_type(object.get()) != GIT_OBJECT_TAG ||
      git_object_peel(&peeled_raw, object.get(), GIT_OBJECT_COMMIT) < 0) {
    git_error_clear();
    return *value;
  }
  const ObjectHandle peeled(peeled_raw);
  return "commit " + oid_hex(git_object_id(peeled.get())) + " (tag object " + value->substr(0, 12) +
         ")";
}

/// What push_with_lease's callbacks see and record.
struct PushState {
  CredentialState credentials;
  std::map<std::string, std::optional<std::string>> leased;    ///< remote ref → leased value
  std::map<std::string, std::optional<std::string>> statuses;  ///< remote ref → rejection
  std::string negotiation_problem;
};

/// Last line of defence: the old values libgit2 is about to send must be the leased ones (they
/// come from the same listing, so a mismatch is a bug in this file, not a race).
int check_negotiation(const git_push_update** updates, size_t count, void* payload) {
  auto* state = static_cast<PushState*>(payload);
  for (size_t i = 0; i < count; ++i) {
    const git_push_update* update = updates[i];
    const auto leased = state->leased.find(update->dst_refname);
    const std::optional<std::string> old =
        git_oid_is_zero(&update->src) ? std::nullopt : std::optional(oid_hex(&update->src));
    if (leased == state->leased.end() || leased->second != old) {
      state->negotiation_problem = std::string("the push of ") + update->dst_refname +
                                   " would not be checked against the lease";
      git_error_set_str(GIT_ERROR_NET, state->negotiation_problem.c_str());
      return -1;
    }
  }
  return 0;
}

int record_status(const char* refname, const char* status, void* payload) {
  auto* state = static_cast<PushState*>(payload);
  state->statuses[refname] = status != nullptr ? std::optional<std::string>(status) : std::nullopt;
  return 0;
}

/// Disconnects on every path out of push_with_lease.
struct Connection {
  git_remote* remote;
  ~Connection() { git_remote_disconnect(remote); }
};

PushFailure push_failed(GitFailure failure) {
  return PushFailure{PushError::failed, std::move(failure.message)};
}

}  // namespace

std::string tracking_ref(std::string_view remote, std::string_view ref) {
  std::string_view rest = ref;
  if (rest.substr(0, k_refs_prefix.size()) == k_refs_prefix) {
    rest.remove_prefix(k_refs_prefix.size());
  }
  return "refs/pipewright/remote/" + std::string(remote) + "/" + std::string(rest);
}

bool has_remote(const Repository& repository, std::string_view remote) {
  return static_cast<bool>(lookup_remote(repository, remote));
}

Result<void, GitFailure> fetch_promotion_refs(const Repository& repository,
                                              std::string_view remote_name,
                                              std::string_view notes_ref) {
  auto remote = lookup_remote(repository, remote_name);
  if (!remote) {
    return failure(std::move(remote).error());
  }
  const std::string tags_spec = "+refs/tags/*:" + tracking_ref(remote_name, "refs/tags/*");
  const std::string notes_spec =
      "+" + std::string(notes_ref) + ":" + tracking_ref(remote_name, notes_ref);
  // Environments without a git tag, and every environment's history.
  const std::string env_spec =
      "+refs/pipewright/env/*:" + tracking_ref(remote_name, "refs/pipewright/env/*");
  const std::string history_spec =
      "+refs/pipewright/history/*:" + tracking_ref(remote_name, "refs/pipewright/history/*");
  char* specs[] = {const_cast<char*>(tags_spec.c_str()), const_cast<char*>(notes_spec.c_str()),
                   const_cast<char*>(env_spec.c_str()), const_cast<char*>(history_spec.c_str())};
  const git_strarray refspecs{specs, 4};

  CredentialState credentials;
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  options.callbacks.credentials = provide_credentials;
  options.callbacks.payload = &credentials;
  // Prune: a tag deleted on the remote must read as absent, or a later lease would expect it.
  options.prune = GIT_FETCH_PRUNE;
  // No automatic tag following: local refs/tags/* are the local promotion state and change
  // only through move_tag.
  options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  options.update_fetchhead = 0;
  if (git_remote_fetch(remote.value().get(), &refspecs, &options,
                       "pipewright: fetch promotion refs") < 0) {
    return failure(last_git_failure("fetching tags, " + std::string(notes_ref) +
                                    " and refs/pipewright/* from " + std::string(remote_name)));
  }
  return success();
}

Result<void, PushFailure> push_with_lease(const Repository& repository,
                                          std::string_view remote_name,
                                          const std::vector<PushRef>& refs) {
  auto remote = lookup_remote(repository, remote_name);
  if (!remote) {
    return failure(push_failed(std::move(remote).error()));
  }
  const std::string where = std::string(remote_name);
  git_repository* repo = repository.native();

  std::vector<std::string> spec_texts;
  std::map<std::string, std::string> local_values;
  for (const PushRef& ref : refs) {
    const std::optional<std::string> local = read_ref(repo, ref.ref);
    if (!local) {
      return failure(push_failed(GitFailure{"pushing to " + where + ": " + ref.ref +
                                            " does not exist in this repository"}));
    }
    local_values[ref.ref] = *local;
    spec_texts.push_back((ref.mode == PushMode::replace ? "+" : "") + ref.ref + ":" + ref.ref);
  }

  PushState state;
  git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
  callbacks.credentials = [](git_credential** out, const char* url, const char* user,
                             unsigned int allowed, void* payload) {
    return provide_credentials(out, url, user, allowed,
                               &static_cast<PushState*>(payload)->credentials);
  };
  callbacks.push_negotiation = check_negotiation;
  callbacks.push_update_reference = record_status;
  callbacks.payload = &state;

  if (git_remote_connect(remote.value().get(), GIT_DIRECTION_PUSH, &callbacks, nullptr, nullptr) <
      0) {
    return failure(push_failed(last_git_failure("connecting to " + where + " to push")));
  }
  const Connection connection{remote.value().get()};

  // The lease: what the remote holds now, listed on this connection, must be what we fetched.
  const git_remote_head** heads = nullptr;
  size_t head_count = 0;
  if (git_remote_ls(&heads, &head_count, remote.value().get()) < 0) {
    return failure(push_failed(last_git_failure("listing the refs of " + where)));
  }
  std::map<std::string, std::string> remote_values;
  for (size_t i = 0; i < head_count; ++i) {
    remote_values[heads[i]->name] = oid_hex(&heads[i]->oid);
  }
  std::string moved;
  for (const PushRef& ref : refs) {
    const auto found = remote_values.find(ref.ref);
    const std::optional<std::string> now =
        found == remote_values.end() ? std::nullopt : std::optional(found->second);
    const std::optional<std::string> fetched = read_ref(repo, tracking_ref(remote_name, ref.ref));
    if (now != fetched) {
      moved += (moved.empty() ? "" : "; ") + ref.ref + " moved from " + describe(repo, fetched) +
               " to " + describe(repo, now);
    }
    state.leased[ref.ref] = now;
  }
  if (!moved.empty()) {
    return failure(PushFailure{PushError::lease_conflict,
                               "the remote " + where + " changed since it was last fetched: " +
                                   moved + "; nothing was pushed (fetch, check and retry)"});
  }

  // libgit2 refuses a non-fast-forward itself, but without naming the ref: check first.
  std::string behind;
  for (const PushRef& ref : refs) {
    const std::optional<std::string>& now = state.leased[ref.ref];
    if (ref.mode != PushMode::fast_forward_only || !now || *now == local_values[ref.ref]) {
      continue;
    }
    git_oid local_oid;
    git_oid remote_oid;
    git_oid_fromstr(&local_oid, local_values[ref.ref].c_str());
    git_oid_fromstr(&remote_oid, now->c_str());
    if (git_graph_descendant_of(repo, &local_oid, &remote_oid) != 1) {
      git_error_clear();
      behind += (behind.empty() ? "" : "; ") + ref.ref + " (remote " + now->substr(0, 12) +
                " is not an ancestor of local " + local_values[ref.ref].substr(0, 12) + ")";
    }
  }
  if (!behind.empty()) {
    return failure(PushFailure{PushError::rejected,
                               "not a fast-forward of the remote " + where + ": " + behind +
                                   "; nothing was pushed (merge the remote's notes first)"});
  }

  std::vector<char*> spec_pointers;
  for (std::string& text : spec_texts) {
    spec_pointers.push_back(text.data());
  }
  const git_strarray refspecs{spec_pointers.data(), spec_pointers.size()};
  git_push_options options = GIT_PUSH_OPTIONS_INIT;
  options.callbacks = callbacks;
  if (git_remote_upload(remote.value().get(), &refspecs, &options) < 0) {
    if (!state.negotiation_problem.empty()) {
      return failure(
          push_failed(GitFailure{"pushing to " + where + ": " + state.negotiation_problem}));
    }
    return failure(push_failed(last_git_failure("pushing to " + where)));
  }

  // A zero return says only that the exchange completed; each ref's fate is in its status.
  std::string rejected;
  for (const PushRef& ref : refs) {
    const auto status = state.statuses.find(ref.ref);
    if (status == state.statuses.end()) {
      if (state.leased[ref.ref] == local_values[ref.ref]) {
        continue;  // already up to date: nothing was sent for it
      }
      rejected += (rejected.empty() ? "" : "; ") + ref.ref + ": no status reported";
    } else if (status->second) {
      rejected += (rejected.empty() ? "" : "; ") + ref.ref + ": " + *status->second;
    }
  }
  // Refs that did go through are recorded even when others failed: the next lease must expect
  // what the remote now holds.
  for (const PushRef& ref : refs) {
    const auto status = state.statuses.find(ref.ref);
    const bool accepted = status == state.statuses.end()
                              ? state.leased[ref.ref] == local_values[ref.ref]
                              : !status->second.has_value();
    if (!accepted) {
      continue;
    }
    git_oid oid;
    git_oid_fromstr(&oid, local_values[ref.ref].c_str());
    git_reference* raw = nullptr;
    const std::string tracking = tracking_ref(remote_name, ref.ref);
    if (git_reference_create(&raw, repo, tracking.c_str(), &oid, 1, "pipewright: pushed") < 0) {
      return failure(
          push_failed(last_git_failure("pushed to " + where + " but updating " + tracking)));
    }
    const ReferenceHandle updated(raw);
  }
  if (!rejected.empty()) {
    return failure(
        PushFailure{PushError::rejected, "the remote " + where + " rejected " + rejected});
  }
  return success();
}

}  // namespace pw::git
