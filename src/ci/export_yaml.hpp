#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

// Emitting the exported configuration: every string goes through put_string, so that a job
// name like `on`, `yes` or `123`, or a pattern like `feature/$(touch x)`, is read back by any
// YAML reader (GitLab's YAML 1.1 Ruby reader included) as exactly that string.

namespace pw::ci {

/// Writes text as a scalar: plain when no YAML reader could take it for anything but this
/// string, else quoted (single quotes when printable, double quotes with escapes otherwise).
void put_string(YAML::Emitter& out, std::string_view text);

/// Writes a key and a string value.
void put_entry(YAML::Emitter& out, std::string_view key, std::string_view value);

/// Writes a key and a flow sequence of strings.
void put_list(YAML::Emitter& out, std::string_view key, const std::vector<std::string>& values);

/// The document: the header lines as '#' comments, a blank line, the emitted YAML, a final
/// newline. Throws std::logic_error when the emitter is in an error state (a bug).
std::string render_document(const std::vector<std::string>& header, const YAML::Emitter& out);

}  // namespace pw::ci
