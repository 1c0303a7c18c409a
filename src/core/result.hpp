#pragma once

#include <boost/outcome/basic_result.hpp>
#include <boost/outcome/policy/terminate.hpp>
#include <boost/outcome/success_failure.hpp>

// The lower tier of error handling: an expected-style result (Boost.Outcome), returned by
// adapters and parsers; the layers above turn failures into typed exceptions (core/error.hpp).

namespace pw {

/// Either a T or an E; accessing the wrong alternative terminates (a bug, not user input).
template <class T, class E>
using Result = boost::outcome_v2::basic_result<T, E, boost::outcome_v2::policy::terminate>;

/// The value of r, or fallback when r holds an error.
template <class T, class E>
T value_or(const Result<T, E>& r, T fallback) {
  return r ? r.value() : std::move(fallback);
}

using boost::outcome_v2::failure;
using boost::outcome_v2::success;

}  // namespace pw
