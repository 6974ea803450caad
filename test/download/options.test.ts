import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DownloadManager, type DownloadOptions } from "taskloop/download";
import { startServer, serve, bytes, tempDir } from "./_server.ts";

// Every check runs when downloadUrl/download is called, before any request:
// the server must see nothing.

type Call = (url: unknown, options?: unknown) => unknown;
const entries: [string, Call][] = [
  ["downloadUrl", DownloadManager.downloadUrl as Call],
  ["download", DownloadManager.download as Call],
];

async function withServer(body: (base: string) => Promise<void> | void): Promise<void> {
  const server = await startServer({ "/data": serve(bytes(10)) });
  try {
    await body(`${server.base}/data`);
    assert.equal(server.hits.length, 0, "no request was made");
  } finally {
    await server.close();
  }
}

for (const [name, call] of entries) {
  test(`${name}: a URL that does not parse is a TypeError naming url`, () => {
    assert.throws(() => call("not a url"), {
      name: "TypeError",
      message: new RegExp(`DownloadManager\\.${name}\\(url\\): url "not a url" is not a valid absolute URL`),
    });
    assert.throws(() => call("/relative/path"), TypeError);
  });

  test(`${name}: a URL that is not a string is a TypeError`, () => {
    assert.throws(() => call(new URL("http://127.0.0.1/")), { name: "TypeError", message: /url must be a string/ });
  });

  test(`${name}: an unsupported scheme is a TypeError naming the scheme`, () => {
    assert.throws(() => call("ftp://127.0.0.1/file"), { name: "TypeError", message: /unsupported scheme "ftp"; only http and https/ });
    assert.throws(() => call("file:///etc/passwd"), { name: "TypeError", message: /unsupported scheme "file"/ });
  });
}

test("credentials in the URL are a TypeError that points to headers", () => {
  assert.throws(() => DownloadManager.downloadUrl("http://user:pw@127.0.0.1/x"), { name: "TypeError", message: /contains credentials.*headers/ });
});

test("outfile with chunkCallback is a TypeError, before any request", async () => {
  await withServer(async (url) => {
    const tmp = await tempDir();
    try {
      const options = { outfile: join(tmp.dir, "x"), chunkCallback: () => {} };
      assert.throws(() => (DownloadManager.downloadUrl as Call)(url, options), {
        name: "TypeError",
        message: /outfile and options\.chunkCallback cannot be used together/,
      });
      assert.throws(() => (DownloadManager.download as Call)(url, options), TypeError);
    } finally {
      await tmp.cleanup();
    }
  });
});

test("a directory as outfile is a TypeError, before any request", async () => {
  await withServer(async (url) => {
    const tmp = await tempDir();
    try {
      assert.throws(() => DownloadManager.downloadUrl(url, { outfile: tmp.dir }), {
        name: "TypeError",
        message: /options\.outfile .* is a directory; give the path of the file/,
      });
    } finally {
      await tmp.cleanup();
    }
  });
});

test("an outfile in a folder that does not exist is a TypeError, before any request", async () => {
  await withServer(async (url) => {
    const tmp = await tempDir();
    try {
      assert.throws(() => DownloadManager.downloadUrl(url, { outfile: join(tmp.dir, "missing", "x.bin") }), {
        name: "TypeError",
        message: /which does not exist; create the folder first/,
      });
    } finally {
      await tmp.cleanup();
    }
  });
});

test("an empty or non-string outfile is a TypeError", () => {
  assert.throws(() => DownloadManager.downloadUrl("http://127.0.0.1/", { outfile: "" }), {
    name: "TypeError",
    message: /options\.outfile must be a file path/,
  });
  assert.throws(() => (DownloadManager.downloadUrl as Call)("http://127.0.0.1/", { outfile: 42 }), {
    name: "TypeError",
    message: /options\.outfile must be a file path .*42/,
  });
});

test("negative or fractional retries are a RangeError, a non-number a TypeError", async () => {
  await withServer((url) => {
    assert.throws(() => DownloadManager.downloadUrl(url, { retries: -1 }), {
      name: "RangeError",
      message: /options\.retries must be a whole number >= 0, got -1/,
    });
    assert.throws(() => DownloadManager.downloadUrl(url, { retries: 1.5 }), RangeError);
    assert.throws(() => DownloadManager.downloadUrl(url, { retries: NaN }), RangeError);
    assert.throws(() => (DownloadManager.downloadUrl as Call)(url, { retries: "3" }), {
      name: "TypeError",
      message: /options\.retries must be a whole number/,
    });
  });
});

test("a callback that is not a function is a TypeError naming the option", async () => {
  await withServer((url) => {
    for (const option of ["progressCallback", "speedCallback", "chunkCallback"]) {
      assert.throws(() => (DownloadManager.downloadUrl as Call)(url, { [option]: "print" }), {
        name: "TypeError",
        message: new RegExp(`options\\.${option} must be a function`),
      });
    }
    assert.throws(() => (DownloadManager.downloadUrl as Call)(url, { chunkCallback: async function* () {} }), {
      name: "TypeError",
      message: /plain, async or generator function, got an async generator function/,
    });
  });
});

test("a chunkTimeoutSeconds that is not a positive number of seconds is a RangeError", async () => {
  await withServer((url) => {
    for (const bad of [0, -1, NaN, Infinity]) {
      assert.throws(() => DownloadManager.downloadUrl(url, { chunkTimeoutSeconds: bad }), {
        name: "RangeError",
        message: /options\.chunkTimeoutSeconds must be > 0/,
      });
    }
    assert.throws(() => (DownloadManager.downloadUrl as Call)(url, { chunkTimeoutSeconds: "10" }), TypeError);
  });
});

test("a totalSize that is not a whole number of bytes is a RangeError", async () => {
  await withServer((url) => {
    assert.throws(() => DownloadManager.downloadUrl(url, { totalSize: -5 }), {
      name: "RangeError",
      message: /options\.totalSize must be a whole number of bytes >= 0/,
    });
    assert.throws(() => DownloadManager.downloadUrl(url, { totalSize: 10.5 }), RangeError);
    assert.throws(() => (DownloadManager.downloadUrl as Call)(url, { totalSize: "100" }), TypeError);
  });
});

test("headers must be strings, and Range is the download's own", async () => {
  await withServer((url) => {
    assert.throws(() => (DownloadManager.downloadUrl as Call)(url, { headers: { accept: 5 } }), {
      name: "TypeError",
      message: /options\.headers\["accept"\] must be a string/,
    });
    assert.throws(() => DownloadManager.downloadUrl(url, { headers: { Range: "bytes=0-" } }), { name: "TypeError", message: /must not set "Range"/ });
    assert.throws(() => DownloadManager.downloadUrl(url, { headers: { "bad header": "x" } }), {
      name: "TypeError",
      message: /not a valid set of HTTP headers/,
    });
  });
});

test("an unknown option is a TypeError that lists the options", async () => {
  await withServer((url) => {
    assert.throws(() => (DownloadManager.downloadUrl as Call)(url, { chunkTimeout: 5 }), {
      name: "TypeError",
      message: /unknown option "chunkTimeout"; the options are .*chunkTimeoutSeconds/,
    });
    assert.throws(() => (DownloadManager.downloadUrl as Call)(url, "out.bin"), { name: "TypeError", message: /options must be an object/ });
  });
});

test("the result type follows the options: bytes or null into memory, boolean with outfile or chunkCallback", () => {
  // Compile-time checks (npm run typecheck); the generators are never started.
  const memory: Generator<unknown, Uint8Array | null> = DownloadManager.downloadUrl("http://127.0.0.1/");
  const file: Generator<unknown, boolean> = DownloadManager.downloadUrl("http://127.0.0.1/", { outfile: "/tmp/x" });
  const stream: Generator<unknown, boolean> = DownloadManager.downloadUrl("http://127.0.0.1/", { chunkCallback: () => {} });
  const thrown: Generator<unknown, Uint8Array> = DownloadManager.download("http://127.0.0.1/");
  const any: DownloadOptions = {};
  const either: Generator<unknown, Uint8Array | boolean | null> = DownloadManager.downloadUrl("http://127.0.0.1/", any);
  // @ts-expect-error outfile and chunkCallback together do not type-check
  const both = () => DownloadManager.downloadUrl("http://127.0.0.1/", { outfile: "/tmp/x", chunkCallback: () => {} });
  assert.ok(memory && file && stream && thrown && either && both);
});
