#include "plan/graph.hpp"

#include <algorithm>

namespace pw {

std::size_t Graph::add_node(const std::string& name) {
  auto [it, inserted] = index_.emplace(name, names_.size());
  if (inserted) {
    names_.push_back(name);
    edges_.emplace_back();
  }
  return it->second;
}

void Graph::add_edge(const std::string& from, const std::string& to) {
  const std::size_t a = add_node(from);
  const std::size_t b = add_node(to);
  edges_[a].push_back(b);
}

std::optional<std::vector<std::string>> Graph::find_cycle() const {
  enum class Mark { unvisited, on_stack, done };
  std::vector<Mark> mark(names_.size(), Mark::unvisited);
  struct Frame {
    std::size_t node;
    std::size_t next_edge;
  };
  for (std::size_t start = 0; start < names_.size(); ++start) {
    if (mark[start] != Mark::unvisited)
      continue;
    std::vector<Frame> stack{{start, 0}};
    mark[start] = Mark::on_stack;
    while (!stack.empty()) {
      Frame& top = stack.back();
      if (top.next_edge == edges_[top.node].size()) {
        mark[top.node] = Mark::done;
        stack.pop_back();
        continue;
      }
      const std::size_t next = edges_[top.node][top.next_edge++];
      if (mark[next] == Mark::on_stack) {
        // The cycle is the stack from next's frame to the top, closed by next again.
        std::vector<std::string> cycle;
        auto from = std::find_if(stack.begin(), stack.end(),
                                 [&](const Frame& f) { return f.node == next; });
        for (auto it = from; it != stack.end(); ++it)
          cycle.push_back(names_[it->node]);
        cycle.push_back(names_[next]);
        return cycle;
      }
      if (mark[next] == Mark::unvisited) {
        mark[next] = Mark::on_stack;
        stack.push_back({next, 0});
      }
    }
  }
  return std::nullopt;
}

std::vector<std::string> Graph::closure(const std::vector<std::string>& roots) const {
  std::vector<bool> seen(names_.size(), false);
  std::vector<std::size_t> work;
  for (const auto& root : roots) {
    auto it = index_.find(root);
    if (it != index_.end() && !seen[it->second]) {
      seen[it->second] = true;
      work.push_back(it->second);
    }
  }
  while (!work.empty()) {
    const std::size_t node = work.back();
    work.pop_back();
    for (std::size_t next : edges_[node]) {
      if (!seen[next]) {
        seen[next] = true;
        work.push_back(next);
      }
    }
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (seen[i])
      out.push_back(names_[i]);
  }
  return out;
}

std::vector<std::vector<std::string>> Graph::levels(const std::vector<std::string>& nodes) const {
  // Level of a node = 1 + the highest level among what it needs (within the given set).
  std::vector<int> level(names_.size(), -1);
  std::vector<bool> selected(names_.size(), false);
  for (const auto& n : nodes) {
    if (auto it = index_.find(n); it != index_.end())
      selected[it->second] = true;
  }
  int max_level = -1;
  for (std::size_t start = 0; start < names_.size(); ++start) {
    if (!selected[start] || level[start] >= 0)
      continue;
    std::vector<std::pair<std::size_t, std::size_t>> stack{{start, 0}};
    while (!stack.empty()) {
      auto& [node, edge] = stack.back();
      if (edge < edges_[node].size()) {
        const std::size_t next = edges_[node][edge++];
        if (selected[next] && level[next] < 0)
          stack.emplace_back(next, 0);
        continue;
      }
      int l = 0;
      for (std::size_t next : edges_[node]) {
        if (selected[next])
          l = std::max(l, level[next] + 1);
      }
      level[node] = l;
      max_level = std::max(max_level, l);
      stack.pop_back();
    }
  }
  std::vector<std::vector<std::string>> out(static_cast<std::size_t>(max_level + 1));
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (selected[i])
      out[static_cast<std::size_t>(level[i])].push_back(names_[i]);
  }
  return out;
}

std::vector<std::string> Graph::needs_of(const std::string& name) const {
  std::vector<std::string> out;
  auto it = index_.find(name);
  if (it == index_.end())
    return out;
  for (std::size_t next : edges_[it->second])
    out.push_back(names_[next]);
  return out;
}

}  // namespace pw
