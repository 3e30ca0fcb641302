// A spec file's first run loads the engine, TypeScript and Prettier: seconds on a loaded machine, past
// jest's default 5 s; and a run cut short by a timeout keeps going on the shared engine under the next
// test's run. (jest 30 ignores `testTimeout` inside a `projects` entry, so it is set here.)
jest.setTimeout(30_000);
