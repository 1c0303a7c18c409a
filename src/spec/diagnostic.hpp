#pragma once

#include <string>
#include <vector>

// Spec problems pointed at precisely (ninja's lexer style): FILE:LINE:COL: error: message,
// the offending line, a caret under the spot, and a hint. A phase collects all of them
// before the caller stops (mold's Error-then-checkpoint).

namespace pw::spec {

/// A 1-based position in the spec file; line 0 means "the file as a whole".
struct SourcePos {
  int line = 0;
  int col = 0;
  friend bool operator==(const SourcePos&, const SourcePos&) = default;
};

/// One problem found in a spec.
struct Diagnostic {
  SourcePos pos;
  std::string message;  ///< what is wrong, without file position
  std::string hint;     ///< how to fix it ("did you mean 'test'?"); may be empty
  int span = 1;         ///< how many columns the caret underline covers
};

/// Most problems kept, and longest message or hint kept (bytes): a hostile file (an alias
/// repeating a huge value a million times) must not turn into gigabytes of diagnostics.
inline constexpr std::size_t k_max_diagnostics = 100;
inline constexpr std::size_t k_max_message_bytes = 1000;

/// The problems found so far, in the order found; beyond k_max_diagnostics only counted.
class Diagnostics {
 public:
  /// Records a problem (message and hint cut to k_max_message_bytes).
  void error(SourcePos pos, std::string message, std::string hint = {}, int span = 1);
  /// True when no problem was recorded.
  bool empty() const { return items_.empty(); }
  /// True when further problems are only counted, so callers may skip costly hints.
  bool full() const { return items_.size() >= k_max_diagnostics; }
  /// The problems kept, sorted by position (stable for equal positions), then one saying how
  /// many more were found when some were not kept.
  std::vector<Diagnostic> sorted() const;
  /// Number of problems found (kept or not).
  std::size_t size() const { return items_.size() + dropped_; }

 private:
  std::vector<Diagnostic> items_;
  std::size_t dropped_ = 0;
};

/// Renders problems as "FILE:LINE:COL: error: MESSAGE", the source line, a caret line and
/// "  hint: ..." lines. source is the file's text.
std::string render(const std::string& file_name, const std::string& source,
                   const std::vector<Diagnostic>& diagnostics);

}  // namespace pw::spec
