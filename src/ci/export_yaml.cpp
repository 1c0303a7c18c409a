#include "ci/export_yaml.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

namespace pw::ci {
namespace {

bool plain_char(char c, bool first) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
    return true;
  if (first)
    return false;
  return (c >= '0' && c <= '9') || c == '.' || c == '/' || c == '-' || c == '@';
}

// Words that YAML 1.1 (GitLab's reader) takes for booleans or null.
bool special_word(std::string_view text) {
  static constexpr std::array<std::string_view, 9> k_words = {"y",     "n",  "yes", "no",  "true",
                                                              "false", "on", "off", "null"};
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(k_words.begin(), k_words.end(), lower) != k_words.end();
}

bool printable(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u != 0x7f && u < 0x80;
  });
}

}  // namespace

void put_string(YAML::Emitter& out, std::string_view text) {
  bool plain = !text.empty() && !special_word(text);
  for (std::size_t i = 0; plain && i < text.size(); ++i)
    plain = plain_char(text[i], i == 0);
  if (plain)
    out << std::string(text);
  else if (printable(text))
    out << YAML::SingleQuoted << std::string(text);
  else
    out << YAML::DoubleQuoted << std::string(text);
}

void put_entry(YAML::Emitter& out, std::string_view key, std::string_view value) {
  out << YAML::Key;
  put_string(out, key);
  out << YAML::Value;
  put_string(out, value);
}

void put_list(YAML::Emitter& out, std::string_view key, const std::vector<std::string>& values) {
  out << YAML::Key;
  put_string(out, key);
  out << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& value : values)
    put_string(out, value);
  out << YAML::EndSeq;
}

std::string render_document(const std::vector<std::string>& header, const YAML::Emitter& out) {
  if (!out.good())
    throw std::logic_error("CI export produced invalid YAML: " + out.GetLastError());
  std::string text;
  for (const auto& line : header)
    text += line.empty() ? "#\n" : "# " + line + "\n";
  text += "\n";
  text += out.c_str();
  text += "\n";
  return text;
}

}  // namespace pw::ci
