#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "build/image_builder.hpp"
#include "ci/github_commands.hpp"

// Human output: whole lines only (one lock, so parallel writers never interleave mid-line),
// a "name | " prefix per source, color only on a terminal and never with NO_COLOR set.

namespace pw::cli {

/// Whether streamed output lines (build logs, job output) are printed; they always go to
/// their log files.
enum class Lines { shown, hidden };

/// Writes progress lines for people.
class Console {
 public:
  /// Where streamed lines go: stdout (normal) or stderr (when stdout carries JSON); notes go
  /// to stderr, except with stdout_only (GitHub Actions, where one stream keeps the order of
  /// text and workflow commands).
  enum class Target { stdout_and_stderr, stderr_only, stdout_only };

  explicit Console(Target target);
  /// From now on every line of text is preceded, when needed, by the window's stop line and
  /// every command() by its resume line (GitHub Actions); null turns that off.
  void set_command_window(ci::github::CommandWindow* window);
  /// A line for the CI system itself (a workflow command, a section marker), printed as is.
  void command(std::string_view text);
  /// A streamed line from a named source ("test | ...").
  void line(std::string_view source, std::string_view text);
  /// A status line ("==> building image 'test'").
  void status(std::string_view text);
  /// A note for the user ("note: ...") on stderr.
  void note(std::string_view text);

 private:
  std::string paint(std::string_view text, const char* color) const;
  void write(FILE* stream, const std::string& text);
  FILE* lines_stream() const;

  std::mutex mutex_;
  Target target_;
  bool color_ = false;
  ci::github::CommandWindow* window_ = nullptr;
};

/// Reports image builds on a Console.
class ConsoleBuildReporter final : public build::BuildReporter {
 public:
  ConsoleBuildReporter(Console& console, Lines lines) : console_(console), lines_(lines) {}
  void started(const std::string& image) override;
  void line(const std::string& image, std::string_view text) override;
  void finished(const build::BuiltImage& image) override;

 private:
  Console& console_;
  Lines lines_;
};

}  // namespace pw::cli
