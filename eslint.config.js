import { LAYERS } from './scripts/layers.mjs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';


/** One pattern per file depth: a relative import that climbs out of its folder names the folder it lands in. */
function layerZones() {
  const zones = [];
  for (const [layer, allowed] of Object.entries(LAYERS)) {
    const ok = [layer, ...allowed].join('|');
    for (let depth = 1; depth <= 4; depth++) {
      const climb = '\\.\\./'.repeat(depth);
      zones.push({
        files: [`src/${layer}/${'*/'.repeat(depth - 1)}*.ts`],
        rules: {
          'no-restricted-imports': ['error', {
            patterns: [{
              regex: `^${climb}(?!\\.\\./)(?!(${ok})/)`,
              message: `src/${layer} may import only ${allowed.length ? allowed.join(', ') : 'nothing outside itself'} (see scripts/layers.mjs and docs/architecture.md).`,
            }],
          }],
        },
      });
    }
  }
  return zones;
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', URLSearchParams: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  ...layerZones(),
);
