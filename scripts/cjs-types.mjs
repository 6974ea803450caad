// After `tsc`: gives every emitted declaration a CommonJS twin (x.d.ts → x.d.cts,
// relative imports rewritten to .cjs), so that TypeScript users who require()
// taskloop get types that say what they get. The JavaScript stays ESM only:
// Node.js 20.19+ require()s it (see cjs/load.cjs).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

function* declarations(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* declarations(path);
    else if (entry.name.endsWith(".d.ts")) yield path;
  }
}

let count = 0;
for (const file of declarations("dist")) {
  const text = readFileSync(file, "utf8")
    .replace(/(from\s+["'])(\.{1,2}\/[^"']+)\.(?:js|ts)(["'])/g, "$1$2.cjs$3")
    .replace(/(import\(\s*["'])(\.{1,2}\/[^"']+)\.(?:js|ts)(["']\s*\))/g, "$1$2.cjs$3")
    .replace(/\/\/# sourceMappingURL=.*$/m, "");
  writeFileSync(file.replace(/\.d\.ts$/, ".d.cts"), text);
  count++;
}
console.log(`cjs-types: ${count} declaration files twinned as .d.cts`);
