#include "cli/console.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "util/duration.hpp"

namespace pw::cli {
namespace {

void write_line(FILE* stream, const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stream);
  std::fputc('\n', stream);
  std::fflush(stream);
}

std::string short_id(const std::string& id) {
  const std::size_t colon = id.find(':');
  const std::string hex = colon == std::string::npos ? id : id.substr(colon + 1);
  return hex.substr(0, 12);
}

}  // namespace

Console::Console(Target target) : target_(target) {
  const char* no_color = std::getenv("NO_COLOR");
  color_ = ::isatty(::fileno(lines_stream())) == 1 && (no_color == nullptr || *no_color == '\0');
}

FILE* Console::lines_stream() const {
  return target_ == Target::stderr_only ? stderr : stdout;
}

std::string Console::paint(std::string_view text, const char* color) const {
  if (!color_)
    return std::string(text);
  return std::string("\033[") + color + "m" + std::string(text) + "\033[0m";
}

// One line of text, behind the command window when there is one (caller holds the lock).
void Console::write(FILE* stream, const std::string& text) {
  if (window_ != nullptr) {
    if (const std::string stop = window_->before_untrusted(); !stop.empty())
      write_line(stream, stop);
  }
  write_line(stream, text);
}

void Console::set_command_window(ci::github::CommandWindow* window) {
  std::lock_guard lock(mutex_);
  window_ = window;
}

void Console::command(std::string_view text) {
  std::lock_guard lock(mutex_);
  if (window_ != nullptr) {
    if (const std::string resume = window_->before_command(); !resume.empty())
      write_line(lines_stream(), resume);
  }
  write_line(lines_stream(), std::string(text));
}

void Console::line(std::string_view source, std::string_view text) {
  std::lock_guard lock(mutex_);
  write(lines_stream(), paint(std::string(source) + " |", "36") + " " + std::string(text));
}

void Console::status(std::string_view text) {
  std::lock_guard lock(mutex_);
  write(lines_stream(), paint("==> ", "1") + std::string(text));
}

void Console::note(std::string_view text) {
  std::lock_guard lock(mutex_);
  write(target_ == Target::stdout_only ? stdout : stderr,
        paint("note: ", "33") + std::string(text));
}

void ConsoleBuildReporter::started(const std::string& image) {
  console_.status("building image '" + image + "'");
}

void ConsoleBuildReporter::line(const std::string& image, std::string_view text) {
  if (lines_ == Lines::shown)
    console_.line(image, text);
}

void ConsoleBuildReporter::finished(const build::BuiltImage& image) {
  const std::string what =
      image.up_to_date ? "up to date" : "built in " + format_duration(image.duration);
  console_.status("image '" + image.name + "' " + what + ": " + short_id(image.image_id) + " " +
                  image.tags.back() + (image.dirty ? " (dirty: from the working copy)" : ""));
}

}  // namespace pw::cli
