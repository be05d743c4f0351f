import path from 'node:path';
import { GatewayError } from '../../errors/gateway-error';

/**
 * `dir/name` for a plain file name, refusing anything that would land outside dir: separators,
 * `..`, NUL, absolute paths. Names come from partners and documents, never trusted.
 */
export function safeJoin(dir: string, name: string): string {
  const bad = name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name) || path.isAbsolute(name);
  const full = path.resolve(dir, name);
  if (bad || path.dirname(full) !== path.resolve(dir)) {
    throw new GatewayError('PATH_OUTSIDE_FOLDER', `file name ${JSON.stringify(name)} is refused: it must be a plain name inside ${dir}`);
  }
  return full;
}
