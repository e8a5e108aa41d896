// ESLint flat config: typescript-eslint's recommended rules on every TypeScript and script file,
// the React hooks rules on the renderer. Run by `npm run lint` and by `npm test`'s lint step
// (scripts/lint.mjs, with ruff and mypy for python/). A rule is turned off only with its reason.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'out/', 'dist/', 'release/', '.tmp/', 'python/', 'test-results/', 'playwright-report/', 'e2e/artifacts/', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed names are the tree's spelling of "deliberately unused" (tsc's noUnused* agrees).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A `let` assigned once but read earlier by a closure (a server handler set after listen())
      // cannot be a `const` without a temporal-dead-zone ReferenceError.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Tests fake the `electron` module and poke at untyped JSON replies: `any` is the fake's shape there.
    files: ['**/*.test.ts', '**/*.test.tsx', '**/test-helpers.ts', '**/test-support/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    // The two hooks rules proper. Not the plugin's React Compiler rules (purity, refs,
    // set-state-in-effect): they describe what that compiler can memoize, and it is not used here.
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
);
