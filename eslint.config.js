// ESLint (flat config): `npm run lint`. The recommended sets of ESLint and
// typescript-eslint, plus the house rules below; where a recommended rule is
// off, the comment says why.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'release/', 'bench/results/']),
  {
    files: ['**/*.{ts,tsx,js,mjs,cjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // An empty block, an empty catch included, says why in a comment.
      'no-empty': ['error', { allowEmptyCatch: false }],
      eqeqeq: ['error', 'always'],
      'no-var': 'error',
      // A `let` read by a closure before its one assignment (keys that arrive after an unlock) stays a `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['renderer/src/**', 'send-page/src/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    // Terminal output is the point of these: benchmarks, the launcher behind `npm start`, the command's shims, the vector generators.
    files: ['bench/**', 'bin/**', 'electron/launch.ts', 'tests/vectors/make-*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
