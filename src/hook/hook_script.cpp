#include "hook/hook_script.hpp"

namespace pw::hook {

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string hook_script(const std::string& binary, const std::string& spec_file) {
  std::string script = "#!/bin/sh\n";
  script += std::string(k_hook_marker) +
            " (written by `pipewright hook install`; `pipewright hook uninstall` removes it).\n"
            "# Runs the jobs of the pushed branch's flow on exactly the pushed commits.\n"
            "# Bypass it once with: git push --no-verify\n";
  script += "pipewright=" + shell_quote(binary) + "\n";
  script += "[ -x \"$pipewright\" ] || pipewright=pipewright\n";
  if (spec_file.empty())
    script += "exec \"$pipewright\" hook pre-push \"$@\"\n";
  else
    script += "exec \"$pipewright\" -f " + shell_quote(spec_file) + " hook pre-push \"$@\"\n";
  return script;
}

bool is_pipewright_hook(std::string_view text) {
  return text.find(k_hook_marker) != std::string_view::npos;
}

}  // namespace pw::hook
