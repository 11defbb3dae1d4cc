import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './bundle.js';

/** Every non-test TypeScript source file of the workspace's packages and functions. */
function workspaceSources(): string[] {
  return ['packages', 'functions'].flatMap((group) =>
    readdirSync(join(REPO_ROOT, group)).flatMap((name) => {
      const src = join(REPO_ROOT, group, name, 'src');
      try {
        return (readdirSync(src, { recursive: true }) as string[])
          .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file))
          .map((file) => join(src, file));
      } catch {
        return [];
      }
    }),
  );
}

describe('the workspace modules the bundles treat as free of side effects at import', () => {
  it('are never imported for an effect alone (a bare import would be dropped from the bundles)', () => {
    const bare = workspaceSources().filter((file) => /^\s*import\s*['"][^'"]+['"]/m.test(readFileSync(file, 'utf8')));

    expect(bare.map((file) => relative(REPO_ROOT, file))).toEqual([]);
  });
});
