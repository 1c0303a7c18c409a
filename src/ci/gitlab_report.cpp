#include "ci/gitlab_report.hpp"

#include <algorithm>

namespace pw::ci::gitlab {
namespace {

constexpr std::string_view k_erase_line = "\033[0K";

std::string section_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == '-';
    out += keep ? c : '_';
  }
  return out.empty() ? "section" : out;
}

std::string printable(std::string_view text) {
  std::string out(text);
  std::replace_if(
      out.begin(), out.end(),
      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }, ' ');
  return out;
}

bool valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool valid_value(std::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_.:/@+=-").find(c) != std::string_view::npos;
  });
}

}  // namespace

std::string section_start(std::int64_t unix_time, std::string_view name, std::string_view header,
                          bool collapsed) {
  return std::string(k_erase_line) + "section_start:" + std::to_string(unix_time) + ":" +
         section_name(name) + (collapsed ? "[collapsed=true]" : "") + "\r" +
         std::string(k_erase_line) + printable(header);
}

std::string section_end(std::int64_t unix_time, std::string_view name) {
  return std::string(k_erase_line) + "section_end:" + std::to_string(unix_time) + ":" +
         section_name(name) + "\r" + std::string(k_erase_line);
}

Result<std::string, DotenvError> dotenv(const std::map<std::string, std::string>& values) {
  std::string out;
  for (const auto& [name, value] : values) {
    if (!valid_name(name))
      return failure(DotenvError{"dotenv name '" + printable(name) + "' is not [A-Z0-9_]"});
    if (!valid_value(value)) {
      return failure(DotenvError{"the value of " + name +
                                 " has characters a GitLab dotenv report cannot carry safely"});
    }
    out += name + "=" + value + "\n";
  }
  return out;
}

}  // namespace pw::ci::gitlab
