// jest cannot load `ora` (ESM-only, with a tree of ESM-only dependencies) through its module
// system. The devkit's package-manager executor imports it at load time, but unit tests only
// record install tasks and never run them, so this replacement must never be called.
module.exports = function ora() {
  throw new Error('ora is unavailable under jest: unit tests must not run package-manager tasks.');
};
