// A WebSocket chat: a broadcast server and three clients, all tasks of one loop, offline.
// They join one after another, each says one line, then they leave; everyone hears everything.
// Run: npx tsx examples/net/chat.ts
import { run, createTask, Event, type Coro, type Task } from "taskloop";
import { serveWebSocket, openWebSocket, ConnectionClosed, type Server, type WebSocket } from "taskloop/net";
import { isMain, print, type Log } from "../_runner.ts";

/** The server: each connection is a task; every message goes to every member. */
function* chatServer(): Coro<Server> {
  const members = new Map<WebSocket, string>();
  function* broadcast(text: string): Coro<void> {
    for (const ws of members.keys()) {
      try {
        yield* ws.send(text);
      } catch (e) {
        if (!(e instanceof ConnectionClosed)) throw e; // that member is leaving anyway
      }
    }
  }
  function* member(ws: WebSocket): Coro<void> {
    const name = String(yield* ws.receive()); // the first message is the name
    members.set(ws, name);
    yield* broadcast(`* ${name} joined`);
    try {
      while (true) yield* broadcast(`${name}: ${String(yield* ws.receive())}`); // ends with ConnectionClosed
    } finally {
      members.delete(ws);
      yield* broadcast(`* ${name} left`);
    }
  }
  return yield* serveWebSocket(member, "127.0.0.1", 0);
}

/** A chat client: a listener task (the MicroPythonOS pattern) collects what it hears. */
class Client {
  readonly heard: string[] = [];
  private readonly news = new Event();
  private listener: Task<void> | null = null;
  private constructor(
    readonly name: string,
    readonly ws: WebSocket,
  ) {}

  static *join(port: number, name: string): Coro<Client> {
    const client = new Client(name, yield* openWebSocket(`ws://127.0.0.1:${port}/`));
    client.listener = createTask(client.listen(), { name: `${name}-listener` });
    yield* client.ws.send(name);
    return client;
  }

  private *listen(): Coro<void> {
    try {
      while (true) {
        this.heard.push(String(yield* this.ws.receive()));
        this.news.set();
      }
    } catch (e) {
      if (!(e instanceof ConnectionClosed)) throw e;
    }
  }

  /** Waits until this client has heard `text`. */
  *hear(text: string): Coro<void> {
    while (!this.heard.includes(text)) {
      this.news.clear();
      yield* this.news.wait();
    }
  }

  *leave(): Coro<void> {
    this.ws.close(1000, "bye");
    yield* this.listener!;
  }
}

export function* main(log: Log = print): Coro<void> {
  const server = yield* chatServer();
  log("chat server started");
  const clients: Client[] = [];
  /** `text` reaches everyone in `who`; say who heard it. */
  function* everyoneHears(text: string, who: Client[]): Coro<void> {
    for (const c of who) yield* c.hear(text);
    log(`  ${JSON.stringify(text)} heard by ${who.map((c) => c.name).join(", ")}`);
  }
  for (const name of ["alice", "bob", "carol"]) {
    const client = yield* Client.join(server.port, name);
    clients.push(client);
    log(`${name} joins`);
    yield* everyoneHears(`* ${name} joined`, clients);
  }
  for (const [client, line] of [
    [clients[0]!, "hi everyone"],
    [clients[1]!, "hello alice"],
    [clients[2]!, "hey both"],
  ] as const) {
    log(`${client.name} says ${JSON.stringify(line)}`);
    yield* client.ws.send(line);
    yield* everyoneHears(`${client.name}: ${line}`, clients);
  }
  while (clients.length > 0) {
    const leaver = clients.shift()!;
    log(`${leaver.name} leaves`);
    yield* leaver.leave();
    if (clients.length > 0) yield* everyoneHears(`* ${leaver.name} left`, clients);
  }
  server.close();
  yield* server.waitClosed();
  log("chat server closed");
}

if (isMain(import.meta)) await run(main());
