#include "spec/diagnostic.hpp"

#include <algorithm>
#include <string_view>

#include "util/utf8.hpp"

namespace pw::spec {
namespace {

std::string_view line_of(const std::string& source, int line) {
  std::size_t start = 0;
  for (int i = 1; i < line; ++i) {
    const std::size_t nl = source.find('\n', start);
    if (nl == std::string::npos)
      return {};
    start = nl + 1;
  }
  std::size_t end = source.find('\n', start);
  if (end == std::string::npos)
    end = source.size();
  std::string_view text(source.data() + start, end - start);
  if (!text.empty() && text.back() == '\r')
    text.remove_suffix(1);
  return text;
}

// Long lines (minified or hostile files) are cut around the column so output stays short.
constexpr std::size_t k_max_shown = 160;

// The text with every control character (but tab and newline) and every byte that is not
// UTF-8 replaced by '?', byte for byte: a hostile spec must not drive the terminal, and
// columns stay where they were.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_length(text, i);
    const auto lead = static_cast<unsigned char>(text[i]);
    const bool control = (lead < 0x20 && lead != '\t' && lead != '\n') || lead == 0x7F ||
                         (lead == 0xC2 && n == 2 && static_cast<unsigned char>(text[i + 1]) < 0xA0);
    if (n == 0 || control) {
      out.append(std::max<std::size_t>(n, 1), '?');
      i += std::max<std::size_t>(n, 1);
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

void render_source(std::string& out, const std::string& source, const Diagnostic& d) {
  if (d.pos.line <= 0)
    return;
  const std::string_view line = line_of(source, d.pos.line);
  std::size_t col = static_cast<std::size_t>(std::max(d.pos.col, 1)) - 1;
  std::string_view cut = line;
  std::string prefix;
  std::string suffix;
  if (line.size() > k_max_shown) {
    const std::size_t from = col > k_max_shown / 2 ? col - k_max_shown / 2 : 0;
    cut = line.substr(from, k_max_shown);
    col -= from;
    if (from > 0)
      prefix = "...";
    if (from + cut.size() < line.size())
      suffix = "...";
  }
  const std::string text = printable(cut);
  const std::string number = std::to_string(d.pos.line);
  out += ' ' + number + " | " + prefix + text + suffix + '\n';
  std::string underline = prefix.empty() ? "" : "   ";
  // One blank per character, not per byte, and tabs kept, so the caret lines up under the
  // spot in terminals (wide characters aside).
  for (std::size_t i = 0; i < col; ++i) {
    if (i >= text.size()) {
      underline += ' ';
    } else if (text[i] == '\t') {
      underline += '\t';
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      underline += ' ';
    }
  }
  underline += '^';
  // The underline covers span bytes' worth of characters and stops at the end of the text.
  const std::size_t span = static_cast<std::size_t>(std::max(d.span, 1));
  for (std::size_t i = col + 1; i < col + span && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
      underline += '~';
  }
  out += ' ' + std::string(number.size(), ' ') + " | " + underline + '\n';
}

// Cuts text to k_max_message_bytes, at a UTF-8 character boundary, marking the cut.
std::string bounded(std::string text) {
  if (text.size() <= k_max_message_bytes)
    return text;
  std::size_t end = k_max_message_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  text.resize(end);
  return text + "...";
}

}  // namespace

void Diagnostics::error(SourcePos pos, std::string message, std::string hint, int span) {
  if (full()) {
    ++dropped_;
    return;
  }
  items_.push_back(
      Diagnostic{pos, bounded(std::move(message)), bounded(std::move(hint)), std::max(span, 1)});
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.pos.line != b.pos.line ? a.pos.line < b.pos.line : a.pos.col < b.pos.col;
  });
  if (dropped_ > 0) {
    out.push_back(Diagnostic{
        {},
        std::to_string(dropped_) + " more problem" + (dropped_ == 1 ? "" : "s") + " not shown",
        "fix the ones above first",
        1});
  }
  return out;
}

std::string render(const std::string& file_name, const std::string& source,
                   const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    out += printable(file_name);
    if (d.pos.line > 0)
      out += ':' + std::to_string(d.pos.line) + ':' + std::to_string(d.pos.col);
    out += ": error: " + printable(d.message) + '\n';
    render_source(out, source, d);
    if (!d.hint.empty())
      out += "  hint: " + printable(d.hint) + '\n';
  }
  return out;
}

}  // namespace pw::spec
