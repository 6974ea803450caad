/**
 * A private Mosquitto broker for examples, tests and benchmarks: its own
 * process on a free port of 127.0.0.1, with a generated config in a temp dir
 * (no system service, nothing left behind). It can be stopped and started
 * again on the same port, keeping its persisted sessions, to show reconnects.
 *
 *   const broker = await startMosquitto();
 *   … connectMqtt(broker.url) …
 *   await broker.close();
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";

/** Where the `mosquitto` program is, or null if it is not installed. */
export function findMosquitto(): string | null {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/local/sbin", "/opt/homebrew/sbin"];
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, "mosquitto"))) return join(dir, "mosquitto");
  }
  return null;
}

/** What to tell a person whose machine has no Mosquitto. */
export const MISSING_MOSQUITTO =
  "mosquitto (the MQTT broker) is not installed: on Debian/Ubuntu `apt-get install -y mosquitto`, on macOS `brew install mosquitto`; or pass --broker mqtt://HOST:PORT to use a broker you already run";

export interface BrokerOptions {
  /** Keep sessions and queued messages across a stop/start (written to the temp dir). Default true. */
  persistence?: boolean;
}

/** A running private broker. */
export interface Broker {
  /** `mqtt://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Stops the broker process (SIGTERM: it saves its sessions first). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same config and saved sessions. */
  start(): Promise<void>;
  /** Stops it and removes its temp dir. */
  close(): Promise<void>;
  /** The broker's log so far (for a failing test's message). */
  log(): string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Starts a private Mosquitto; throws with `MISSING_MOSQUITTO` if there is none. */
export async function startMosquitto(options: BrokerOptions = {}): Promise<Broker> {
  const program = findMosquitto();
  if (program === null) throw new Error(MISSING_MOSQUITTO);
  const dir = mkdtempSync(join(tmpdir(), "taskloop-mosquitto-"));
  const logFile = join(dir, "mosquitto.log");
  const configFile = join(dir, "mosquitto.conf");
  let port = 0;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const writeConfig = (): void => {
    const lines = [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous true",
      `persistence ${options.persistence === false ? "false" : "true"}`,
      `persistence_location ${dir}/`,
      // No limits that would drop messages in a test or a benchmark burst.
      "max_queued_messages 0",
      "max_queued_bytes 0",
      `log_dest file ${logFile}`,
      "log_type error",
      "log_type warning",
      "log_type notice",
      "connection_messages true",
    ];
    // Run as root (CI), mosquitto would switch to the user "mosquitto", who cannot write to our temp dir.
    if (process.getuid?.() === 0) lines.push("user root");
    writeFileSync(configFile, lines.join("\n") + "\n");
  };

  const readLog = (): string => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "");

  const launch = async (): Promise<boolean> => {
    const proc = spawn(program, ["-c", configFile], { stdio: ["ignore", "ignore", "pipe"] });
    child = proc;
    let stderr = "";
    proc.stderr?.on("data", (d: Buffer) => void (stderr += d.toString()));
    let gone = false;
    exited = new Promise((resolve) => proc.once("exit", () => ((gone = true), resolve())));
    const deadline = Date.now() + 15_000;
    while (!gone && Date.now() < deadline) {
      if (await canConnect(port)) return true;
      await delay(20);
    }
    if (!gone) {
      proc.kill("SIGKILL");
      await exited;
      throw new Error(`mosquitto did not listen on 127.0.0.1:${port} within 15 s\n${readLog()}${stderr}`);
    }
    const why = readLog() + stderr;
    if (/address already in use/i.test(why)) return false;
    throw new Error(`mosquitto exited at start (code ${proc.exitCode}):\n${why}`);
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    if (proc === null) return;
    child = null;
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
    await exited;
  };

  for (let tries = 0; ; tries++) {
    port = await freePort();
    writeConfig();
    if (await launch()) break;
    if (tries >= 5) throw new Error(`mosquitto could not find a free port:\n${readLog()}`);
  }

  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    stop,
    async start() {
      if (child !== null) return;
      if (!(await launch())) throw new Error(`mosquitto could not listen again on port ${port}: it is taken`);
    },
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    log: readLog,
  };
}
