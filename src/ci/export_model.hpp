#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ci/ci_export.hpp"
#include "spec/model.hpp"

// What both exporters need to know about the spec: which flows run which job (a flow runs
// its `run` jobs and, transitively, what they need), which flows release, which promote where,
// and how to write a pipewright command line into a CI script.

namespace pw::ci {

/// Per flow (in spec order) flags: the flow does the thing.
using FlowSet = std::vector<char>;

/// The flows' reach, computed once from the spec.
struct ExportModel {
  std::vector<FlowSet> job_flows;                  ///< per job (spec order): the flows that run it
  FlowSet release_flows;                           ///< the flows with `release: true`
  std::vector<std::string> promoted_environments;  ///< every environment, in spec order
  std::vector<FlowSet> promote_flows;              ///< per environment: the flows promoting there
};

/// The model of spec (linear in flows times jobs and needs).
ExportModel build_export_model(const spec::Spec& spec);

/// True when some flag of set is on.
bool any_flow(const FlowSet& set);

/// text as one shell word: unchanged when it holds only safe characters, else single-quoted.
std::string shell_quote(std::string_view text);

/// `"$PIPEWRIGHT" [-f SPEC] ARGS...` with every argument shell-quoted.
std::string pipewright_command(const ExportSettings& settings,
                               const std::vector<std::string>& args);

/// `"$PIPEWRIGHT" [-f SPEC] fetch "$PIPEWRIGHT_REMOTE"`: the environment state earlier jobs
/// recorded, taken before a release or promotion (and the tracking refs its push leases on).
std::string fetch_state_command(const ExportSettings& settings);

/// The header comment lines (without '#'): generated from which spec, do not edit, how to
/// regenerate, what runners need. Control characters of the spec path are replaced.
std::vector<std::string> header_lines(CiSystem system, const ExportSettings& settings);

}  // namespace pw::ci
