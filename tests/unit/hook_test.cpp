#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "hook/hook_install.hpp"
#include "hook/hook_script.hpp"
#include "hook/push_update.hpp"
#include "hook/verdict.hpp"
#include "util/temp_dir.hpp"

namespace pw::hook {
namespace {

const std::string k_a(40, 'a');
const std::string k_b(40, 'b');
const std::string k_zero(40, '0');

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

TEST(PushLines, ParsesUpdatesAndDeletions) {
  std::string error;
  const auto updates =
      parse_push_lines("refs/heads/feature/x " + k_a + " refs/heads/feature/x " + k_zero +
                           "\n\n(delete) " + k_zero + " refs/heads/old " + k_b + "\r\n",
                       error);
  ASSERT_TRUE(updates) << error;
  ASSERT_EQ(updates->size(), 2u);
  EXPECT_EQ((*updates)[0].local_sha, k_a);
  EXPECT_TRUE(is_zero_sha((*updates)[0].remote_sha));
  EXPECT_TRUE(is_zero_sha((*updates)[1].local_sha));
  EXPECT_EQ((*updates)[1].remote_ref, "refs/heads/old");
}

TEST(PushLines, RefusesMalformedLines) {
  std::string error;
  EXPECT_FALSE(parse_push_lines("refs/heads/x " + k_a + " refs/heads/x\n", error));
  EXPECT_EQ(error,
            "line 1 of the pre-push input is not '<local ref> <local sha> <remote ref> <remote "
            "sha>'");
  EXPECT_FALSE(parse_push_lines("a " + k_a + " b " + k_b + " extra\n", error));
  EXPECT_FALSE(parse_push_lines("a $(rm) b " + k_b + "\n", error));
  const auto empty = parse_push_lines("", error);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(PushLines, TheRefIsNamedAsOnTheRemote) {
  PushUpdate update{"HEAD", k_a, "refs/heads/feature/$(x)", k_zero};
  auto ref = pushed_ref(update);
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->kind, spec::RefKind::branch);
  EXPECT_EQ(ref->name, "feature/$(x)");
  update.remote_ref = "refs/tags/v1.0";
  ref = pushed_ref(update);
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->kind, spec::RefKind::tag);
  update.remote_ref = "refs/notes/pipewright";
  EXPECT_FALSE(pushed_ref(update));
  update.remote_ref = "refs/heads/";
  EXPECT_FALSE(pushed_ref(update));
}

TEST(HookScript, QuotesTheBinaryAndIsRecognised) {
  const std::string script = hook_script("/opt/it's here/pipewright", "");
  EXPECT_NE(script.find("pipewright='/opt/it'\\''s here/pipewright'\n"), std::string::npos);
  EXPECT_NE(script.find("exec \"$pipewright\" hook pre-push \"$@\"\n"), std::string::npos);
  EXPECT_NE(script.find("git push --no-verify"), std::string::npos);
  EXPECT_EQ(script.rfind("#!/bin/sh\n", 0), 0u);
  EXPECT_TRUE(is_pipewright_hook(script));
  EXPECT_FALSE(is_pipewright_hook("#!/bin/sh\nexec lefthook run pre-push\n"));
  EXPECT_NE(hook_script("/bin/pw", "/r/ci.yaml").find("-f '/r/ci.yaml' hook pre-push"),
            std::string::npos);
}

TEST(Verdict, EveryInputChangesTheKey) {
  const VerdictInputs base{"1.0", "spec", k_a, "feature", {"job-a", "job-b"}};
  const std::string key = verdict_key(base);
  EXPECT_EQ(key, verdict_key(base));
  auto changed = [&](auto edit) {
    VerdictInputs other = base;
    edit(other);
    return verdict_key(other) != key;
  };
  EXPECT_TRUE(changed([](VerdictInputs& v) { v.tool_version = "1.1"; }));
  EXPECT_TRUE(changed([](VerdictInputs& v) { v.spec_text += " "; }));
  EXPECT_TRUE(changed([&](VerdictInputs& v) { v.commit = k_b; }));
  EXPECT_TRUE(changed([](VerdictInputs& v) { v.flow = "other"; }));
  EXPECT_TRUE(changed([](VerdictInputs& v) { v.jobs.pop_back(); }));
  EXPECT_TRUE(changed([](VerdictInputs& v) { std::swap(v.jobs[0], v.jobs[1]); }));
  // fields are length-prefixed: moving text from one field to the next is another key
  EXPECT_TRUE(changed([](VerdictInputs& v) { v.jobs = {"job-ajob-b"}; }));
}

TEST(Verdict, OnlyRecordedPassesAreFound) {
  const TempDir dir("pw-verdict");
  const VerdictCache cache(dir.path() / "prepush");
  EXPECT_FALSE(cache.passed("k1"));
  cache.record_pass("k1", "abc run 1");
  EXPECT_TRUE(cache.passed("k1"));
  EXPECT_FALSE(cache.passed("k2"));
}

TEST(HookInstall, WritesIsIdempotentAndRemoves) {
  const TempDir dir("pw-hooks");
  const auto hooks = dir.path() / "hooks";
  const std::string script = hook_script("/bin/pw", "");
  auto installed = install_hook(hooks, script, Overwrite::refuse);
  EXPECT_EQ(installed.action, Installed::written);
  EXPECT_EQ(read(hooks / "pre-push"), script);
  EXPECT_EQ(install_hook(hooks, script, Overwrite::refuse).action, Installed::unchanged);
  EXPECT_EQ(install_hook(hooks, hook_script("/usr/bin/pw", ""), Overwrite::refuse).action,
            Installed::updated);
  EXPECT_EQ(uninstall_hook(hooks).action, Uninstalled::removed);
  EXPECT_FALSE(std::filesystem::exists(hooks / "pre-push"));
  EXPECT_EQ(uninstall_hook(hooks).action, Uninstalled::absent);
}

TEST(HookInstall, AForeignHookIsKeptAndRestored) {
  const TempDir dir("pw-hooks");
  const auto hooks = dir.path();
  write(hooks / "pre-push", "#!/bin/sh\necho theirs\n");
  const std::string script = hook_script("/bin/pw", "");
  EXPECT_THROW(install_hook(hooks, script, Overwrite::refuse), UsageError);
  EXPECT_EQ(read(hooks / "pre-push"), "#!/bin/sh\necho theirs\n");
  EXPECT_THROW(uninstall_hook(hooks), UsageError);
  const auto installed = install_hook(hooks, script, Overwrite::force);
  EXPECT_EQ(installed.action, Installed::replaced_foreign);
  ASSERT_TRUE(installed.backup);
  EXPECT_EQ(read(*installed.backup), "#!/bin/sh\necho theirs\n");
  // a second foreign hook cannot overwrite the backup
  write(hooks / "pre-push", "#!/bin/sh\necho another\n");
  EXPECT_THROW(install_hook(hooks, script, Overwrite::force), UsageError);
  write(hooks / "pre-push", script);
  EXPECT_EQ(uninstall_hook(hooks).action, Uninstalled::restored_backup);
  EXPECT_EQ(read(hooks / "pre-push"), "#!/bin/sh\necho theirs\n");
  EXPECT_FALSE(std::filesystem::exists(backup_path(hooks / "pre-push")));
}

}  // namespace
}  // namespace pw::hook
