#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

// A directed graph of named nodes where an edge a → b means "a needs b". Used for job
// `needs` and for environment promotion order. Iterative algorithms only: a hostile spec
// with a very long chain must not overflow the stack.

namespace pw {

/// Named nodes and "needs" edges between them.
class Graph {
 public:
  /// Adds a node (idempotent) and returns its index.
  std::size_t add_node(const std::string& name);
  /// Records that from needs to; both are added if absent.
  void add_edge(const std::string& from, const std::string& to);
  /// True when the node exists.
  bool contains(const std::string& name) const { return index_.count(name) != 0; }

  /// A cycle as a path that returns to its start (a → b → a), or nullopt when acyclic.
  std::optional<std::vector<std::string>> find_cycle() const;
  /// The nodes reachable from roots through needs, roots included, in insertion order.
  std::vector<std::string> closure(const std::vector<std::string>& roots) const;
  /// Topological levels of the given nodes (each level needs only earlier ones), names in
  /// insertion order inside a level. Precondition: acyclic.
  std::vector<std::vector<std::string>> levels(const std::vector<std::string>& nodes) const;
  /// What a node needs directly, in insertion order.
  std::vector<std::string> needs_of(const std::string& name) const;

 private:
  std::vector<std::string> names_;
  std::vector<std::vector<std::size_t>> edges_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace pw
