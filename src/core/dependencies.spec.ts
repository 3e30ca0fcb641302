import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import manifest from './versions.json';

const repoPackageJson = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { devDependencies: Record<string, string> };
const majorOf = (version: string) => Number(version.match(/\d+/)![0]);

describe('versions manifest', () => {
  it('names the same packages for every Nest major', () => {
    const [first, ...others] = Object.values(manifest.byNestMajor).map((versions) => Object.keys(versions).sort());
    for (const names of others) expect(names).toEqual(first);
  });

  it('gives @nestjs packages the major they are listed under', () => {
    for (const [major, versions] of Object.entries(manifest.byNestMajor)) {
      for (const [name, range] of Object.entries(versions)) {
        if (name.startsWith('@nestjs/')) expect([name, majorOf(range)]).toEqual([name, Number(major)]);
      }
    }
  });

  // The demo's app runs on this repository's devDependencies (it is scaffolded offline): they must be
  // what init would write into a Nest 12 app, or the demo would prove something else.
  it('agrees with the devDependencies the demo app runs on', () => {
    const latest = manifest.byNestMajor['12'];
    const runtime = { ...latest, ...manifest.common } as Record<string, string>;
    for (const name of ['@nestjs/websockets', '@nestjs/platform-socket.io', '@nestjs/jwt', 'class-validator', 'redis', '@socket.io/redis-adapter']) {
      expect([name, majorOf(repoPackageJson.devDependencies[name])]).toEqual([name, majorOf(runtime[name])]);
    }
    expect(repoPackageJson.devDependencies['socket.io']).toBe(latest['socket.io']);
    expect(repoPackageJson.devDependencies['socket.io-client']).toBe(manifest.common['socket.io-client']);
  });
});
