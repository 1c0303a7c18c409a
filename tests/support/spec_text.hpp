#pragma once

#include <gtest/gtest.h>

#include <string>

#include "spec/parser.hpp"

// Unit tests write specs inline: parsed with no environment, any problem fails the test.

namespace pw::test {

/// The spec text parsed (syntax and schema pass, no variables set); EXPECTs no diagnostics.
inline spec::Spec parse_spec_text(const std::string& text) {
  spec::Diagnostics diagnostics;
  spec::Spec s = spec::parse_spec(
      text, [](std::string_view) { return std::nullopt; }, diagnostics);
  EXPECT_TRUE(diagnostics.empty());
  return s;
}

}  // namespace pw::test
