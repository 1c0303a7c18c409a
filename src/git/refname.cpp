#include "git/refname.hpp"

#include <git2/tag.h>

#include <algorithm>
#include <string>

#include "git/libgit2_runtime.hpp"

namespace pw::git {
namespace {

constexpr std::string_view k_lock_suffix = ".lock";

bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

/// The first rule of git-check-ref-format (plus git tag's leading '-') that `name` breaks,
/// used only to explain a name libgit2 already rejected.
std::string explain(std::string_view name) {
  if (name.empty()) {
    return "is empty";
  }
  if (name.front() == '-') {
    return "starts with '-'";
  }
  for (const char c : name) {
    if (is_control(c)) {
      return "contains a control character";
    }
    if (c == ' ') {
      return "contains a space";
    }
  }
  for (const char c : std::string_view("~^:?*[\\")) {
    if (name.find(c) != std::string_view::npos) {
      return std::string("contains '") + c + "'";
    }
  }
  if (name.find("..") != std::string_view::npos) {
    return "contains '..'";
  }
  if (name.find("@{") != std::string_view::npos) {
    return "contains '@{'";
  }
  if (name.front() == '/') {
    return "starts with '/'";
  }
  if (name.back() == '/') {
    return "ends with '/'";
  }
  if (name.find("//") != std::string_view::npos) {
    return "contains '//'";
  }
  if (name.back() == '.') {
    return "ends with '.'";
  }
  // Per '/'-separated component: no leading '.', no ".lock" ending.
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t end = std::min(name.find('/', start), name.size());
    const std::string_view component = name.substr(start, end - start);
    if (!component.empty() && component.front() == '.') {
      return start == 0 ? "starts with '.'" : "has a path component starting with '.'";
    }
    if (component.ends_with(k_lock_suffix)) {
      return end == name.size() ? "ends with '.lock'" : "has a path component ending with '.lock'";
    }
    start = end + 1;
  }
  return "is not a valid git reference name";
}

}  // namespace

bool is_valid_tag_name(std::string_view name) {
  if (!ensure_libgit2()) {
    return false;
  }
  // libgit2 takes a C string: an embedded NUL would silently truncate the name.
  if (name.find('\0') != std::string_view::npos) {
    return false;
  }
  // The one gap between libgit2 1.5 and git: libgit2 rejects bytes up to ' ' but accepts DEL
  // (0x7f), which git-check-ref-format counts as a control character and refuses. A tag git
  // itself cannot read must not be written, so DEL is refused here (the unit test checks every
  // byte against `git check-ref-format`).
  if (name.find('\x7f') != std::string_view::npos) {
    return false;
  }
  const std::string terminated(name);
  int valid = 0;
  if (git_tag_name_is_valid(&valid, terminated.c_str()) < 0) {
    return false;
  }
  return valid != 0;
}

std::string tag_name_problem(std::string_view name) {
  if (is_valid_tag_name(name)) {
    return {};
  }
  return explain(name);
}

}  // namespace pw::git
