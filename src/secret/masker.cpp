#include "secret/masker.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

namespace pw::secret {

// An Aho-Corasick automaton over bytes. States are trie nodes (0 is the root); a byte that has
// no edge out of a state follows failure links, so scanning n bytes costs O(n) amortized for
// any number of secrets, and memory is linear in the total length of the secrets.
class MaskAutomaton {
 public:
  explicit MaskAutomaton(const std::vector<std::string>& patterns);

  /// The state after reading byte in state.
  int step(int state, unsigned char byte) const {
    while (state != 0) {
      if (const int next = child(state, byte); next != 0)
        return next;
      state = fail_[static_cast<std::size_t>(state)];
    }
    return root_[byte];
  }
  /// Length of the longest secret ending at the last byte read, 0 if none.
  std::size_t match_length(int state) const { return match_[static_cast<std::size_t>(state)]; }
  /// How many of the last bytes read could still begin a secret (always < longest secret).
  std::size_t hold_length(int state) const { return hold_[static_cast<std::size_t>(state)]; }
  /// True when there is no secret to look for.
  bool empty() const { return fail_.size() == 1; }

 private:
  // A trie node while the automaton is built.
  struct Node {
    std::vector<std::pair<unsigned char, int>> children;
    std::size_t depth = 0;
    bool terminal = false;
  };

  // The edge labelled byte out of state, or 0 (the root is never a child).
  int child(int state, unsigned char byte) const {
    const auto index = static_cast<std::size_t>(state);
    for (std::uint32_t e = edge_begin_[index]; e < edge_begin_[index + 1]; ++e) {
      if (edge_label_[e] == byte)
        return edge_target_[e];
    }
    return 0;
  }

  static std::vector<Node> build_trie(const std::vector<std::string>& patterns);
  void link(const std::vector<Node>& trie);
  void flatten(std::vector<Node>& trie);

  std::array<int, 256> root_{};  // dense: most bytes of ordinary output are read at the root
  std::vector<std::uint32_t> edge_begin_;  // node n's edges: [edge_begin_[n], edge_begin_[n+1])
  std::vector<unsigned char> edge_label_;
  std::vector<int> edge_target_;
  std::vector<int> fail_;           // longest proper suffix that is also a trie node
  std::vector<std::size_t> match_;  // see match_length()
  std::vector<std::size_t> hold_;   // see hold_length()
};

MaskAutomaton::MaskAutomaton(const std::vector<std::string>& patterns) {
  std::vector<Node> trie = build_trie(patterns);
  link(trie);
  flatten(trie);
}

std::vector<MaskAutomaton::Node> MaskAutomaton::build_trie(
    const std::vector<std::string>& patterns) {
  std::vector<Node> trie(1);
  for (const std::string& pattern : patterns) {
    std::size_t node = 0;
    for (const char c : pattern) {
      const auto byte = static_cast<unsigned char>(c);
      auto& kids = trie[node].children;
      auto it =
          std::find_if(kids.begin(), kids.end(), [&](const auto& e) { return e.first == byte; });
      if (it == kids.end()) {
        const auto next = static_cast<int>(trie.size());
        kids.emplace_back(byte, next);
        trie.push_back(Node{{}, trie[node].depth + 1, false});
        node = static_cast<std::size_t>(next);
      } else {
        node = static_cast<std::size_t>(it->second);
      }
    }
    trie[node].terminal = true;
  }
  return trie;
}

// Breadth-first, so that a node's failure target (always shallower) is complete before it.
void MaskAutomaton::link(const std::vector<Node>& trie) {
  const auto child_of = [&](std::size_t node, unsigned char byte) {
    for (const auto& [label, target] : trie[node].children) {
      if (label == byte)
        return target;
    }
    return 0;
  };
  fail_.assign(trie.size(), 0);
  match_.assign(trie.size(), 0);
  hold_.assign(trie.size(), 0);
  std::vector<std::size_t> queue = {0};
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const std::size_t node = queue[head];
    for (const auto& [byte, target] : trie[node].children) {
      int f = node == 0 ? -1 : fail_[node];
      while (f > 0 && child_of(static_cast<std::size_t>(f), byte) == 0) {
        f = fail_[static_cast<std::size_t>(f)];
      }
      fail_[static_cast<std::size_t>(target)] =
          f < 0 ? 0 : child_of(static_cast<std::size_t>(f), byte);
      queue.push_back(static_cast<std::size_t>(target));
    }
    const auto suffix = static_cast<std::size_t>(fail_[node]);
    const Node& n = trie[node];
    // The longest secret ending here is this node's own, else the one its suffix ends with.
    match_[node] = n.terminal ? n.depth : (node == 0 ? 0 : match_[suffix]);
    // A node with children may still grow into a secret; a leaf only through its suffixes.
    hold_[node] = !n.children.empty() ? n.depth : (node == 0 ? 0 : hold_[suffix]);
  }
}

void MaskAutomaton::flatten(std::vector<Node>& trie) {
  edge_begin_.reserve(trie.size() + 1);
  for (Node& node : trie) {
    std::sort(node.children.begin(), node.children.end());
    edge_begin_.push_back(static_cast<std::uint32_t>(edge_label_.size()));
    for (const auto& [byte, target] : node.children) {
      edge_label_.push_back(byte);
      edge_target_.push_back(target);
    }
  }
  edge_begin_.push_back(static_cast<std::uint32_t>(edge_label_.size()));
  for (const auto& [byte, target] : trie[0].children)
    root_[byte] = target;
}

namespace {

// The strings to look for: each secret, and each line of a multi-line secret, when long enough.
std::vector<std::string> patterns_of(const std::vector<std::string>& secrets) {
  std::vector<std::string> patterns;
  const auto add = [&](std::string_view text) {
    if (text.size() >= k_min_secret_length)
      patterns.emplace_back(text);
  };
  for (const std::string& secret : secrets) {
    add(secret);
    if (secret.find('\n') == std::string::npos)
      continue;
    std::string_view rest = secret;
    while (!rest.empty()) {
      const std::size_t eol = std::min(rest.find('\n'), rest.size());
      std::string_view line = rest.substr(0, eol);
      if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);  // CRLF key files
      add(line);
      rest.remove_prefix(std::min(eol + 1, rest.size()));
    }
  }
  // Longest first, duplicates dropped: the order the trie is built in (any order is correct).
  std::sort(patterns.begin(), patterns.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  patterns.erase(std::unique(patterns.begin(), patterns.end()), patterns.end());
  return patterns;
}

}  // namespace

Masker::Masker(std::vector<std::string> secrets)
    : automaton_(std::make_shared<const MaskAutomaton>(patterns_of(secrets))) {}

std::string Masker::mask(std::string_view line) const {
  if (automaton_->empty())
    return std::string(line);
  StreamMasker stream(*this);
  std::string out = stream.feed(line);
  out += stream.finish();
  return out;
}

bool Masker::empty() const {
  return automaton_->empty();
}

StreamMasker::StreamMasker(std::vector<std::string> secrets)
    : StreamMasker(Masker(std::move(secrets))) {}

StreamMasker::StreamMasker(const Masker& masker) : automaton_(masker.automaton_) {}

std::string StreamMasker::feed(std::string_view chunk) {
  if (automaton_->empty())
    return std::string(chunk);
  pending_.append(chunk);
  const MaskAutomaton& automaton = *automaton_;
  for (const char c : chunk) {
    state_ = automaton.step(state_, static_cast<unsigned char>(c));
    ++consumed_;
    if (const std::size_t length = automaton.match_length(state_); length != 0) {
      add_cover(consumed_ - length, consumed_);
    }
  }
  // No secret can start before this offset any more: a later match would have to begin with
  // the last hold_length() bytes at most.
  std::string out;
  emit_until(consumed_ - automaton.hold_length(state_), out);
  pending_.erase(0, emitted_ - pending_offset_);
  pending_offset_ = emitted_;
  return out;
}

std::string StreamMasker::finish() {
  std::string out;
  emit_until(consumed_, out);
  state_ = 0;
  consumed_ = emitted_ = pending_offset_ = 0;
  pending_.clear();
  covers_.clear();
  return out;
}

// Covers are found in the order of their ends, so a new one either follows the last or
// overlaps (and then swallows) some of the last ones.
void StreamMasker::add_cover(std::size_t start, std::size_t end) {
  bool announced = false;
  while (!covers_.empty() && covers_.back().end > start) {
    start = std::min(start, covers_.back().start);
    announced = announced || covers_.back().announced;
    covers_.pop_back();
  }
  covers_.push_back(Cover{start, end, announced});
}

// Decides the output up to offset limit: plain bytes, and one "***" per cover starting before it.
void StreamMasker::emit_until(std::size_t limit, std::string& out) {
  std::size_t done = 0;
  for (; done < covers_.size() && covers_[done].start < limit; ++done) {
    Cover& cover = covers_[done];
    if (!cover.announced) {
      emit_plain(cover.start, out);
      out += k_mask;
      cover.announced = true;
    }
    emitted_ = std::max(emitted_, cover.end);
    if (cover.end > limit)
      break;  // a match starting before its end may still extend it
  }
  covers_.erase(covers_.begin(), covers_.begin() + static_cast<std::ptrdiff_t>(done));
  if (emitted_ < limit)
    emit_plain(limit, out);
}

void StreamMasker::emit_plain(std::size_t to, std::string& out) {
  out.append(pending_, emitted_ - pending_offset_, to - emitted_);
  emitted_ = to;
}

}  // namespace pw::secret
