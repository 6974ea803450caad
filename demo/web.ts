// `npm run web`: serves the task dashboard as a web page on 127.0.0.1 and
// prints its URL. The page (demo/web/page.ts) runs the same simulated Pico 2 W
// program as `npm start` (demo/device.ts), bundled here with esbuild.
//
// Options: --port N (default 8080; 0 picks a free port).
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const portArg = process.argv.indexOf("--port");
const port = portArg >= 0 ? Number(process.argv[portArg + 1]) : 8080;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port needs a port number from 0 to 65535, got ${process.argv[portArg + 1]}`);
  process.exit(2);
}

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const html = readFileSync(here("./web/index.html"));
const bundled = await build({
  entryPoints: [here("./web/page.ts")],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  write: false,
  logLevel: "silent",
});
const script = bundled.outputFiles[0]!.contents;

// Cross-origin isolation: the page's performance.now() then counts in 5 µs steps
// instead of 100 µs, so the task table's step times mean something.
const ISOLATED = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };

const server = createServer((req, res) => {
  const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
  } else if (path === "/" || path === "/index.html") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...ISOLATED }).end(html);
  } else if (path === "/page.js") {
    res.writeHead(200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-store", ...ISOLATED }).end(script);
  } else {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  }
});

server.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EADDRINUSE") console.error(`port ${port} is taken: try npm run web -- --port ${port + 1}`);
  else console.error(`cannot serve the dashboard: ${error.message}`);
  process.exit(1);
});

server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  const actual = typeof address === "object" && address !== null ? address.port : port;
  console.log(`taskloop web dashboard: http://127.0.0.1:${actual}/  (Ctrl-C to stop)`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
  });
}
