#include "spec/variables.hpp"

#include <cctype>

namespace pw::spec {
namespace {

constexpr std::string_view k_secret_prefix = "secret:";
// Placeholders are delimited by NUL bytes, which no environment variable can hold: a value
// that came from the environment (a commit message, a branch name) can never turn into a
// secret reference, and neither can a literal "$${secret:X}".
constexpr std::string_view k_placeholder_open{"\0secret:", 8};

bool is_name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Position of the '}' closing the "${" at open, honouring nested "${...}" in defaults.
std::size_t find_close(std::string_view text, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    if (text.compare(i, 2, "${") == 0) {
      ++depth;
      ++i;
    } else if (text[i] == '}' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// Expands the body of one "${...}" (between the braces) starting at offset in the value.
Result<std::string, ExpansionError> expand_one(std::string_view body, std::size_t offset,
                                               const VarLookup& lookup,
                                               std::vector<std::string>* secrets) {
  if (body.substr(0, k_secret_prefix.size()) == k_secret_prefix) {
    const std::string_view name = body.substr(k_secret_prefix.size());
    if (!is_variable_name(name)) {
      return ExpansionError{offset, body.size() + 3,
                            "invalid secret name '" + std::string(name) + "'",
                            "secret names are letters, digits and '_'"};
    }
    if (secrets != nullptr)
      secrets->emplace_back(name);
    return secret_placeholder(name);
  }
  std::size_t name_end = 0;
  while (name_end < body.size() && is_name_char(body[name_end]))
    ++name_end;
  const std::string_view name = body.substr(0, name_end);
  if (name.empty() || !is_name_start(name[0])) {
    return ExpansionError{offset, body.size() + 3,
                          "invalid variable reference '${" + std::string(body) + "}'",
                          "write ${NAME} or ${NAME:-default}; $${ gives a literal ${"};
  }
  const std::string_view rest = body.substr(name_end);
  const std::optional<std::string> value = lookup(name);
  if (rest.empty()) {
    if (!value) {
      return ExpansionError{offset, body.size() + 3,
                            "variable '" + std::string(name) + "' is not set",
                            "set it in the environment or under 'variables:' (above its use), or "
                            "give a default: ${" +
                                std::string(name) + ":-value}"};
    }
    return *value;
  }
  if (rest.substr(0, 2) != ":-") {
    return ExpansionError{offset, body.size() + 3,
                          "unsupported expansion '${" + std::string(body) + "}'",
                          "only ${NAME} and ${NAME:-default} are supported"};
  }
  if (value && !value->empty())
    return *value;
  auto fallback = expand_variables(rest.substr(2), lookup, secrets);
  if (fallback)
    return fallback;
  ExpansionError error = fallback.error();
  error.offset += offset + 2 + name_end + 2;  // past "${", the name and ":-"
  return error;
}

}  // namespace

bool is_variable_name(std::string_view name) {
  if (name.empty() || !is_name_start(name[0]))
    return false;
  for (char c : name) {
    if (!is_name_char(c))
      return false;
  }
  return true;
}

Result<std::string, ExpansionError> expand_variables(std::string_view text, const VarLookup& lookup,
                                                     std::vector<std::string>* secrets) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    const std::size_t close = find_close(text, i);
    if (close == std::string_view::npos) {
      return ExpansionError{i, 2, "unterminated '${' (no closing '}')", "use $${ for a literal ${"};
    }
    auto expanded = expand_one(text.substr(i + 2, close - i - 2), i, lookup, secrets);
    if (!expanded)
      return expanded.error();
    out += expanded.value();
    i = close + 1;
  }
  return out;
}

std::vector<std::string> secret_references(std::string_view expanded) {
  std::vector<std::string> names;
  substitute_secrets(expanded, [&](std::string_view name) {
    names.emplace_back(name);
    return std::string();
  });
  return names;
}

std::string secret_placeholder(std::string_view name) {
  return std::string(k_placeholder_open) + std::string(name) + std::string(1, '\0');
}

std::string substitute_secrets(std::string_view expanded,
                               const std::function<std::string(std::string_view)>& resolve) {
  std::string out;
  std::size_t i = 0;
  while (i < expanded.size()) {
    const std::size_t start = expanded.find(k_placeholder_open, i);
    const std::size_t close = start == std::string_view::npos
                                  ? start
                                  : expanded.find('\0', start + k_placeholder_open.size());
    if (close == std::string_view::npos)
      break;
    out.append(expanded.substr(i, start - i));
    out += resolve(expanded.substr(start + k_placeholder_open.size(),
                                   close - start - k_placeholder_open.size()));
    i = close + 1;
  }
  out.append(expanded.substr(std::min(i, expanded.size())));
  return out;
}

}  // namespace pw::spec
