#include "ci/github_commands.hpp"

#include <random>

namespace pw::ci::github {
namespace {

std::string escape(std::string_view text, bool property) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      case ':':
        out += property ? "%3A" : ":";
        break;
      case ',':
        out += property ? "%2C" : ",";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string escape_data(std::string_view text) {
  return escape(text, false);
}

std::string escape_property(std::string_view text) {
  return escape(text, true);
}

std::string error_annotation(const AnnotationPlace& place, std::string_view title,
                             std::string_view message) {
  std::string properties;
  const auto add = [&](std::string_view key, const std::string& value) {
    if (value.empty())
      return;
    properties += (properties.empty() ? " " : ",") + std::string(key) + "=" + value;
  };
  add("file", escape_property(place.file));
  if (place.line > 0)
    add("line", std::to_string(place.line));
  if (place.line > 0 && place.col > 0)
    add("col", std::to_string(place.col));
  add("title", escape_property(title));
  return "::error" + properties + "::" + escape_data(message);
}

std::string group_start(std::string_view title) {
  return "::group::" + escape_data(title);
}

std::string group_end() {
  return "::endgroup::";
}

std::string add_mask(std::string_view secret) {
  std::string out;
  std::size_t start = 0;
  while (start <= secret.size()) {
    std::size_t end = secret.find('\n', start);
    if (end == std::string_view::npos)
      end = secret.size();
    std::string_view line = secret.substr(start, end - start);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (!line.empty())
      out += (out.empty() ? "" : "\n") + std::string("::add-mask::") + escape_data(line);
    start = end + 1;
  }
  return out;
}

std::string random_token() {
  std::random_device device;  // libstdc++ reads the OS's random source (getrandom/urandom)
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 4; ++i) {
    unsigned int word = device();
    for (int j = 0; j < 8; ++j) {
      token += k_hex[word & 0xf];
      word >>= 4;
    }
  }
  return token;
}

std::string stop_commands(std::string_view token) {
  return "::stop-commands::" + std::string(token);
}

std::string resume_commands(std::string_view token) {
  return "::" + std::string(token) + "::";
}

std::string output_entry(std::string_view name, std::string_view value) {
  std::string delimiter;
  do {
    delimiter = "pipewright_" + random_token();
  } while (value.find(delimiter) != std::string_view::npos);
  return std::string(name) + "<<" + delimiter + "\n" + std::string(value) + "\n" + delimiter + "\n";
}

}  // namespace pw::ci::github

namespace pw::ci::github {

CommandWindow::CommandWindow() : token_(random_token()) {}

std::string CommandWindow::before_untrusted() {
  if (stopped_)
    return {};
  stopped_ = true;
  return stop_commands(token_);
}

std::string CommandWindow::before_command() {
  if (!stopped_)
    return {};
  stopped_ = false;
  return resume_commands(token_);
}

}  // namespace pw::ci::github
