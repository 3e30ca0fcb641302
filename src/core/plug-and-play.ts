/**
 * Yarn Plug'n'Play apps have no node_modules: the schematics engine, the Nest CLI's own generators
 * and the packages an app's generated code imports are resolved through Yarn's loader, and they
 * fail inside a dependency, far from the cause. Such an app is refused up front, with the setting
 * that makes Yarn install a node_modules folder instead (with it, everything works).
 */
export const PLUG_AND_PLAY_REFUSAL =
  "This app uses Yarn Plug'n'Play, which realtime-schematics does not support (nor do the Nest CLI's generators): add `nodeLinker: node-modules` to .yarnrc.yml, run `yarn install`, then run this command again.";

/** Yarn writes its Plug'n'Play loader at the project root; a process it runs has `process.versions.pnp`. */
export function usesPlugAndPlay(exists: (path: string) => boolean): boolean {
  return Boolean(process.versions.pnp) || exists('.pnp.cjs') || exists('.pnp.js');
}
