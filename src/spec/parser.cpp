#include "spec/parser.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <sstream>
#include <unordered_map>

#include "spec/parse_sections.hpp"
#include "spec/yaml_reader.hpp"
#include "util/utf8.hpp"

namespace pw::spec {
namespace {

const std::vector<std::string> k_top_keys = {"version",      "name",   "registry", "variables",
                                             "secrets",      "images", "services", "jobs",
                                             "environments", "flows"};

// True when the 0-based line of source is indented with a tab, which YAML forbids.
bool indented_with_tab(const std::string& source, int line) {
  std::size_t start = 0;
  for (int i = 0; i < line && start != std::string::npos; ++i) {
    start = source.find('\n', start);
    if (start != std::string::npos)
      ++start;
  }
  if (start == std::string::npos)
    return false;
  const std::size_t text = source.find_first_not_of(" \t", start);
  return source.find('\t', start) < std::min(text, source.size());
}

// A hint for yaml-cpp's terse syntax messages, when one helps.
std::string syntax_hint(const std::string& source, const YAML::ParserException& e) {
  if (indented_with_tab(source, e.mark.line)) {
    return "YAML indentation is spaces only; this line is indented with a tab";
  }
  if (e.msg == YAML::ErrorMsg::END_OF_MAP_FLOW) {
    return "an earlier '{' is never closed by '}', or a ',' is missing";
  }
  if (e.msg == YAML::ErrorMsg::END_OF_SEQ_FLOW) {
    return "an earlier '[' is never closed by ']', or a ',' is missing";
  }
  if (e.msg == YAML::ErrorMsg::UNKNOWN_ANCHOR) {
    return "'*NAME' repeats a value marked '&NAME' earlier in the file";
  }
  return "";
}

// Notes where the first node of a document starts.
class FirstNode final : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> mark;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                const std::string&) override {
    note(m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    note(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    note(m);
  }
  void OnMapEnd() override {}

 private:
  void note(const YAML::Mark& m) {
    if (!mark)
      mark = m;
  }
};

// Where the first text of source is that makes a document not empty, if any: not blank, not
// a comment, a document marker, a directive or an explicit null.
std::optional<SourcePos> first_content(const std::string& source) {
  std::istringstream lines(source);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    const std::size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos || line[start] == '#' || line[start] == '%')
      continue;
    const std::size_t end = line.find(" #", start);
    std::string text = line.substr(start, end == std::string::npos ? end : end - start);
    text.erase(text.find_last_not_of(" \t\r") + 1);
    for (const char* empty : {"---", "...", "~", "null", "Null", "NULL", "--- ~", "--- null"}) {
      if (text == empty)
        text.clear();
    }
    if (!text.empty())
      return SourcePos{number, static_cast<int>(start) + 1};
  }
  return std::nullopt;
}

// The one document of the file; a second document would be silently ignored otherwise.
// (Not YAML::LoadAll: on some malformed streams it yields empty documents forever.)
std::optional<YAML::Node> single_document(const std::string& source, Diagnostics& diagnostics) {
  YAML::Node document = YAML::Load(source);
  if (document.IsNull()) {
    // yaml-cpp reads some malformed text (a stray ',' first) as an empty document.
    if (auto stray = first_content(source)) {
      diagnostics.error(*stray, "invalid YAML: unexpected text",
                        "a spec is one YAML mapping, such as 'version: 1' and what follows");
      return std::nullopt;
    }
    return document;
  }
  std::istringstream stream(source);
  YAML::Parser parser(stream);
  FirstNode first;
  FirstNode second;
  if (parser.HandleNextDocument(first) && parser.HandleNextDocument(second)) {
    const YAML::Mark mark = second.mark.value_or(YAML::Mark::null_mark());
    diagnostics.error(mark.is_null() ? SourcePos{} : SourcePos{mark.line + 1, mark.column + 1},
                      "the file holds more than one YAML document; a spec is one",
                      "remove the '---' line that starts the second document");
  }
  return document;
}

std::optional<YAML::Node> parse_yaml(const std::string& source, Diagnostics& diagnostics) {
  try {
    return single_document(source, diagnostics);
  } catch (const YAML::DeepRecursion& e) {
    diagnostics.error({e.mark.line + 1, e.mark.column + 1}, "the YAML is nested too deeply",
                      "a pipeline spec needs only a few levels of nesting");
  } catch (const YAML::ParserException& e) {
    diagnostics.error({e.mark.line + 1, e.mark.column + 1}, "invalid YAML: " + e.msg,
                      syntax_hint(source, e));
  } catch (const YAML::Exception& e) {
    diagnostics.error({e.mark.line + 1, e.mark.column + 1}, "invalid YAML: " + e.msg);
  }
  return std::nullopt;
}

// 1-based line and column of byte offset in source.
SourcePos position_of(const std::string& source, std::size_t offset) {
  const std::size_t nl = offset == 0 ? std::string::npos : source.rfind('\n', offset - 1);
  const std::size_t line_start = nl == std::string::npos ? 0 : nl + 1;
  const auto end = source.begin() + static_cast<std::ptrdiff_t>(offset);
  const auto line = std::count(source.begin(), end, '\n');
  return {static_cast<int>(line) + 1, static_cast<int>(offset - line_start) + 1};
}

// Refuses text that is not a UTF-8 text file (binary files, NUL bytes, UTF-16, Latin-1), which
// YAML would misread or report confusingly. True when the text is fine.
bool check_encoding(const std::string& source, Diagnostics& diagnostics) {
  const std::size_t nul = source.find('\0');
  const std::size_t invalid = first_invalid_utf8(source);
  if (nul == std::string::npos && invalid == std::string::npos)
    return true;
  if (nul < invalid) {
    diagnostics.error(position_of(source, nul), "the spec contains a NUL byte",
                      "a spec is UTF-8 text; is this a binary file?");
  } else {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(source[invalid]));
    diagnostics.error(position_of(source, invalid),
                      std::string("the spec is not UTF-8: byte ") + byte + " is not valid here",
                      "save the file as UTF-8; is this a binary file?");
  }
  return false;
}

using Values = std::unordered_map<std::string, std::string>;

// Spec variables apply where the environment does not set a name (the CI or the user wins).
// Hashed: a spec may hold many variables and expand many values.
VarLookup with_spec_variables(const VarLookup& env, std::shared_ptr<const Values> values) {
  return [env, values](std::string_view name) -> std::optional<std::string> {
    if (auto value = env(name))
      return value;
    auto it = values->find(std::string(name));
    if (it != values->end())
      return it->second;
    return std::nullopt;
  };
}

// The spec's own variables; each value may use the environment and the variables above it.
VarList read_variables(YamlReader& reader, const YAML::Node& node, const VarLookup& env) {
  VarList variables;
  auto entries = reader.entries(node, "'variables'", {});
  if (!entries)
    return variables;
  auto above = std::make_shared<Values>();
  reader.set_lookup(with_spec_variables(env, above));
  for (const auto& e : *entries) {
    if (!is_variable_name(e.key)) {
      reader.error(e.key_pos, "invalid variable name '" + e.key + "' in 'variables'",
                   "names are letters, digits and '_', not starting with a digit",
                   static_cast<int>(e.key.size()));
      continue;
    }
    if (auto value = reader.located(e.value, "'" + e.key + "' in 'variables'")) {
      above->emplace(e.key, value->value);
      variables.emplace_back(e.key, *value);
    }
  }
  reader.set_lookup(env);
  return variables;
}

void parse_header(YamlReader& reader, const std::vector<MapEntry>& entries, const VarLookup& env,
                  Spec& spec) {
  for (const auto& e : entries) {
    if (e.key == "version") {
      if (auto v = reader.integer(e.value, "'version'", 1, 1000)) {
        spec.version = *v;
        if (*v != 1)
          reader.error(e.value, "unsupported spec version " + std::to_string(*v),
                       "this pipewright reads version 1");
      }
    } else if (e.key == "name") {
      if (auto v = reader.string(e.value, "'name'")) {
        spec.name = *v;
        check_name(reader, *v, reader.pos(e.value), "project");
      }
    } else if (e.key == "variables") {
      spec.variables = read_variables(reader, e.value, env);
    }
  }
}

void parse_body(YamlReader& reader, const std::vector<MapEntry>& entries, Spec& spec) {
  for (const auto& e : entries) {
    if (e.key == "registry") {
      spec.registry = reader.string(e.value, "'registry'").value_or("");
    } else if (e.key == "secrets") {
      spec.secrets = parse_secrets(reader, e.value);
    } else if (e.key == "images") {
      spec.images = parse_images(reader, e.value);
    } else if (e.key == "services") {
      spec.services = parse_services(reader, e.value);
    } else if (e.key == "jobs") {
      spec.jobs = parse_jobs(reader, e.value);
    } else if (e.key == "environments") {
      spec.environments = parse_environments(reader, e.value);
    } else if (e.key == "flows") {
      spec.flows = parse_flows(reader, e.value);
    }
  }
}

}  // namespace

Spec parse_spec(const std::string& source, const VarLookup& env, Diagnostics& diagnostics) {
  Spec spec;
  if (source.size() > k_max_spec_bytes) {
    diagnostics.error({},
                      "the spec is " + std::to_string(source.size() / 1024) +
                          " KiB; the limit is " + std::to_string(k_max_spec_bytes / 1024) + " KiB",
                      "is this really a pipeline spec?");
    return spec;
  }
  if (!check_encoding(source, diagnostics))
    return spec;
  auto document = parse_yaml(source, diagnostics);
  if (!document)
    return spec;
  YamlReader reader(diagnostics, source, env);
  if (document->IsNull()) {
    diagnostics.error({1, 1}, "the spec is empty", "start with 'version: 1' and 'name: <project>'");
    return spec;
  }
  auto entries = reader.entries(*document, "the spec", k_top_keys);
  if (!entries)
    return spec;
  reader.require(*entries, {"version", "name", "jobs"}, reader.pos(*document), "the spec");
  parse_header(reader, *entries, env, spec);
  auto values = std::make_shared<Values>();
  for (const auto& [key, value] : spec.variables)
    values->emplace(key, value.value);
  reader.set_lookup(with_spec_variables(env, values));
  parse_body(reader, *entries, spec);
  // What was read before the reader gave up is too partial to validate: report only that.
  if (reader.exhausted())
    return Spec{};
  if (spec.registry.empty())
    spec.registry = "localhost:5000/" + spec.name;
  for (auto& environment : spec.environments) {
    if (environment.repository.empty())
      environment.repository = spec.registry;
  }
  return spec;
}

}  // namespace pw::spec
