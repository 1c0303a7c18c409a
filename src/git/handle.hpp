#pragma once

#include <memory>

// Owning handles for libgit2 objects: a std::unique_ptr whose deleter calls the right
// git_*_free for the pointee's type. The libgit2 types are only declared here so that headers
// which hold a handle need not include <git2.h>.

struct git_blob;
struct git_commit;
struct git_config;
struct git_diff;
struct git_index;
struct git_object;
struct git_reference;
struct git_repository;
struct git_status_list;
struct git_tree;
struct git_tree_entry;
struct git_remote;
struct git_describe_result;
struct git_tag;
struct git_signature;
struct git_note;

namespace pw::git {

/// Frees a libgit2 object with its type's own free function (null is ignored, as libgit2 does).
struct Libgit2Free {
  void operator()(git_blob* blob) const noexcept;
  void operator()(git_commit* commit) const noexcept;
  void operator()(git_config* config) const noexcept;
  void operator()(git_diff* diff) const noexcept;
  void operator()(git_index* index) const noexcept;
  void operator()(git_object* object) const noexcept;
  void operator()(git_reference* reference) const noexcept;
  void operator()(git_repository* repository) const noexcept;
  void operator()(git_status_list* status_list) const noexcept;
  void operator()(git_tree* tree) const noexcept;
  void operator()(git_tree_entry* entry) const noexcept;
  void operator()(git_remote* remote) const noexcept;
  void operator()(git_describe_result* result) const noexcept;
  void operator()(git_tag* tag) const noexcept;
  void operator()(git_signature* signature) const noexcept;
  void operator()(git_note* note) const noexcept;
};

/// An owned libgit2 object of type T.
template <class T>
using Handle = std::unique_ptr<T, Libgit2Free>;

using BlobHandle = Handle<git_blob>;
using CommitHandle = Handle<git_commit>;
using ConfigHandle = Handle<git_config>;
using DiffHandle = Handle<git_diff>;
using IndexHandle = Handle<git_index>;
using ObjectHandle = Handle<git_object>;
using ReferenceHandle = Handle<git_reference>;
using RepositoryHandle = Handle<git_repository>;
using StatusListHandle = Handle<git_status_list>;
using TreeHandle = Handle<git_tree>;
using TreeEntryHandle = Handle<git_tree_entry>;
using RemoteHandle = Handle<git_remote>;
using DescribeResultHandle = Handle<git_describe_result>;
using TagHandle = Handle<git_tag>;
using SignatureHandle = Handle<git_signature>;
using NoteHandle = Handle<git_note>;

}  // namespace pw::git
