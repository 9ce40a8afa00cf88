import { defineConfig } from 'tsup';

export const config = defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli/main.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
  treeshake: true,
});

// tsup reads the default export of its config file; the project otherwise uses named exports only.
export default config;
