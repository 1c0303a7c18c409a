#include "git/handle.hpp"

#include <git2/blob.h>
#include <git2/commit.h>
#include <git2/config.h>
#include <git2/describe.h>
#include <git2/diff.h>
#include <git2/index.h>
#include <git2/notes.h>
#include <git2/object.h>
#include <git2/refs.h>
#include <git2/remote.h>
#include <git2/repository.h>
#include <git2/signature.h>
#include <git2/status.h>
#include <git2/tag.h>
#include <git2/tree.h>

namespace pw::git {

void Libgit2Free::operator()(git_blob* blob) const noexcept {
  git_blob_free(blob);
}
void Libgit2Free::operator()(git_commit* commit) const noexcept {
  git_commit_free(commit);
}
void Libgit2Free::operator()(git_config* config) const noexcept {
  git_config_free(config);
}
void Libgit2Free::operator()(git_diff* diff) const noexcept {
  git_diff_free(diff);
}
void Libgit2Free::operator()(git_index* index) const noexcept {
  git_index_free(index);
}
void Libgit2Free::operator()(git_object* object) const noexcept {
  git_object_free(object);
}
void Libgit2Free::operator()(git_reference* reference) const noexcept {
  git_reference_free(reference);
}
void Libgit2Free::operator()(git_repository* repository) const noexcept {
  git_repository_free(repository);
}
void Libgit2Free::operator()(git_status_list* status_list) const noexcept {
  git_status_list_free(status_list);
}
void Libgit2Free::operator()(git_tree* tree) const noexcept {
  git_tree_free(tree);
}
void Libgit2Free::operator()(git_tree_entry* entry) const noexcept {
  git_tree_entry_free(entry);
}

void Libgit2Free::operator()(git_remote* remote) const noexcept {
  git_remote_free(remote);
}

void Libgit2Free::operator()(git_describe_result* result) const noexcept {
  git_describe_result_free(result);
}

void Libgit2Free::operator()(git_tag* tag) const noexcept {
  git_tag_free(tag);
}

void Libgit2Free::operator()(git_signature* signature) const noexcept {
  git_signature_free(signature);
}

void Libgit2Free::operator()(git_note* note) const noexcept {
  git_note_free(note);
}

}  // namespace pw::git
