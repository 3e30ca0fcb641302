// e2e tests scaffold, install, compile and start real apps: minutes, not jest's default 5 s.
// (jest 30 ignores `testTimeout` inside a `projects` entry, so it is set here.)
jest.setTimeout(300_000);
