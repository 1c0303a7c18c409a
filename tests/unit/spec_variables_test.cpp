// Variable expansion in spec values (spec/variables.hpp): ${VAR}, ${VAR:-default} (nested),
// $${ escapes, errors with their offsets, and ${secret:NAME} placeholders that are kept,
// listed and only ever resolved by substitute_secrets.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "spec/variables.hpp"

namespace pw::spec {
namespace {

// The placeholder expansion leaves for ${secret:NAME}.
std::string P(const std::string& name) {
  return secret_placeholder(name);
}

const std::map<std::string, std::string, std::less<>> k_vars = {
    {"HOME", "/home/ci"}, {"EMPTY", ""}, {"REGISTRY", "localhost:5000"}, {"_under_1", "u"}};

std::optional<std::string> lookup(std::string_view name) {
  auto it = k_vars.find(name);
  if (it == k_vars.end())
    return std::nullopt;
  return it->second;
}

std::string expanded(std::string_view text) {
  auto result = expand_variables(text, lookup, nullptr);
  EXPECT_TRUE(result) << text << ": " << (result ? "" : result.error().message);
  return result ? result.value() : "";
}

ExpansionError failure(std::string_view text) {
  auto result = expand_variables(text, lookup, nullptr);
  EXPECT_FALSE(result) << text << " expanded to " << (result ? result.value() : "");
  return result ? ExpansionError{} : result.error();
}

TEST(SpecVariables, PlainTextIsUnchanged) {
  EXPECT_EQ(expanded(""), "");
  EXPECT_EQ(expanded("pytest tests/unit"), "pytest tests/unit");
  EXPECT_EQ(expanded("$HOME and $ alone and {braces}"), "$HOME and $ alone and {braces}");
  EXPECT_EQ(expanded("price: 5$"), "price: 5$");
}

TEST(SpecVariables, ExpandsSetVariables) {
  EXPECT_EQ(expanded("${HOME}"), "/home/ci");
  EXPECT_EQ(expanded("${REGISTRY}/app:${HOME}"), "localhost:5000/app:/home/ci");
  EXPECT_EQ(expanded("${_under_1}${_under_1}"), "uu");
  EXPECT_EQ(expanded("${EMPTY}"), "");
}

TEST(SpecVariables, DefaultsApplyWhenUnsetOrEmpty) {
  EXPECT_EQ(expanded("${NOPE:-fallback}"), "fallback");
  EXPECT_EQ(expanded("${EMPTY:-fallback}"), "fallback");
  EXPECT_EQ(expanded("${HOME:-fallback}"), "/home/ci");
  EXPECT_EQ(expanded("${NOPE:-}"), "");
  EXPECT_EQ(expanded("${NOPE:-a:b-c}"), "a:b-c");
  EXPECT_EQ(expanded("${NOPE:-localhost:5000}/x"), "localhost:5000/x");
}

TEST(SpecVariables, DefaultsNest) {
  EXPECT_EQ(expanded("${NOPE:-${REGISTRY}}"), "localhost:5000");
  EXPECT_EQ(expanded("${NOPE:-${ALSO_NOPE:-deep}}/x"), "deep/x");
  EXPECT_EQ(expanded("${NOPE:-pre-${HOME}-post}"), "pre-/home/ci-post");
  // A set variable never looks at its default, even a broken one.
  EXPECT_EQ(expanded("${HOME:-${UNSET}}"), "/home/ci");
}

TEST(SpecVariables, DoubleDollarIsALiteral) {
  EXPECT_EQ(expanded("$${HOME}"), "${HOME}");
  EXPECT_EQ(expanded("$${HOME} is ${HOME}"), "${HOME} is /home/ci");
  EXPECT_EQ(expanded("$${unterminated"), "${unterminated");
  EXPECT_EQ(expanded("$$HOME"), "$$HOME");  // only "$${" is an escape
}

TEST(SpecVariables, UnsetVariableIsAnErrorAtItsOffset) {
  const ExpansionError e = failure("prefix ${NOPE} suffix");
  EXPECT_EQ(e.offset, 7u);
  EXPECT_EQ(e.length, 7u);  // "${NOPE}"
  EXPECT_EQ(e.message, "variable 'NOPE' is not set");
  EXPECT_EQ(e.hint,
            "set it in the environment or under 'variables:' (above its use), or give a "
            "default: ${NOPE:-value}");
}

TEST(SpecVariables, ErrorInsideADefaultPointsInsideIt) {
  const ExpansionError e = failure("x ${NOPE:-${ALSO_NOPE}}");
  EXPECT_EQ(e.offset, 10u);  // the inner "${"
  EXPECT_EQ(e.length, 12u);  // "${ALSO_NOPE}"
  EXPECT_EQ(e.message, "variable 'ALSO_NOPE' is not set");
  const ExpansionError deeper = failure("${A:-${B:-${C}}}");
  EXPECT_EQ(deeper.offset, 10u);
  EXPECT_EQ(deeper.message, "variable 'C' is not set");
}

TEST(SpecVariables, UnterminatedReference) {
  const ExpansionError e = failure("ab${HOME");
  EXPECT_EQ(e.offset, 2u);
  EXPECT_EQ(e.length, 2u);
  EXPECT_EQ(e.message, "unterminated '${' (no closing '}')");
  EXPECT_EQ(e.hint, "use $${ for a literal ${");
  EXPECT_EQ(failure("${NOPE:-${X}").message, "unterminated '${' (no closing '}')");
}

TEST(SpecVariables, InvalidReferences) {
  for (const std::string text : {"${}", "${1A}", "${-x}", "${ HOME}", "${:-x}"}) {
    const ExpansionError e = failure(text);
    EXPECT_EQ(e.message, "invalid variable reference '" + text + "'") << text;
    EXPECT_EQ(e.offset, 0u) << text;
    EXPECT_EQ(e.length, text.size()) << text;
  }
}

TEST(SpecVariables, UnsupportedShellForms) {
  for (const std::string text :
       {"${HOME:=x}", "${HOME-x}", "${HOME:+x}", "${HOME#/}", "${HOME }", "${HOME.x}"}) {
    const ExpansionError e = failure(text);
    EXPECT_EQ(e.message, "unsupported expansion '" + text + "'") << text;
    EXPECT_EQ(e.hint, "only ${NAME} and ${NAME:-default} are supported") << text;
  }
}

TEST(SpecVariables, VariableNames) {
  EXPECT_TRUE(is_variable_name("A"));
  EXPECT_TRUE(is_variable_name("_x1"));
  EXPECT_TRUE(is_variable_name("DB_PASSWORD"));
  EXPECT_FALSE(is_variable_name(""));
  EXPECT_FALSE(is_variable_name("1A"));
  EXPECT_FALSE(is_variable_name("my-var"));
  EXPECT_FALSE(is_variable_name("a b"));
  EXPECT_FALSE(is_variable_name("caf\xc3\xa9"));
}

TEST(SpecVariables, SecretPlaceholdersAreKeptAndListed) {
  std::vector<std::string> secrets;
  auto result = expand_variables("postgres://app:${secret:DB_PASSWORD}@${REGISTRY}/${secret:X}",
                                 lookup, &secrets);
  ASSERT_TRUE(result);
  EXPECT_EQ(result.value(), "postgres://app:" + P("DB_PASSWORD") + "@localhost:5000/" + P("X"));
  EXPECT_EQ(secrets, (std::vector<std::string>{"DB_PASSWORD", "X"}));
}

TEST(SpecVariables, SecretPlaceholdersAreNeverLookedUp) {
  // Even when a variable of the same name exists, the placeholder stays a placeholder.
  const VarLookup everything = [](std::string_view) { return std::optional<std::string>("LEAK"); };
  auto result = expand_variables("${secret:HOME}", everything, nullptr);
  ASSERT_TRUE(result);
  EXPECT_EQ(result.value(), P("HOME"));
}

TEST(SpecVariables, SecretPlaceholderInADefaultIsKept) {
  std::vector<std::string> secrets;
  auto result = expand_variables("${TOKEN:-${secret:TOKEN}}", lookup, &secrets);
  ASSERT_TRUE(result);
  EXPECT_EQ(result.value(), P("TOKEN"));
  EXPECT_EQ(secrets, (std::vector<std::string>{"TOKEN"}));
}

TEST(SpecVariables, InvalidSecretNames) {
  for (const std::string text :
       {"${secret:}", "${secret:db-password}", "${secret:1X}", "${secret:a b}"}) {
    const ExpansionError e = failure("x" + text);
    EXPECT_EQ(e.offset, 1u) << text;
    EXPECT_EQ(e.length, text.size()) << text;
    EXPECT_EQ(e.message, "invalid secret name '" + text.substr(9, text.size() - 10) + "'") << text;
    EXPECT_EQ(e.hint, "secret names are letters, digits and '_'") << text;
  }
}

TEST(SpecVariables, SecretReferencesOfAnExpandedValue) {
  EXPECT_EQ(secret_references("a " + P("A") + " b " + P("B_2") + " " + P("A")),
            (std::vector<std::string>{"A", "B_2", "A"}));
  EXPECT_TRUE(secret_references("no secrets, ${HOME} is not one").empty());
  // Text that merely looks like a reference (from the environment, or "$${") is not one.
  EXPECT_TRUE(secret_references("${secret:A}").empty());
  EXPECT_TRUE(secret_references(std::string("\0secret:unterminated", 20)).empty());
}

TEST(SpecVariables, SubstituteSecretsResolvesOnlyPlaceholders) {
  const auto resolve = [](std::string_view name) { return "<" + std::string(name) + ">"; };
  EXPECT_EQ(substitute_secrets("u:" + P("PW") + "@h/" + P("DB"), resolve), "u:<PW>@h/<DB>");
  EXPECT_EQ(substitute_secrets("plain ${secret:X}", resolve), "plain ${secret:X}");
  EXPECT_EQ(substitute_secrets("", resolve), "");
  EXPECT_EQ(substitute_secrets(P("A") + P("B"), resolve), "<A><B>");
  // An unterminated placeholder is left as written.
  const std::string open_only("\0secret:B", 9);
  EXPECT_EQ(substitute_secrets("x " + P("A") + " " + open_only, resolve), "x <A> " + open_only);
  // The resolved value is not scanned again: a value that looks like a placeholder stays.
  const auto sneaky = [](std::string_view) { return secret_placeholder("OTHER"); };
  EXPECT_EQ(substitute_secrets(P("A"), sneaky), secret_placeholder("OTHER"));
}

TEST(SpecVariables, EnvironmentTextCannotForgeASecretReference) {
  // A commit message or branch name holding "${secret:DB}" is data, never a reference.
  const VarLookup hostile = [](std::string_view) -> std::optional<std::string> {
    return std::string("msg ${secret:DB} $${secret:DB}");
  };
  std::vector<std::string> secrets;
  auto result = expand_variables("${CI_COMMIT_MESSAGE} and $${secret:DB}", hostile, &secrets);
  ASSERT_TRUE(result);
  EXPECT_TRUE(secrets.empty());
  EXPECT_TRUE(secret_references(result.value()).empty());
  const auto resolve = [](std::string_view) { return std::string("LEAKED"); };
  EXPECT_EQ(substitute_secrets(result.value(), resolve).find("LEAKED"), std::string::npos);
}

TEST(SpecVariables, ExpansionIsNotRecursive) {
  // A variable's value is inserted as is: "${...}" inside it is not expanded again.
  const VarLookup tricky = [](std::string_view name) -> std::optional<std::string> {
    if (name == "A")
      return std::string("${B}");
    return std::nullopt;
  };
  auto result = expand_variables("${A}", tricky, nullptr);
  ASSERT_TRUE(result);
  EXPECT_EQ(result.value(), "${B}");
}

}  // namespace
}  // namespace pw::spec
