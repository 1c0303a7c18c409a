#include "hook/push_update.hpp"

#include <algorithm>
#include <sstream>

namespace pw::hook {
namespace {

bool is_hex_id(std::string_view text) {
  return (text.size() == 40 || text.size() == 64) &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::optional<std::string> strip(std::string_view text, std::string_view prefix) {
  if (text.size() <= prefix.size() || text.substr(0, prefix.size()) != prefix)
    return std::nullopt;
  return std::string(text.substr(prefix.size()));
}

}  // namespace

bool is_zero_sha(std::string_view sha) {
  return !sha.empty() && std::all_of(sha.begin(), sha.end(), [](char c) { return c == '0'; });
}

std::optional<std::vector<PushUpdate>> parse_push_lines(std::string_view text, std::string& error) {
  std::vector<PushUpdate> updates;
  std::size_t number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string line(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.empty())
      continue;
    std::istringstream in(line);
    PushUpdate update;
    std::string extra;
    if (!(in >> update.local_ref >> update.local_sha >> update.remote_ref >> update.remote_sha) ||
        (in >> extra) || !is_hex_id(update.local_sha) || !is_hex_id(update.remote_sha)) {
      error = "line " + std::to_string(number) +
              " of the pre-push input is not '<local ref> <local sha> <remote ref> <remote sha>'";
      return std::nullopt;
    }
    updates.push_back(std::move(update));
  }
  return updates;
}

std::optional<GitRefName> pushed_ref(const PushUpdate& update) {
  if (auto branch = strip(update.remote_ref, "refs/heads/"))
    return GitRefName{spec::RefKind::branch, *branch};
  if (auto tag = strip(update.remote_ref, "refs/tags/"))
    return GitRefName{spec::RefKind::tag, *tag};
  return std::nullopt;
}

}  // namespace pw::hook
