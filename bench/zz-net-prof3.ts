import { taskloopTcp, nodeTcp } from "./workloads/net.ts";
const which = process.argv[2]; const conns = Number(process.argv[3]); const mb = Number(process.argv[4] ?? 256);
const f = which === "node" ? nodeTcp : taskloopTcp;
await f(conns, 16 << 20);
const c0 = process.cpuUsage(); const t0 = performance.now();
const r = await f(conns, mb << 20);
const c = process.cpuUsage(c0);
console.log(which, conns, "cpu ms", ((c.user + c.system) / 1000).toFixed(0), "user", (c.user / 1000).toFixed(0), "MB/s", r.toFixed(0), "wall", (performance.now()-t0).toFixed(0));
