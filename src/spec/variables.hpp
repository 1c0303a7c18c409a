#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

// Variable expansion in spec values: ${VAR} and ${VAR:-default} are replaced from the
// environment (then the spec's own variables); ${secret:NAME} stays as a placeholder that only
// the process layer resolves; $${ is a literal ${.

namespace pw::spec {

/// Looks a variable up; nullopt when it is not set.
using VarLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// Why a value could not be expanded, and where in the value (0-based byte offset).
struct ExpansionError {
  std::size_t offset = 0;
  std::size_t length = 1;
  std::string message;
  std::string hint;
};

/// Expands the variables of text. Secret placeholders are kept verbatim and their names are
/// appended to secrets (when not null).
Result<std::string, ExpansionError> expand_variables(std::string_view text, const VarLookup& lookup,
                                                     std::vector<std::string>* secrets);

/// The secret names referenced by placeholders in an expanded value.
std::vector<std::string> secret_references(std::string_view expanded);

/// The placeholder that expand_variables leaves for ${secret:NAME}: NUL-delimited, so text
/// from the environment can never forge one.
std::string secret_placeholder(std::string_view name);

/// Replaces every secret placeholder with resolve(NAME).
std::string substitute_secrets(std::string_view expanded,
                               const std::function<std::string(std::string_view)>& resolve);

/// True when name is a valid variable or secret name: [A-Za-z_][A-Za-z0-9_]*.
bool is_variable_name(std::string_view name);

}  // namespace pw::spec
