/**
 * 9-10. network I/O on 127.0.0.1 (taskloop/net against plain Node in the same run).
 *
 * tcp: an echo server and C clients in one process; each client writes its
 * share of the bytes in 64 KiB writes (honouring back-pressure) while it reads
 * the echo back, until all came back. MB/s = bytes sent / wall time, with
 * 1, 100 and 1000 concurrent connections (connection set-up included).
 * Plain Node: `net` sockets with 'data' callbacks, pause/resume on write() === false.
 *
 * websocket: an echo server and C clients (`ws`); each client sends its share
 * of small text messages and receives them back. Messages/s = messages sent /
 * wall time, with 1 and 100 clients. Plain Node: `ws` with event handlers.
 */
import net from "node:net";
import { WebSocket as RawWebSocket, WebSocketServer } from "ws";
import { run, createTask, gather, type Coro } from "taskloop";
import { openConnection, startServer, serveWebSocket, openWebSocket, type Stream, type WebSocket } from "taskloop/net";
import { now, type Params, type Sample, type Workload } from "../lib.ts";

const CHUNK = 64 * 1024;
const TCP_CONNS = [1, 100, 1000] as const;
const WS_CLIENTS = [1, 100] as const;
const tcpBytes = (p: Params) => (p.quick ? 32 : 128) << 20;
const wsMessages = (p: Params) => (p.quick ? 40_000 : 200_000);
const MESSAGE = "x".repeat(64);

// ---- TCP echo ----

function* tlEcho(r: Stream, w: Stream): Coro<void> {
  for (let data = yield* r.read(CHUNK); data.length > 0; data = yield* r.read(CHUNK)) {
    w.write(data);
    yield* w.drain();
  }
}

function* tlTcpClient(port: number, bytes: number, block: Uint8Array): Coro<void> {
  const [r, w] = yield* openConnection("127.0.0.1", port);
  const writer = createTask(
    (function* () {
      for (let sent = 0; sent < bytes; sent += CHUNK) {
        w.write(sent + CHUNK <= bytes ? block : block.subarray(0, bytes - sent));
        yield* w.drain();
      }
    })(),
  );
  let got = 0;
  while (got < bytes) {
    const data = yield* r.read(CHUNK);
    if (data.length === 0) throw new Error("early EOF");
    got += data.length;
  }
  yield* writer;
  w.close();
}

export async function taskloopTcp(conns: number, total: number): Promise<number> {
  const block = new Uint8Array(CHUNK).fill(42);
  const per = Math.floor(total / conns);
  return run(
    (function* () {
      const server = yield* startServer(tlEcho, "127.0.0.1", 0, { backlog: 2048 });
      const t0 = now();
      yield* gather(...Array.from({ length: conns }, () => tlTcpClient(server.port, per, block)));
      const ms = now() - t0;
      server.close();
      return (per * conns) / (1 << 20) / (ms / 1000);
    })(),
    { clock: "real" },
  );
}

function nodeTcpClient(port: number, bytes: number, block: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port, noDelay: true }, () => {
      let sent = 0;
      const pump = (): void => {
        while (sent < bytes) {
          const n = Math.min(CHUNK, bytes - sent);
          sent += n;
          if (!s.write(n === CHUNK ? block : block.subarray(0, n))) return void s.once("drain", pump);
        }
      };
      pump();
    });
    let got = 0;
    s.on("data", (d: Buffer) => {
      got += d.length;
      if (got >= bytes) {
        s.end();
        resolve();
      }
    });
    s.on("error", reject);
  });
}

export async function nodeTcp(conns: number, total: number): Promise<number> {
  const block = Buffer.alloc(CHUNK, 42);
  const per = Math.floor(total / conns);
  const server = net.createServer({ noDelay: true }, (s) => {
    s.on("data", (d: Buffer) => {
      if (!s.write(d)) {
        s.pause();
        s.once("drain", () => s.resume());
      }
    });
    s.on("end", () => s.end());
    s.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0, backlog: 2048 }, resolve));
  const port = (server.address() as net.AddressInfo).port;
  const t0 = now();
  await Promise.all(Array.from({ length: conns }, () => nodeTcpClient(port, per, block)));
  const ms = now() - t0;
  server.close();
  return (per * conns) / (1 << 20) / (ms / 1000);
}

async function tcpSample(p: Params, one: (conns: number, total: number) => Promise<number>): Promise<Sample> {
  const sample: Sample = {};
  for (const c of TCP_CONNS) sample[`mb_per_s_${c}`] = await one(c, tcpBytes(p));
  return sample;
}

export const tcpWorkload: Workload = {
  name: "tcp",
  title: "TCP echo throughput",
  metrics: TCP_CONNS.map((c) => ({ key: `mb_per_s_${c}`, unit: `MB/s, ${c} conn${c > 1 ? "s" : ""}`, higherIsBetter: true })),
  notes: { node: "net sockets, 'data' callbacks, pause/resume on back-pressure; noDelay on both" },
  lacks: { effection: "n/a (no network I/O)", cpython: "n/a (not written)" },
  reps: [5, 3],
  run: {
    taskloop: (p) => tcpSample(p, taskloopTcp),
    node: (p) => tcpSample(p, nodeTcp),
  },
};

// ---- WebSocket echo ----

function* tlWsEcho(ws: WebSocket): Coro<void> {
  while (true) yield* ws.send(yield* ws.receive());
}

function* tlWsClient(port: number, messages: number): Coro<void> {
  const ws = yield* openWebSocket(`ws://127.0.0.1:${port}/`);
  const sender = createTask(
    (function* () {
      for (let i = 0; i < messages; i++) yield* ws.send(MESSAGE);
    })(),
  );
  for (let i = 0; i < messages; i++) yield* ws.receive();
  yield* sender;
  ws.close();
}

async function taskloopWs(clients: number, total: number): Promise<number> {
  const per = Math.floor(total / clients);
  return run(
    (function* () {
      const server = yield* serveWebSocket(tlWsEcho, "127.0.0.1", 0, { backlog: 2048 });
      const t0 = now();
      yield* gather(...Array.from({ length: clients }, () => tlWsClient(server.port, per)));
      const ms = now() - t0;
      server.close();
      return (per * clients) / (ms / 1000);
    })(),
    { clock: "real" },
  );
}

function nodeWsClient(port: number, messages: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new RawWebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
    let got = 0;
    ws.on("open", () => {
      let sent = 0;
      // The same back-pressure rule as taskloop's send(): pause while the socket's buffer is full.
      const socket = (ws as unknown as { _socket: net.Socket })._socket;
      const pump = (): void => {
        while (sent < messages) {
          ws.send(MESSAGE);
          sent++;
          if (socket.writableNeedDrain) return void socket.once("drain", pump);
        }
      };
      pump();
    });
    ws.on("message", () => {
      if (++got === messages) {
        ws.close();
        resolve();
      }
    });
    ws.on("error", reject);
  });
}

async function nodeWs(clients: number, total: number): Promise<number> {
  const per = Math.floor(total / clients);
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false, backlog: 2048 });
  wss.on("connection", (ws) => {
    ws.on("message", (data, isBinary) => ws.send(isBinary ? data : data.toString()));
    ws.on("error", () => {});
  });
  await new Promise<void>((resolve) => wss.on("listening", resolve));
  const port = (wss.address() as net.AddressInfo).port;
  const t0 = now();
  await Promise.all(Array.from({ length: clients }, () => nodeWsClient(port, per)));
  const ms = now() - t0;
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  return (per * clients) / (ms / 1000);
}

async function wsSample(p: Params, one: (clients: number, total: number) => Promise<number>): Promise<Sample> {
  const sample: Sample = {};
  for (const c of WS_CLIENTS) sample[`msgs_per_s_${c}`] = await one(c, wsMessages(p));
  return sample;
}

export const websocketWorkload: Workload = {
  name: "websocket",
  title: "WebSocket echo, 64-byte text messages",
  metrics: WS_CLIENTS.map((c) => ({ key: `msgs_per_s_${c}`, unit: `messages/s, ${c} client${c > 1 ? "s" : ""}`, higherIsBetter: true })),
  notes: { node: "ws with event handlers; the client pauses on its socket's back-pressure as taskloop's send() does" },
  lacks: { effection: "n/a (no network I/O)", cpython: "n/a (not written)" },
  reps: [5, 3],
  run: {
    taskloop: (p) => wsSample(p, taskloopWs),
    node: (p) => wsSample(p, nodeWs),
  },
};
