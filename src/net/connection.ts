/**
 * `openConnection`: asyncio's `open_connection`, over `node:net` and `node:tls`.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import { call } from "../core/hostwait.ts";
import { refuseAwaitOf } from "../core/notapromise.ts";
import type { Awaitable, Coro } from "../core/types.ts";
import { Stream } from "./stream.ts";
import { errorHint, hostError } from "./errors.ts";
import { checkHost, checkOptions, checkPort, checkTls } from "./args.ts";

/**
 * Options of `openConnection`.
 *
 * @example
 * ```ts
 * const options: OpenConnectionOptions = { tls: { ca: serverCertPem } };
 * ```
 */
export interface OpenConnectionOptions {
  /**
   * `true`: TLS, the server's certificate checked against the system's CAs
   * and `host`. An object: Node's `tls.connect` options (`ca`, `cert`, `key`,
   * `servername`, `rejectUnauthorized`, …) on top of that.
   */
  tls?: boolean | tls.ConnectionOptions;
}

/**
 * Connects to `host:port` and gives `[reader, writer]` (one `Stream`, twice).
 * With `tls`, the TLS handshake is part of connecting: a certificate that
 * fails verification throws here, saying why and what to pass.
 * Cancelling the task while it connects abandons the connection.
 *
 * @example
 * ```ts
 * const [reader, writer] = yield* openConnection("127.0.0.1", 8000);
 * writer.write("hello\n");
 * yield* writer.drain();
 * console.log(new TextDecoder().decode(yield* reader.readLine()));
 * writer.close();
 * yield* writer.waitClosed();
 * ```
 */
export function openConnection(host: string, port: number, options?: OpenConnectionOptions): Awaitable<[reader: Stream, writer: Stream]> {
  const what = `openConnection(${JSON.stringify(host)}, ${port})`;
  checkHost(host, "openConnection(host, port)");
  checkPort(port, "openConnection(host, port)", false);
  checkOptions(options, "openConnection(host, port, options)", ["tls"]);
  checkTls(options?.tls, "openConnection(host, port, options)", true);
  return connect(host, port, options?.tls, what);
}

function* connect(host: string, port: number, tlsOption: OpenConnectionOptions["tls"], what: string): Coro<[Stream, Stream]> {
  const stream = yield* call(
    (signal) =>
      new Promise<Stream>((resolve, reject) => {
        const secure = tlsOption !== undefined && tlsOption !== false;
        // allowHalfOpen: the peer's EOF ends our reading only; we may still write (as asyncio streams).
        const tlsOptions: tls.ConnectionOptions & { allowHalfOpen: boolean } = {
          servername: net.isIP(host) ? undefined : host,
          ...(tlsOption === true ? {} : tlsOption),
          host,
          port,
          allowHalfOpen: true,
        };
        const socket = secure ? tls.connect(tlsOptions) : net.connect({ host, port, allowHalfOpen: true });
        const fail = (cause: Error): void => {
          socket.destroy();
          reject(hostError(`${what}: cannot connect to ${host}:${port}${secure ? " over TLS" : ""}`, cause, errorHint(cause)));
        };
        socket.once("error", fail);
        socket.once(secure ? "secureConnect" : "connect", () => {
          socket.off("error", fail);
          resolve(new Stream(socket)); // it listens for errors from now on
        });
        // A cancelled connect: nobody will ever see this socket.
        signal.addEventListener("abort", () => socket.destroy(), { once: true });
      }),
  );
  return [stream, stream];
}
refuseAwaitOf(connect, "openConnection(host, port)");
