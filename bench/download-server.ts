/**
 * The download benchmark's HTTP server, run in its own process so the client
 * being measured has the main thread to itself:
 *   node --import tsx bench/download-server.ts
 * Prints {"port"} as JSON once listening. GET /big?mb=N sends N MiB (with
 * Content-Length, respecting back-pressure); GET /small sends 1 KiB.
 */
import http from "node:http";

const block = Buffer.alloc(1 << 20);
for (let i = 0; i < block.length; i++) block[i] = (i * 31 + 7) & 0xff;
const small = block.subarray(0, 1024);

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/small") {
    res.writeHead(200, { "content-length": String(small.length) }).end(small);
    return;
  }
  if (url.pathname !== "/big") {
    res.writeHead(404).end();
    return;
  }
  const mb = Number(url.searchParams.get("mb") ?? "200");
  res.writeHead(200, { "content-length": String(mb * block.length) });
  let left = mb;
  const pump = (): void => {
    while (left > 0) {
      left--;
      if (!res.write(block)) {
        res.once("drain", pump);
        return;
      }
    }
    res.end();
  };
  pump();
});
server.keepAliveTimeout = 60_000;
server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, () => {
  console.log(JSON.stringify({ port: (server.address() as { port: number }).port }));
});
process.on("disconnect", () => process.exit(0));
