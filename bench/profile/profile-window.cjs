// Preloaded (NODE_OPTIONS=--require) into a benchmarked server by fanout-profile.mjs. `--cpu-prof`
// would profile the whole life of the process, Nest's bootstrap included; this profiles only the
// window the benchmark brackets with signals: SIGWINCH starts the V8 sampling profiler (and touches
// `<file>.started` once it runs), SIGURG writes the profile to `<file>` and exits. Both are ignored
// by default and are not among the signals Nest's enableShutdownHooks() stops the app on (SIGINT,
// SIGUSR2, ... are: the generated main.ts enables them).
const fs = require('node:fs');
const inspector = require('node:inspector');

const file = process.env.PROFILE_WINDOW_FILE;
const session = new inspector.Session();
session.connect();
const post = (method, params) =>
  new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

process.on('SIGWINCH', async () => {
  await post('Profiler.enable');
  // 200 µs: enough samples for a few seconds of messaging without slowing the server much.
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  fs.writeFileSync(`${file}.started`, '');
});

process.on('SIGURG', async () => {
  const { profile } = await post('Profiler.stop');
  fs.writeFileSync(file, JSON.stringify(profile));
  process.exit(0);
});
