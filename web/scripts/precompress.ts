import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Plugin } from 'vite';

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|webmanifest)$/;

/**
 * Writes `.br` and `.gz` next to every compressible file of at least `minBytes` in `dir`
 * (recursively), when compression saves bytes. The gateway serves them with Content-Encoding.
 * Returns the files written.
 */
export function precompressDir(dir: string, minBytes = 1024): string[] {
  const written: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      written.push(...precompressDir(file, minBytes));
      continue;
    }
    if (!COMPRESSIBLE.test(entry.name)) continue;
    const raw = fs.readFileSync(file);
    if (raw.length < minBytes) continue;
    const br = zlib.brotliCompressSync(raw, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    });
    const gz = zlib.gzipSync(raw, { level: 9 });
    for (const [ext, data] of [
      ['.br', br],
      ['.gz', gz],
    ] as const) {
      if (data.length >= raw.length) continue;
      fs.writeFileSync(file + ext, data);
      written.push(file + ext);
    }
  }
  return written;
}

/** Vite plugin: precompress the build output (brotli + gzip) once it is written. */
export function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'flowgenie-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      precompressDir(outDir);
    },
  };
}
