import { fork } from "node:child_process";
import { run, gather } from "taskloop";
import { DownloadManager } from "taskloop/download";
const child = fork("/work/wt-download/bench/download-server.ts", [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "pipe", "inherit", "ipc"] });
const port = await new Promise<number>((r) => child.stdout!.once("data", (l) => r(JSON.parse(String(l)).port)));
const base = `http://127.0.0.1:${port}`;
const mode = process.argv[2];
for (let k = 0; k < 8; k++) {
  const t0 = performance.now(); const c0 = process.cpuUsage();
  if (mode === "node") await Promise.all(Array.from({ length: 1000 }, () => fetch(`${base}/small`).then((r) => r.arrayBuffer())));
  else if (mode === "nodesig") await Promise.all(Array.from({ length: 1000 }, () => fetch(`${base}/small`, { signal: new AbortController().signal, headers: {"accept-encoding": "identity"} }).then((r) => r.arrayBuffer())));
  else if (mode === "sig") await Promise.all(Array.from({ length: 1000 }, () => fetch(`${base}/small`, { signal: new AbortController().signal }).then((r) => r.arrayBuffer())));
  else if (mode === "hdr") await Promise.all(Array.from({ length: 1000 }, () => fetch(`${base}/small`, { headers: {"accept-encoding": "identity"} }).then((r) => r.arrayBuffer())));
  else if (mode === "reader") await Promise.all(Array.from({ length: 1000 }, async () => { const r = await fetch(`${base}/small`); const rd = r.body!.getReader(); while (!(await rd.read()).done); }));
  else await run(function* () { const a = []; for (let i = 0; i < 1000; i++) a.push(DownloadManager.download(`${base}/small`)); return yield* gather(...a); });
  const c = process.cpuUsage(c0); console.log(mode, k, Math.round(1000 / ((performance.now() - t0) / 1000)), Math.round((c.user + c.system) / 1000));
}
child.kill();
