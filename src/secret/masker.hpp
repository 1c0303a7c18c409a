#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// Replaces secret values with "***" in everything pipewright prints or stores (job logs, build
// output, reports). One Aho-Corasick automaton finds every secret in a single pass, so the
// cost is linear in the bytes scanned whatever the number of secrets.
//
// What is masked, and why:
// - Secrets shorter than k_min_secret_length bytes are ignored: masking "a" or "1" would turn
//   every log into asterisks and hide the real failure, while revealing nothing worth hiding.
// - A multi-line secret (a key file) is masked whole, and each of its lines of at least
//   k_min_secret_length bytes is masked on its own too, because output reaches us line by line
//   and the whole value never appears in one line.
// - Overlapping occurrences (of one secret or of several) become a single "***", so no byte of
//   any secret survives; adjacent, non-overlapping occurrences give one "***" each.

namespace pw::secret {

/// Secrets shorter than this many bytes are not masked (see above).
inline constexpr std::size_t k_min_secret_length = 3;

/// What a masked secret is replaced with.
inline constexpr std::string_view k_mask = "***";

class MaskAutomaton;

/// Masks secret values in complete pieces of text (lines); immutable, so thread-safe.
class Masker {
 public:
  /// Masks the given values; empty, short and duplicate values are dropped (see above).
  explicit Masker(std::vector<std::string> secrets);

  /// line with every occurrence of every secret replaced by "***".
  std::string mask(std::string_view line) const;
  /// True when there is nothing to mask (every secret was too short, or none was given).
  bool empty() const;

 private:
  friend class StreamMasker;
  std::shared_ptr<const MaskAutomaton> automaton_;
};

/// Masks a byte stream that arrives in arbitrary chunks, where a secret may be split across
/// writes. Not thread-safe: one instance per stream.
class StreamMasker {
 public:
  /// A stream masker for the given secrets (same rules as Masker).
  explicit StreamMasker(std::vector<std::string> secrets);
  /// A stream masker sharing masker's secrets (no rebuild).
  explicit StreamMasker(const Masker& masker);

  /// Consumes chunk; returns the masked bytes that are safe to emit now. Holds back only bytes
  /// that could still be the start of a secret: at most (longest secret - 1) of them.
  std::string feed(std::string_view chunk);
  /// Ends the stream: returns the held-back bytes, masked; the masker can then start anew.
  std::string finish();

 private:
  // A range of stream offsets [start, end) to mask; announced once "***" has been emitted for
  // it (it stays open while a later, overlapping occurrence could still extend it).
  struct Cover {
    std::size_t start;
    std::size_t end;
    bool announced;
  };

  void add_cover(std::size_t start, std::size_t end);
  void emit_until(std::size_t limit, std::string& out);
  void emit_plain(std::size_t to, std::string& out);

  std::shared_ptr<const MaskAutomaton> automaton_;
  int state_ = 0;                   // automaton state after the last byte fed
  std::size_t consumed_ = 0;        // stream offset just past the last byte fed
  std::size_t emitted_ = 0;         // stream offset up to which output has been decided
  std::size_t pending_offset_ = 0;  // stream offset of pending_[0]
  std::string pending_;             // the bytes not yet emitted (from emitted_ between calls)
  std::vector<Cover> covers_;       // sorted and disjoint; none ends before emitted_
};

}  // namespace pw::secret
