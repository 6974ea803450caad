/**
 * Where the download examples get their data: `--url <base>` if given, else a
 * local server (demo/fileserver.ts) started for the run, so they work offline.
 */
import { startFileServer, type FileServer, type FileServerOptions } from "../../demo/fileserver.ts";

/** Runs `body` with a base URL: the `--url` argument, or a local server that is closed afterwards. */
export async function withBaseUrl<T>(body: (base: string) => Promise<T>, options?: FileServerOptions): Promise<T> {
  const at = process.argv.indexOf("--url");
  if (at >= 0) {
    const base = process.argv[at + 1];
    if (base === undefined || !/^https?:\/\//.test(base)) throw new TypeError(`--url needs an http(s) base URL, got ${base}`);
    return body(base.replace(/\/$/, ""));
  }
  const server: FileServer = await startFileServer(options);
  try {
    return await body(server.url);
  } finally {
    await server.close();
  }
}
