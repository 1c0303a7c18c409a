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
    if (nl == std::string::npos)
      nl = source.size();
    lines.emplace_back(source.data() + start, nl - start);
    start = nl + 1;
  }
  return lines;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

// A value quoted in a message: long ones (a whole script, a hostile megabyte) are cut.
std::string shortened(const std::string& text) {
  constexpr std::size_t k_max_quoted = 60;
  if (text.size() <= k_max_quoted)
    return text;
  std::size_t end = k_max_quoted;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  return text.substr(0, end) + "...";
}

// Keys and values the reader may copy out of the document, in number and in bytes: aliases
// let a 4 MiB file repeat a megabyte-long value, or a mapping of thousands of keys, a million
// times. Real specs hold a few thousand values.
constexpr std::size_t k_max_read_values = 250'000;
constexpr std::size_t k_max_read_bytes = 64 * 1024 * 1024;

// "did you mean" the nearest allowed key, or the list of them.
std::string unknown_key_hint(const std::string& key, const std::vector<std::string>& allowed) {
  const auto suggestion = closest_match(key, allowed);
  return suggestion ? "did you mean '" + *suggestion + "'?" : "allowed keys: " + join(allowed);
}

constexpr std::string_view k_merge_key = "<<";
// Mappings merged into one mapping, repeats and nested merges included: a few in real specs,
// bounded so that a merge bomb (<<: [*a, *a, ...] with *a merging more) stays cheap.
// Each distinct mapping is merged once however often it is named.
constexpr std::size_t k_max_merges = 1000;

// True when text starts with an explicit YAML null ("~", "null", "Null", "NULL").
bool starts_with_null_word(std::string_view text) {
  for (std::string_view word : {"~", "null", "Null", "NULL"}) {
    if (text.substr(0, word.size()) != word)
      continue;
    if (text.size() == word.size())
      return true;
    const char next = text[word.size()];
    return next == ' ' || next == ',' || next == '}' || next == ']' || next == '#' || next == '\r';
  }
  return false;
}

}  // namespace

std::string describe_node(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Scalar:
      return "'" + shortened(node.Scalar()) + "'";
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Undefined:
      return "nothing";
  }
  return "nothing";
}

YamlReader::YamlReader(Diagnostics& diagnostics, const std::string& source, VarLookup lookup)
    : diagnostics_(diagnostics), lines_(split_lines(source)), lookup_(std::move(lookup)) {}

bool YamlReader::starts_with_quote(SourcePos p) const {
  if (p.line <= 0 || static_cast<std::size_t>(p.line) > lines_.size())
    return false;
  const std::string_view line = lines_[static_cast<std::size_t>(p.line - 1)];
  const std::size_t col = static_cast<std::size_t>(p.col - 1);
  return col < line.size() && (line[col] == '"' || line[col] == '\'');
}

SourcePos YamlReader::pos(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null())
    return {};
  if (node.IsNull()) {
    auto key = empty_value_keys_.find({mark.line, mark.column});
    if (key != empty_value_keys_.end())
      return key->second;
  }
  SourcePos p{mark.line + 1, mark.column + 1};
  // Point at a quoted scalar's text, not at its opening quote.
  if (node.IsScalar() && starts_with_quote(p))
    ++p.col;
  return p;
}

int YamlReader::span_of(const YAML::Node& node) const {
  if (!node.IsScalar())
    return 1;
  const SourcePos p = pos(node);
  if (p.line <= 0 || static_cast<std::size_t>(p.line) > lines_.size())
    return 1;
  const std::string_view line = lines_[static_cast<std::size_t>(p.line - 1)];
  const std::size_t col = static_cast<std::size_t>(p.col - 1);
  if (col >= line.size())
    return 1;
  return static_cast<int>(std::clamp<std::size_t>(node.Scalar().size(), 1, line.size() - col));
}

bool YamlReader::spend(const YAML::Node& node, std::size_t size) {
  if (exhausted())
    return false;
  ++read_values_;
  read_bytes_ += size;
  if (!exhausted())
    return true;
  const std::string what = read_values_ > k_max_read_values
                               ? std::to_string(k_max_read_values) + " keys and values"
                               : std::to_string(k_max_read_bytes >> 20) + " MiB of text";
  error(node, "the spec holds more than " + what + " (aliases included)",
        "an alias ('*NAME') repeats all that it names; repeat less");
  return false;
}

bool YamlReader::exhausted() const {
  return read_values_ > k_max_read_values || read_bytes_ > k_max_read_bytes;
}

void YamlReader::error(const YAML::Node& node, std::string message, std::string hint) {
  diagnostics_.error(pos(node), std::move(message), std::move(hint), span_of(node));
}

void YamlReader::error(SourcePos p, std::string message, std::string hint, int span) {
  diagnostics_.error(p, std::move(message), std::move(hint), span);
}

void YamlReader::remember_empty_value(const YAML::Node& value, SourcePos key_pos) {
  const YAML::Mark mark = value.Mark();
  if (!value.IsNull() || mark.is_null())
    return;
  // An explicit "~" or "null" has a place of its own; only a missing value borrows the key's.
  const auto line = static_cast<std::size_t>(mark.line);
  const auto col = static_cast<std::size_t>(mark.column);
  if (line < lines_.size() && col <= lines_[line].size() &&
      starts_with_null_word(lines_[line].substr(col))) {
    return;
  }
  empty_value_keys_.emplace(std::make_pair(mark.line, mark.column), key_pos);
}

void YamlReader::remember_empty_items(const YAML::Node& sequence) {
  constexpr std::size_t k_max_scan = 256;  // blanks looked through back to the '-'
  for (const auto& item : sequence) {
    const YAML::Mark mark = item.Mark();
    if (!item.IsNull() || mark.is_null())
      continue;
    // Walk back over blanks from where yaml-cpp put the empty item to its '-'.
    auto line = static_cast<std::size_t>(mark.line);
    auto col = static_cast<std::size_t>(mark.column);
    for (std::size_t steps = 0; steps < k_max_scan && line < lines_.size(); ++steps) {
      if (col == 0) {
        if (line == 0)
          break;
        col = lines_[--line].size();
        continue;
      }
      const char c = lines_[line][--col];
      if (c == ' ' || c == '\t' || c == '\r')
        continue;
      if (c == '-')
        remember_empty_value(item, {static_cast<int>(line) + 1, static_cast<int>(col) + 1});
      break;
    }
  }
}

void YamlReader::merge_into(std::vector<MapEntry>& out, KeyIndex& keys, const YAML::Node& merged,
                            const std::string& what, Merges& merges) {
  // "<<: *defaults" or "<<: [*a, *b]": keys written explicitly win over merged ones, earlier
  // mappings over later ones, and a merged mapping's own keys over what it merges itself.
  // What is not a mapping is reported and skipped; the mappings are merged all the same.
  const std::string problem =
      "merge key '<<' in " + what + " expects a mapping or a list of mappings";
  const std::string hint = "'<<: *NAME' merges the mapping marked '&NAME'";
  std::vector<YAML::Node> sources;
  if (merged.IsMap()) {
    sources.push_back(merged);
  } else if (merged.IsSequence()) {
    for (const auto& item : merged)
      sources.push_back(item);
  } else {
    error(merged, problem, hint);
  }
  for (const auto& source : sources) {
    if (!source.IsMap()) {
      error(source, problem, hint);
      continue;
    }
    if (merges.considered++ >= k_max_merges) {
      // Reported once; what this mapping would merge after that is skipped quietly.
      if (merges.considered == k_max_merges + 1) {
        error(merged, "too many merge keys '<<' in " + what,
              "merge at most " + std::to_string(k_max_merges) + " mappings");
      }
      return;
    }
    const bool seen = std::any_of(merges.done.begin(), merges.done.end(),
                                  [&](const YAML::Node& done) { return done.is(source); });
    if (seen)
      continue;
    merges.done.push_back(source);
    std::optional<YAML::Node> nested;
    for (const auto& pair : source) {
      const YAML::Node& key_node = pair.first;
      if (!key_node.IsScalar())
        continue;
      if (!spend(key_node, key_node.Scalar().size()))
        return;
      const std::string& key = key_node.Scalar();
      const SourcePos key_pos = pos(key_node);
      if (key == k_merge_key) {
        nested = pair.second;
      } else if (keys.emplace(key, key_pos).second) {
        remember_empty_value(pair.second, key_pos);
        out.push_back(MapEntry{key, key_pos, pair.second});
      }
    }
    if (nested)
      merge_into(out, keys, *nested, what, merges);
  }
}

std::optional<std::vector<MapEntry>> YamlReader::entries(const YAML::Node& node,
                                                         const std::string& what,
                                                         const std::vector<std::string>& allowed) {
  if (!node.IsMap()) {
    error(node, what + " must be a mapping, not " + describe_node(node));
    return std::nullopt;
  }
  std::vector<MapEntry> out;
  KeyIndex keys;  // hashed: a hostile mapping may hold a hundred thousand keys
  std::vector<YAML::Node> merges;
  for (const auto& pair : node) {
    const YAML::Node& key_node = pair.first;  // yaml-cpp's it->first copies nodes each time
    if (!key_node.IsScalar()) {
      error(key_node, "keys in " + what + " must be plain names, not " + describe_node(key_node));
      continue;
    }
    if (!spend(key_node, key_node.Scalar().size()))
      return std::nullopt;
    const std::string& key = key_node.Scalar();
    if (key == k_merge_key) {
      merges.push_back(pair.second);
      continue;
    }
    const SourcePos key_pos = pos(key_node);
    auto [previous, inserted] = keys.emplace(key, key_pos);
    if (!inserted) {
      error(
          key_node, "duplicate key '" + key + "' in " + what,
          "first given at line " + std::to_string(previous->second.line) + "; remove one of them");
      continue;
    }
    remember_empty_value(pair.second, key_pos);
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      error(key_node, "unknown key '" + key + "' in " + what, unknown_key_hint(key, allowed));
      continue;
    }
    out.push_back(MapEntry{key, key_pos, pair.second});
  }
  Merges state;
  for (const auto& merged : merges) {
    const std::size_t before = out.size();
    merge_into(out, keys, merged, what, state);
    for (std::size_t i = before; i < out.size(); ++i) {
      if (!allowed.empty() &&
          std::find(allowed.begin(), allowed.end(), out[i].key) == allowed.end()) {
        error(out[i].key_pos, "unknown key '" + out[i].key + "' (merged into " + what + ")",
              unknown_key_hint(out[i].key, allowed), static_cast<int>(out[i].key.size()));
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
    if (!present)
      error(where, what + " is missing required key '" + key + "'");
  }
}

std::optional<SourcePos> YamlReader::position_in(const YAML::Node& node, const std::string& text,
                                                 std::size_t offset, std::size_t length) const {
  const SourcePos start = pos(node);
  if (start.line <= 0 || static_cast<std::size_t>(start.line) > lines_.size() ||
      offset > text.size()) {
    return std::nullopt;
  }
  const std::string_view first = lines_[static_cast<std::size_t>(start.line - 1)];
  const std::size_t col = static_cast<std::size_t>(start.col - 1);
  if (col < first.size() && first[col] == '|') {
    // A literal block scalar: text line k is file line start.line + 1 + k, after indentation.
    const std::size_t k = static_cast<std::size_t>(
        std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
    const std::size_t nl = offset == 0 ? std::string::npos : text.rfind('\n', offset - 1);
    const std::size_t from = nl == std::string::npos ? 0 : nl + 1;
    const std::string_view text_line =
        std::string_view(text).substr(from, text.find('\n', from) - from);
    const std::size_t index = static_cast<std::size_t>(start.line) + k;
    if (index >= lines_.size() || !lines_[index].ends_with(text_line))
      return std::nullopt;
    const std::size_t indent = lines_[index].size() - text_line.size();
    return SourcePos{static_cast<int>(index + 1), static_cast<int>(indent + offset - from + 1)};
  }
  // One-line scalars: trusted only when the file holds the same bytes there (escapes in
  // double-quoted strings and folded lines would shift the column).
  if (text.find('\n') != std::string::npos || col + offset > first.size())
    return std::nullopt;
  if (first.substr(col + offset, length) != std::string_view(text).substr(offset, length)) {
    return std::nullopt;
  }
  return SourcePos{start.line, static_cast<int>(col + offset + 1)};
}

std::string YamlReader::expand(const YAML::Node& node, const std::string& text,
                               const std::string& what, Expand mode) {
  std::vector<std::string> secrets;
  auto result = expand_variables(text, lookup_, &secrets);
  if (result && !secrets.empty() && mode != Expand::with_secrets) {
    // Anywhere but an environment value a secret would land in an image layer, a command
    // line or a label.
    error(pos(node), "a secret (${secret:" + secrets.front() + "}) cannot be used in " + what,
          "secrets reach jobs and services only through 'env' or 'secrets:'; images get them "
          "as build secrets with 'secrets:' under the image");
    return text;
  }
  if (result)
    return result.value();
  const ExpansionError& e = result.error();
  // Point at the faulty "${" when its place in the file is certain, else at the value.
  if (auto at = position_in(node, text, e.offset, e.length)) {
    error(*at, e.message + " in " + what, e.hint, static_cast<int>(e.length));
  } else {
    error(pos(node), e.message + " in " + what, e.hint);
  }
  return text;
}

std::optional<std::string> YamlReader::string(const YAML::Node& node, const std::string& what,
                                              Expand expand_mode) {
  if (!node.IsScalar()) {
    error(node, what + " must be a string, not " + describe_node(node));
    return std::nullopt;
  }
  if (!spend(node, node.Scalar().size()))
    return std::nullopt;
  const std::string& text = node.Scalar();
  return expand_mode == Expand::no ? text : expand(node, text, what, expand_mode);
}

std::optional<Located<std::string>> YamlReader::located(const YAML::Node& node,
                                                        const std::string& what,
                                                        Expand expand_mode) {
  auto text = string(node, what, expand_mode);
  if (!text)
    return std::nullopt;
  return Located<std::string>{*text, pos(node)};
}

std::optional<bool> YamlReader::boolean(const YAML::Node& node, const std::string& what) {
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    if (text == "true")
      return true;
    if (text == "false")
      return false;
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
    for (char c : text)
      digits = digits && c >= '0' && c <= '9';
    if (digits)
      value = std::stoll(text);
    if (digits && value >= min && value <= max)
      return static_cast<int>(value);
  }
  error(node, what + " must be an integer from " + std::to_string(min) + " to " +
                  std::to_string(max) + ", not " + describe_node(node));
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> YamlReader::duration(const YAML::Node& node,
                                                              const std::string& what) {
  if (!node.IsScalar()) {
    error(node, what + " must be a duration such as 90s, not " + describe_node(node));
    return std::nullopt;
  }
  auto text = string(node, what, Expand::no);
  auto parsed = parse_duration(*text);
  if (parsed && parsed.value().count() == 0) {
    error(node, what + " must be longer than 0", "write e.g. 90s, 5m, 1h30m or 500ms");
    return std::nullopt;
  }
  if (parsed)
    return parsed.value();
  error(node, "malformed duration '" + *text + "' for " + what + ": " + parsed.error(),
        "write e.g. 90s, 5m, 1h30m or 500ms");
  return std::nullopt;
}

std::vector<Located<std::string>> YamlReader::string_list(const YAML::Node& node,
                                                          const std::string& what,
                                                          Expand expand_mode) {
  std::vector<Located<std::string>> out;
  if (node.IsScalar()) {
    if (auto item = located(node, what, expand_mode))
      out.push_back(*item);
    return out;
  }
  if (!node.IsSequence()) {
    error(node, what + " must be a list of strings, not " + describe_node(node));
    return out;
  }
  remember_empty_items(node);
  for (const auto& item : node) {
    if (auto value = located(item, "each entry of " + what, expand_mode))
      out.push_back(*value);
  }
  return out;
}

VarList YamlReader::var_map(const YAML::Node& node, const std::string& what, Expand expand_mode) {
  VarList out;
  auto items = entries(node, what, {});
  if (!items)
    return out;
  for (const auto& entry : *items) {
    if (!is_variable_name(entry.key)) {
      error(entry.key_pos, "invalid variable name '" + entry.key + "' in " + what,
            "names are letters, digits and '_', not starting with a digit",
            static_cast<int>(entry.key.size()));
      continue;
    }
    if (auto value = located(entry.value, "'" + entry.key + "' in " + what, expand_mode)) {
      out.emplace_back(entry.key, *value);
    }
  }
  return out;
}

}  // namespace pw::spec
