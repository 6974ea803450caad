// TLS on both ends, with a certificate made at test time by the openssl CLI.
// Ports MicroPython's tests/multi_net/asyncio_tls_server_client{,_readline,
// _verify_error,_cert_required_error}.py.
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, type Coro } from "taskloop";
import { openConnection, startServer, type Stream } from "taskloop/net";
import { makeCertificate, real, text } from "./_net.ts";

const { key, cert } = makeCertificate();

function* echo(r: Stream, w: Stream): Coro<void> {
  for (let data = yield* r.read(4096); data.length > 0; data = yield* r.read(4096)) {
    w.write(data);
    yield* w.drain();
  }
}

test("TLS echo: a server with a key and certificate, a client trusting that certificate; bytes go both ways (asyncio_tls_server_client)", async () => {
  const got = await run(
    (function* () {
      const server = yield* startServer(echo, "127.0.0.1", 0, { tls: { key, cert } });
      const [r, w] = yield* openConnection("127.0.0.1", server.port, { tls: { ca: cert } });
      const big = new Uint8Array(1 << 20).map((_, i) => i * 7);
      w.write("client data");
      const small = text(yield* r.readExactly(11));
      w.write(big);
      yield* w.drain();
      const back = yield* r.readExactly(big.length);
      w.close();
      yield* w.waitClosed();
      server.close();
      return { small, same: Buffer.from(back).equals(Buffer.from(big)) };
    })(),
    real,
  );
  assert.deepEqual(got, { small: "client data", same: true });
});

test("TLS by host name: tls: { ca } with host 'localhost' checks the certificate against that name; readLine works over TLS (asyncio_tls_server_client_readline)", async () => {
  const lines = await run(
    (function* () {
      const server = yield* startServer(
        function* (r: Stream, w: Stream) {
          for (let line = yield* r.readLine(); line.length > 0; line = yield* r.readLine()) {
            w.write(line);
            yield* w.drain();
          }
        },
        "127.0.0.1",
        0,
        { tls: { key, cert } },
      );
      const [r, w] = yield* openConnection("localhost", server.port, { tls: { ca: cert } });
      w.write("client data\nclient data2\n");
      const out = [text(yield* r.readLine()), text(yield* r.readLine())];
      w.close();
      server.close();
      return out;
    })(),
    real,
  );
  assert.deepEqual(lines, ["client data\n", "client data2\n"]);
});

test("a certificate the client does not trust fails openConnection with a clear error: which host, that verification failed, what to pass", async () => {
  const error = await run(
    (function* () {
      const server = yield* startServer(echo, "127.0.0.1", 0, { tls: { key, cert } });
      try {
        yield* openConnection("127.0.0.1", server.port, { tls: true });
        return null;
      } catch (e) {
        return e as Error & { code?: string };
      } finally {
        server.close();
      }
    })(),
    real,
  );
  assert.ok(error);
  assert.equal(error.code, "DEPTH_ZERO_SELF_SIGNED_CERT");
  assert.match(error.message, /cannot connect to 127\.0\.0\.1:\d+ over TLS: self[- ]signed certificate.*pass its CA certificate as tls\.ca/);
});

test("a certificate for another name fails verification: the error says the name does not match (asyncio_tls_server_client_verify_error)", async () => {
  const error = await run(
    (function* () {
      const server = yield* startServer(echo, "127.0.0.1", 0, { tls: { key, cert } });
      try {
        yield* openConnection("127.0.0.1", server.port, { tls: { ca: cert, servername: "foobar.local" } });
        return null;
      } catch (e) {
        return e as Error & { code?: string };
      } finally {
        server.close();
      }
    })(),
    real,
  );
  assert.ok(error);
  assert.equal(error.code, "ERR_TLS_CERT_ALTNAME_INVALID");
  assert.match(error.message, /foobar\.local.*the certificate is not for this host name/);
});

test("a server that requires a client certificate: a client without one gets an error from its read, and the server's handler never runs (asyncio_tls_server_client_cert_required_error)", async () => {
  const got = await run(
    (function* () {
      let handled = 0;
      const server = yield* startServer(
        function* (r: Stream) {
          handled++;
          yield* r.read();
        },
        "127.0.0.1",
        0,
        { tls: { key, cert, requestCert: true, rejectUnauthorized: true, ca: cert } },
      );
      let message = "";
      try {
        const [r, w] = yield* openConnection("127.0.0.1", server.port, { tls: { ca: cert } });
        w.write("client data");
        yield* w.drain();
        yield* r.read(100); // TLS 1.3: the server's refusal arrives after the client's handshake
        message = "no error";
      } catch (e) {
        message = (e as Error).message;
      }
      server.close();
      return { handled, message };
    })(),
    real,
  );
  assert.equal(got.handled, 0);
  assert.match(got.message, /127\.0\.0\.1:\d+.*certificate required/i);
});
