#!/usr/bin/env node
// The chat page of the browser e2e test and of `npm run demo -- --serve`: test/e2e/fixtures/browser/
// (index.html and page.ts) bundled by esbuild with a chat client (an app's generated
// chat.client.ts) into a folder that holds index.html and page.js, one script with the client and
// socket.io-client inside (resolved from beside the client file, so from the app's node_modules).
//
//   node scripts/bundle-chat-page.mjs <the chat client's .ts file> <output folder>
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const PAGE = path.resolve(import.meta.dirname, '../test/e2e/fixtures/browser');

export async function bundleChatPage(clientFile, folder) {
  await mkdir(folder, { recursive: true });
  await build({
    entryPoints: [path.join(PAGE, 'page.ts')],
    outfile: path.join(folder, 'page.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    // The page imports its client as `chat-client`.
    plugins: [{ name: 'chat-client', setup: (build) => build.onResolve({ filter: /^chat-client$/ }, () => ({ path: clientFile })) }],
    logLevel: 'error',
  });
  await copyFile(path.join(PAGE, 'index.html'), path.join(folder, 'index.html'));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [clientFile, folder] = process.argv.slice(2);
  if (!clientFile || !folder) {
    console.error('usage: node scripts/bundle-chat-page.mjs <the chat client .ts file> <output folder>');
    process.exit(1);
  }
  await bundleChatPage(path.resolve(clientFile), path.resolve(folder));
}
