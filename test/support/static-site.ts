/**
 * A folder served over HTTP on a free loopback port: the origin a page is loaded from in the
 * browser tests (two of them give an allowed and a foreign origin).
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

export interface StaticSite {
  /** `http://127.0.0.1:<port>`, exactly as a browser sends it in the `Origin` header. */
  origin: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
};

export async function serveFolder(folder: string): Promise<StaticSite> {
  const server = createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://site').pathname;
    const file = path.join(folder, pathname === '/' ? 'index.html' : pathname);
    const type = CONTENT_TYPES[path.extname(file)];
    if (!file.startsWith(folder + path.sep) || !type) {
      response.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
