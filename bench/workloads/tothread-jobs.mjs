// Jobs for the toThread workload, in plain JavaScript so that piscina's own
// workers (the plain-piscina column) load them without a TypeScript loader.
export function add(a, b) {
  return a + b;
}

/** A CPU-bound FNV-1a hash of `mb` megabytes of pseudo-random bytes made in the worker. */
export function hashMegabytes(mb) {
  const data = new Uint8Array(mb * 1024 * 1024);
  let x = 12345;
  for (let i = 0; i < data.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    data[i] = x >>> 24;
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) {
    h ^= data[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** piscina's calling convention: one argument, the default export. */
export default function job({ a, b }) {
  return add(a, b);
}
