#pragma once

#include "plan/change_set.hpp"
#include "plan/plan.hpp"
#include "spec/model.hpp"

// Monorepo selection: a plan narrowed to the jobs whose inputs changed. Pure.
//
// A job's selection paths are its own `paths:` plus, when its image declares `paths:`, the
// image's paths and Dockerfile. A job of the plan
//   - with selection paths is selected when a changed file lies under one of them
//     ("changed: src/a.py under src");
//   - without any is selected when the plan asked for it (it always runs, reason kept), and
//     otherwise runs only when a selected job needs it;
//   - not selected still runs when a selected job needs it ("needed by 'x'").
// Everything else is left out with why ("no changes under src, tests/unit"). Images are kept
// only when a remaining job (or a service of one), the release or a verify job needs them.
// Scope::everything selects what the plan holds, unchanged. The spec file itself is not an
// input of any job: editing a job's definition does not select it (its cache key still
// changes, so a selected run never reuses a stale result).

namespace pw {

/// The paths that select job: its own `paths:` plus its image's `paths:` and Dockerfile when
/// the image declares paths; empty when neither declares any.
std::vector<std::string> selection_paths(const spec::Spec& spec, const spec::Job& job);

/// plan narrowed to what changes selects; plan.changes records changes.
Plan select_changes(const spec::Spec& spec, const Plan& plan, const ChangeSet& changes);

}  // namespace pw
