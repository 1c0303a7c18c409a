#pragma once

#include <string>

#include "spec/diagnostic.hpp"
#include "spec/model.hpp"
#include "spec/variables.hpp"

namespace pw::spec {

/// Largest spec file accepted; larger files are refused before parsing (bounded memory).
inline constexpr std::size_t k_max_spec_bytes = 4 * 1024 * 1024;

/// Parses spec text into the model, recording every syntax and schema problem found (unknown
/// and duplicate keys, wrong types, missing keys, bad variables) in diagnostics. Never throws
/// for bad input. env looks up environment variables for ${VAR} expansion.
Spec parse_spec(const std::string& source, const VarLookup& env, Diagnostics& diagnostics);

}  // namespace pw::spec
