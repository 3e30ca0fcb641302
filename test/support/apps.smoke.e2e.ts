// The app harness itself: every kind of template app builds, serves and stops, before any
// schematic touches it. When this fails, the e2e failures elsewhere are about the harness.
import * as path from 'node:path';
import { AppKind, createTestApp, removeTestApp, run, startApp } from './apps';

const kinds: AppKind[] = ['nest12-esm', 'nest12-cjs'];

describe.each(kinds)('%s template app', (kind) => {
  let dir: string;

  beforeAll(async () => {
    dir = await createTestApp(kind, { installPackage: false });
  });

  afterAll(async () => {
    if (dir) await removeTestApp(dir);
  });

  it(
    'builds with its own build, answers GET / and exits on stop',
    async () => {
      const build = await run(path.join(dir, 'node_modules/.bin/nest'), ['build'], { cwd: dir });
      expect(build).toMatchObject({ code: 0 });

      const app = await startApp(dir);
      try {
        const response = await fetch(`${app.url}/`);
        expect(response.status).toBe(200);
        expect(await response.text()).toBe('Hello World!');
      } finally {
        await app.stop();
      }
      expect(() => process.kill(app.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    },
  );
});
