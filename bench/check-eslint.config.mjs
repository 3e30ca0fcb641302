// The ESLint baseline of bench/check.mjs: typescript-eslint's recommended rules without type
// information (no parserOptions.project), the cheapest setup a NestJS team lints TypeScript with.
import tseslint from 'typescript-eslint';

export default [...tseslint.configs.recommended].map((config) => ({ files: ['**/*.ts'], ...config }));
