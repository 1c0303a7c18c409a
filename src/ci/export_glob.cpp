#include "ci/export_glob.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "core/error.hpp"

namespace pw::ci {
namespace {

std::vector<std::string_view> segments(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = text.find('/', start);
    out.push_back(text.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos)
      return out;
    start = slash + 1;
  }
}

std::string hex_escape(unsigned char c) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
  return buffer;
}

bool is_control(unsigned char c) {
  return c < 0x20 || c == 0x7f;
}

// One character outside a class, as a regex literal.
std::string literal(char c) {
  static constexpr std::string_view k_special = "\\.+*?()|[]{}^$/";
  if (is_control(static_cast<unsigned char>(c)))
    return hex_escape(static_cast<unsigned char>(c));
  if (k_special.find(c) != std::string_view::npos)
    return std::string("\\") + c;
  return std::string(1, c);
}

// One character inside a class.
std::string class_member(char c) {
  static constexpr std::string_view k_special = "\\]^-[/";
  if (is_control(static_cast<unsigned char>(c)))
    return hex_escape(static_cast<unsigned char>(c));
  if (k_special.find(c) != std::string_view::npos)
    return std::string("\\") + c;
  return std::string(1, c);
}

std::string named_class(std::string_view name, std::string_view pattern) {
  if (name == "alpha")
    return "a-zA-Z";
  if (name == "digit")
    return "0-9";
  if (name == "alnum")
    return "a-zA-Z0-9";
  if (name == "upper")
    return "A-Z";
  if (name == "lower")
    return "a-z";
  if (name == "xdigit")
    return "0-9A-Fa-f";
  if (name == "space")
    return " \\t\\n\\r\\f\\x0b";
  if (name == "blank")
    return " \\t";
  if (name == "cntrl")
    return "\\x00-\\x1f\\x7f";
  if (name == "print")
    return " -~";
  if (name == "graph")
    return "!-~";
  if (name == "punct")
    return "!-\\/:-@\\[-`{-~";
  throw SpecError("cannot translate the character class [:" + std::string(name) +
                  ":] of pattern '" + std::string(pattern) + "' for CI export");
}

// A bracket expression starting at seg[i] == '['; nullopt when it is not closed (then
// fnmatch takes the '[' literally). On success i is just past the closing ']'.
std::optional<std::string> bracket(std::string_view seg, std::size_t& i, std::string_view pattern) {
  std::size_t j = i + 1;
  bool negated = false;
  if (j < seg.size() && (seg[j] == '!' || seg[j] == '^')) {
    negated = true;
    ++j;
  }
  std::string body;
  bool first = true;
  while (j < seg.size()) {
    char c = seg[j];
    if (c == ']' && !first) {
      i = j + 1;
      // A name segment never holds '/', so a negated class must not match it either.
      return negated ? "[^\\/" + body + "]" : "[" + body + "]";
    }
    first = false;
    if (c == '[' && j + 1 < seg.size() && seg[j + 1] == ':') {
      const std::size_t end = seg.find(":]", j + 2);
      if (end != std::string_view::npos) {
        body += named_class(seg.substr(j + 2, end - j - 2), pattern);
        j = end + 2;
        continue;
      }
    }
    if (c == '\\' && j + 1 < seg.size())
      c = seg[++j];
    body += class_member(c);
    ++j;
    if (j + 1 < seg.size() && seg[j] == '-' && seg[j + 1] != ']') {
      char last = seg[j + 1];
      j += 2;
      if (last == '\\' && j < seg.size())
        last = seg[j++];
      body += "-" + class_member(last);
    }
  }
  return std::nullopt;
}

std::string segment_regex(std::string_view seg, std::string_view pattern) {
  std::string out;
  for (std::size_t i = 0; i < seg.size();) {
    const char c = seg[i];
    if (c == '*') {
      out += "[^\\/]*";
      ++i;
    } else if (c == '?') {
      out += "[^\\/]";
      ++i;
    } else if (c == '[') {
      if (auto cls = bracket(seg, i, pattern)) {
        out += *cls;
      } else {
        out += literal(c);
        ++i;
      }
    } else if (c == '\\' && i + 1 < seg.size()) {
      out += literal(seg[i + 1]);
      i += 2;
    } else {
      out += literal(c);
      ++i;
    }
  }
  return out;
}

bool github_safe(std::string_view seg) {
  // Letters, digits, '.', '_', '-' and '*' mean the same to GitHub; '*' there, as here,
  // stays within a segment.
  return std::all_of(seg.begin(), seg.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == '*';
  });
}

}  // namespace

std::string glob_to_regex(std::string_view pattern) {
  const auto segs = segments(pattern);
  std::size_t first = 0;
  while (first < segs.size() && segs[first] == "**")
    ++first;
  if (first == segs.size())
    return "^.*$";
  // The name is matched one segment at a time: a leading "**" eats whole segments with their
  // slash, an inner "**" eats a slash and a segment as many times as it likes.
  std::string out = "^";
  if (first > 0)
    out += "([^\\/]*\\/)*";
  out += segment_regex(segs[first], pattern);
  for (std::size_t i = first + 1; i < segs.size(); ++i) {
    if (segs[i] == "**") {
      if (segs[i - 1] != "**")
        out += "(\\/[^\\/]*)*";
    } else {
      out += "\\/" + segment_regex(segs[i], pattern);
    }
  }
  return out + "$";
}

std::vector<std::string> glob_to_github_filters(std::string_view pattern) {
  const auto segs = segments(pattern);
  std::string prefix;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    if (segs[i] == "**") {
      // "a/**/…" also matches "a" itself (no segments): list the prefix alone too.
      if (i == 0)
        return {"**"};
      return {prefix + "/**", prefix};
    }
    if (i > 0)
      prefix += '/';
    prefix += github_safe(segs[i]) ? std::string(segs[i]) : std::string("*");
  }
  return {prefix};
}

}  // namespace pw::ci
