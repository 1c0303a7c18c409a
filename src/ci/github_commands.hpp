#pragma once

#include <string>
#include <string_view>

// GitHub Actions workflow commands (`::group::`, `::error …::`, `::add-mask::`,
// `::stop-commands::`) and the files it reads after a step ($GITHUB_OUTPUT). Pure formatting:
// every untrusted value is escaped the way the runner unescapes it, so a branch name or a test
// message can never end a command early or start another one.

namespace pw::ci::github {

/// A command's message: '%', CR and LF escaped (%25, %0D, %0A).
std::string escape_data(std::string_view text);

/// A command property value: escape_data plus ':' and ',' (%3A, %2C).
std::string escape_property(std::string_view text);

/// Where an annotation points; line/col 0 means "not known".
struct AnnotationPlace {
  std::string file;
  int line = 0;
  int col = 0;
};

/// "::error file=F,line=L,col=C,title=T::MESSAGE" (empty properties left out).
std::string error_annotation(const AnnotationPlace& place, std::string_view title,
                             std::string_view message);

/// "::group::TITLE".
std::string group_start(std::string_view title);

/// "::endgroup::".
std::string group_end();

/// One "::add-mask::LINE" per non-empty line of secret, joined by '\n' (the runner masks line by
/// line, so a multi-line secret needs each line registered). Empty when secret is empty.
std::string add_mask(std::string_view secret);

/// A fresh unpredictable token (32 hex digits from the OS's random source) for stop-commands
/// and output delimiters: output that cannot see it cannot guess it.
std::string random_token();

/// "::stop-commands::TOKEN": the runner ignores workflow commands until resume_commands(TOKEN).
std::string stop_commands(std::string_view token);

/// "::TOKEN::": commands are processed again.
std::string resume_commands(std::string_view token);

/// A $GITHUB_OUTPUT (or $GITHUB_ENV) entry in the multi-line form "NAME<<DELIM\nVALUE\nDELIM\n"
/// with a random delimiter that does not occur in value, so a value cannot add entries.
/// Precondition: name matches [A-Za-z_][A-Za-z0-9_-]*.
std::string output_entry(std::string_view name, std::string_view value);

}  // namespace pw::ci::github

namespace pw::ci::github {

/// Keeps untrusted output from issuing workflow commands: before untrusted text the runner is
/// told to stop processing commands (with a secret token); before one of our own commands it
/// is told to resume. Not thread-safe: the caller serializes output.
class CommandWindow {
 public:
  /// A window with a fresh random token.
  CommandWindow();
  /// The line to print before untrusted text ("::stop-commands::TOKEN"), or empty when
  /// commands are already stopped.
  std::string before_untrusted();
  /// The line to print before a workflow command of ours ("::TOKEN::"), or empty when
  /// commands are not stopped.
  std::string before_command();
  /// The token (for tests).
  const std::string& token() const { return token_; }

 private:
  std::string token_;
  bool stopped_ = false;
};

}  // namespace pw::ci::github
