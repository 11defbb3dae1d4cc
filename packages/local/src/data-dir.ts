/**
 * The data folder of `pnpm start` holds signing keys, API key hashes and DynamoDB Local's
 * files: only its owner may read it, whatever permissions it had before.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Makes `dir` (created if missing) and everything under it owner-only: folders 0700, files
 * 0600. Symbolic links are left alone (chmod would change what they point to, maybe outside).
 *
 * @example
 * ownerOnly('.exchange-data'); // drwx------ .exchange-data, -rw------- every file in it
 */
export function ownerOnly(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const visit = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    if (stat.isDirectory()) {
      // the folder first, so nobody else can enter it while its contents are changed
      if ((stat.mode & 0o777) !== 0o700) chmodSync(path, 0o700);
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else if ((stat.mode & 0o777) !== 0o600) {
      chmodSync(path, 0o600);
    }
  };
  visit(dir);
}
