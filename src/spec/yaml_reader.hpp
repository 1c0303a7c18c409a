#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "spec/diagnostic.hpp"
#include "spec/model.hpp"
#include "spec/variables.hpp"

// Typed reading of YAML nodes that records a precise diagnostic for every problem (wrong
// type, unknown or duplicate key, missing key, bad variable) and keeps going, so that one
// pass reports everything wrong in the file.

namespace pw::spec {

/// One key: value pair of a mapping, in document order.
struct MapEntry {
  std::string key;
  SourcePos key_pos;
  YAML::Node value;
};

/// Whether a string value goes through ${VAR} expansion.
/// with_secrets also lets ${secret:NAME} through (only environment values may hold secrets).
enum class Expand { yes, with_secrets, no };

/// Reads YAML nodes into spec values, reporting problems to a Diagnostics.
class YamlReader {
 public:
  /// source is the file's text (used to place carets inside quoted scalars).
  YamlReader(Diagnostics& diagnostics, const std::string& source, VarLookup lookup);

  /// 1-based position of a node.
  SourcePos pos(const YAML::Node& node) const;

  /// The entries of a mapping, checking duplicates and, when allowed is not empty, unknown
  /// keys (with "did you mean"). Merge keys ("<<: *anchor") are expanded. nullopt (and a
  /// diagnostic) when node is not a mapping. what names the thing ("job 'unit'").
  std::optional<std::vector<MapEntry>> entries(const YAML::Node& node, const std::string& what,
                                               const std::vector<std::string>& allowed);

  /// Reports each key of required missing from entries, pointing at where.
  void require(const std::vector<MapEntry>& entries, const std::vector<std::string>& required,
               SourcePos where, const std::string& what);

  /// A scalar as a string, expanded when asked.
  std::optional<std::string> string(const YAML::Node& node, const std::string& what,
                                    Expand expand = Expand::yes);
  /// A scalar as a string with its position.
  std::optional<Located<std::string>> located(const YAML::Node& node, const std::string& what,
                                              Expand expand = Expand::yes);
  /// A boolean (true/false).
  std::optional<bool> boolean(const YAML::Node& node, const std::string& what);
  /// An integer within [min, max].
  std::optional<int> integer(const YAML::Node& node, const std::string& what, int min, int max);
  /// A duration string such as "90s" or "1h30m".
  std::optional<std::chrono::milliseconds> duration(const YAML::Node& node,
                                                    const std::string& what);
  /// A sequence of strings (a single scalar is accepted as a one-element list).
  std::vector<Located<std::string>> string_list(const YAML::Node& node, const std::string& what,
                                                Expand expand = Expand::yes);
  /// A mapping of names to scalar values (env, args, variables), in document order.
  VarList var_map(const YAML::Node& node, const std::string& what, Expand expand = Expand::yes);
  /// Makes later reports about an empty item ("-" alone) of sequence point at its '-'.
  void remember_empty_items(const YAML::Node& sequence);

  /// Records a problem at a node.
  void error(const YAML::Node& node, std::string message, std::string hint = {});
  /// Records a problem at a position.
  void error(SourcePos pos, std::string message, std::string hint = {}, int span = 1);

  /// Replaces the variable lookup (after the spec's own variables are known).
  void set_lookup(VarLookup lookup) { lookup_ = std::move(lookup); }
  /// Number of problems recorded so far (to tell whether a step reported one).
  std::size_t problems() const { return diagnostics_.size(); }
  /// True once aliases made the document too large to read on: every read fails from then.
  bool exhausted() const;

 private:
  /// Keys already taken while collecting one mapping's entries, with where each was given.
  using KeyIndex = std::unordered_map<std::string, SourcePos>;
  /// The merge keys ("<<") of one mapping: mappings merged so far, and how many were named.
  struct Merges {
    std::vector<YAML::Node> done;
    std::size_t considered = 0;
  };

  std::string expand(const YAML::Node& node, const std::string& text, const std::string& what,
                     Expand mode);
  void merge_into(std::vector<MapEntry>& out, KeyIndex& keys, const YAML::Node& merged,
                  const std::string& what, Merges& merges);
  bool spend(const YAML::Node& node, std::size_t size);
  int span_of(const YAML::Node& node) const;
  bool starts_with_quote(SourcePos p) const;
  void remember_empty_value(const YAML::Node& value, SourcePos key_pos);
  std::optional<SourcePos> position_in(const YAML::Node& node, const std::string& text,
                                       std::size_t offset, std::size_t length) const;

  Diagnostics& diagnostics_;
  std::vector<std::string_view> lines_;
  VarLookup lookup_;
  std::size_t read_values_ = 0;  // keys and values copied out of the document (see spend)
  std::size_t read_bytes_ = 0;
  // yaml-cpp places an empty value ("run:" with nothing after it) at the next token, often
  // on a later line; such values are reported at their key instead (by the value's mark).
  std::map<std::pair<int, int>, SourcePos> empty_value_keys_;
};

/// "a mapping", "a sequence", "a string", "nothing" — for "expected X, got Y" messages.
std::string describe_node(const YAML::Node& node);

}  // namespace pw::spec
