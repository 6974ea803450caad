// Packs the package once (as `npm publish` would, without re-running the build)
// and checks the tarball with @arethetypeswrong/cli (types resolve for node10,
// node16 ESM and CJS, bundler) and publint (package.json and files agree).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "taskloop-pack-"));
try {
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { encoding: "utf8" });
  const tarball = join(dir, JSON.parse(out)[0].filename);
  execFileSync("npx", ["attw", tarball, "--format", "table"], { stdio: "inherit" });
  execFileSync("npx", ["publint", "--pack", "false", "--strict"], { stdio: "inherit" });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
