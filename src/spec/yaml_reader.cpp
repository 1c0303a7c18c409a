#include "spec/yaml_reader.hpp"

#include <algorithm>

#include "util/duration.hpp"
#include "util/edit_distance.hpp"

namespace pw::spec {
namespace {

std::vector<std::string_view> split_lines(const std::string& source) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= source.size()) {
    std::size_t nl = source.find('\n', start);
    if (nl == std::string::npos) nl = source.size();
    lines.emplace_back(source.data() + start, nl - start);
    start = nl + 1;
  }
  return lines;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

constexpr std::string_view k_merge_key = "<<";

}  // namespace

std::string describe_node(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a sequence";
    case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Undefined: return "nothing";
  }
  return "nothing";
}

YamlReader::YamlReader(Diagnostics& diagnostics, const std::string& source, VarLookup lookup)
    : diagnostics_(diagnostics), lines_(split_lines(source)), lookup_(std::move(lookup)) {}

bool YamlReader::starts_with_quote(SourcePos p) const {
  if (p.line <= 0 || static_cast<std::size_t>(p.line) > lines_.size()) return false;
  const std::string_view line = lines_[static_cast<std::size_t>(p.line - 1)];
  const std::size_t col = static_cast<std::size_t>(p.col - 1);
  return col < line.size() && (line[col] == '"' || line[col] == '\'');
}

SourcePos YamlReader::pos(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {};
  SourcePos p{mark.line + 1, mark.column + 1};
  // Point at a quoted scalar's text, not at its opening quote.
  if (node.IsScalar() && starts_with_quote(p)) ++p.col;
  return p;
}

int YamlReader::span_of(const YAML::Node& node) const {
  if (!node.IsScalar()) return 1;
  const SourcePos p = pos(node);
  if (p.line <= 0 || static_cast<std::size_t>(p.line) > lines_.size()) return 1;
  const std::string_view line = lines_[static_cast<std::size_t>(p.line - 1)];
  const std::size_t col = static_cast<std::size_t>(p.col - 1);
  if (col >= line.size()) return 1;
  return static_cast<int>(std::clamp<std::size_t>(node.Scalar().size(), 1, line.size() - col));
}

void YamlReader::error(const YAML::Node& node, std::string message, std::string hint) {
  diagnostics_.error(pos(node), std::move(message), std::move(hint), span_of(node));
}

void YamlReader::error(SourcePos p, std::string message, std::string hint, int span) {
  diagnostics_.error(p, std::move(message), std::move(hint), span);
}

bool YamlReader::merge_into(std::vector<MapEntry>& out, const YAML::Node& merged,
                            const std::string& what) {
  // "<<: *defaults" or "<<: [*a, *b]": keys written explicitly win over merged ones.
  std::vector<YAML::Node> sources;
  if (merged.IsMap()) {
    sources.push_back(merged);
  } else if (merged.IsSequence()) {
    for (const auto& item : merged) sources.push_back(item);
  }
  for (const auto& source : sources) {
    if (!source.IsMap()) {
      error(merged, "merge key '<<' in " + what + " expects a mapping or a list of mappings");
      return false;
    }
    for (auto it = source.begin(); it != source.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      const std::string key = it->first.Scalar();
      const bool present = std::any_of(out.begin(), out.end(),
                                       [&](const MapEntry& e) { return e.key == key; });
      if (!present) out.push_back(MapEntry{key, pos(it->first), it->second});
    }
  }
  if (sources.empty()) {
    error(merged, "merge key '<<' in " + what + " expects a mapping or a list of mappings");
    return false;
  }
  return true;
}

std::optional<std::vector<MapEntry>> YamlReader::entries(const YAML::Node& node,
                                                         const std::string& what,
                                                         const std::vector<std::string>& allowed) {
  if (!node.IsMap()) {
    error(node, what + " must be a mapping, not " + describe_node(node));
    return std::nullopt;
  }
  std::vector<MapEntry> out;
  std::vector<YAML::Node> merges;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      error(it->first, "keys in " + what + " must be plain names, not " + describe_node(it->first));
      continue;
    }
    const std::string key = it->first.Scalar();
    if (key == k_merge_key) {
      merges.push_back(it->second);
      continue;
    }
    auto previous = std::find_if(out.begin(), out.end(), [&](const MapEntry& e) { return e.key == key; });
    if (previous != out.end()) {
      error(it->first, "duplicate key '" + key + "' in " + what,
            "first given at line " + std::to_string(previous->key_pos.line) +
                "; remove one of them");
      continue;
    }
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      const auto suggestion = closest_match(key, allowed);
      error(it->first, "unknown key '" + key + "' in " + what,
            suggestion ? "did you mean '" + *suggestion + "'?" : "allowed keys: " + join(allowed));
      continue;
    }
    out.push_back(MapEntry{key, pos(it->first), it->second});
  }
  for (const auto& merged : merges) {
    std::vector<MapEntry> before = out;
    if (!merge_into(out, merged, what)) continue;
    for (std::size_t i = before.size(); i < out.size(); ++i) {
      if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), out[i].key) == allowed.end()) {
        const auto suggestion = closest_match(out[i].key, allowed);
        error(out[i].key_pos, "unknown key '" + out[i].key + "' (merged into " + what + ")",
              suggestion ? "did you mean '" + *suggestion + "'?" : "");
      }
    }
  }
  return out;
}

void YamlReader::require(const std::vector<MapEntry>& entries,
                         const std::vector<std::string>& required, SourcePos where,
                         const std::string& what) {
  for (const auto& key : required) {
    const bool present = std::any_of(entries.begin(), entries.end(),
                                     [&](const MapEntry& e) { return e.key == key; });
    if (!present) error(where, what + " is missing required key '" + key + "'");
  }
}

std::string YamlReader::expand(const YAML::Node& node, const std::string& text,
                               const std::string& what) {
  auto result = expand_variables(text, lookup_, nullptr);
  if (result) return result.value();
  const ExpansionError& e = result.error();
  SourcePos p = pos(node);
  // Point inside single-line values; block scalars get the value's start.
  if (text.find('\n') == std::string::npos && p.line > 0) p.col += static_cast<int>(e.offset);
  error(p, e.message + " in " + what, e.hint, static_cast<int>(e.length));
  return text;
}

std::optional<std::string> YamlReader::string(const YAML::Node& node, const std::string& what,
                                              Expand expand_mode) {
  if (!node.IsScalar()) {
    error(node, what + " must be a string, not " + describe_node(node));
    return std::nullopt;
  }
  const std::string& text = node.Scalar();
  return expand_mode == Expand::yes ? expand(node, text, what) : text;
}

std::optional<Located<std::string>> YamlReader::located(const YAML::Node& node,
                                                        const std::string& what, Expand expand_mode) {
  auto text = string(node, what, expand_mode);
  if (!text) return std::nullopt;
  return Located<std::string>{*text, pos(node)};
}

std::optional<bool> YamlReader::boolean(const YAML::Node& node, const std::string& what) {
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    if (text == "true") return true;
    if (text == "false") return false;
  }
  error(node, what + " must be true or false, not " + describe_node(node));
  return std::nullopt;
}

std::optional<int> YamlReader::integer(const YAML::Node& node, const std::string& what, int min,
                                       int max) {
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    long long value = 0;
    bool digits = !text.empty() && text.size() < 12;
    for (char c : text) digits = digits && c >= '0' && c <= '9';
    if (digits) value = std::stoll(text);
    if (digits && value >= min && value <= max) return static_cast<int>(value);
  }
  error(node, what + " must be an integer from " + std::to_string(min) + " to " +
                  std::to_string(max) + ", not " + describe_node(node));
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> YamlReader::duration(const YAML::Node& node,
                                                              const std::string& what) {
  auto text = string(node, what, Expand::no);
  if (!text) return std::nullopt;
  auto parsed = parse_duration(*text);
  if (parsed) return parsed.value();
  error(node, "malformed duration '" + *text + "' for " + what + ": " + parsed.error(),
        "write e.g. 90s, 5m, 1h30m or 500ms");
  return std::nullopt;
}

std::vector<Located<std::string>> YamlReader::string_list(const YAML::Node& node,
                                                          const std::string& what,
                                                          Expand expand_mode) {
  std::vector<Located<std::string>> out;
  if (node.IsScalar()) {
    if (auto item = located(node, what, expand_mode)) out.push_back(*item);
    return out;
  }
  if (!node.IsSequence()) {
    error(node, what + " must be a list of strings, not " + describe_node(node));
    return out;
  }
  for (const auto& item : node) {
    if (auto value = located(item, "each entry of " + what, expand_mode)) out.push_back(*value);
  }
  return out;
}

VarList YamlReader::var_map(const YAML::Node& node, const std::string& what) {
  VarList out;
  auto items = entries(node, what, {});
  if (!items) return out;
  for (const auto& entry : *items) {
    if (!is_variable_name(entry.key)) {
      error(entry.key_pos, "invalid variable name '" + entry.key + "' in " + what,
            "names are letters, digits and '_', not starting with a digit",
            static_cast<int>(entry.key.size()));
      continue;
    }
    if (auto value = located(entry.value, "'" + entry.key + "' in " + what)) {
      out.emplace_back(entry.key, *value);
    }
  }
  return out;
}

}  // namespace pw::spec
