import { tcpWorkload } from "./workloads/net.ts";
const nodeRun = tcpWorkload.run.node!, tlRun = tcpWorkload.run.taskloop!;
// warm up
await nodeRun({ quick: true }); await tlRun({ quick: true });
for (let i = 0; i < 3; i++) {
  for (const [name, f] of [["node", nodeRun], ["taskloop", tlRun]] as const) {
    const c0 = process.cpuUsage(); const t0 = performance.now();
    const r = await f({ quick: true });
    const c = process.cpuUsage(c0);
    console.log(name.padEnd(9), "cpu ms", ((c.user + c.system) / 1000).toFixed(0).padStart(5), "user", (c.user / 1000).toFixed(0).padStart(5), "wall", (performance.now() - t0).toFixed(0), JSON.stringify(r, (k, v) => typeof v === "number" ? Math.round(v) : v));
  }
}
