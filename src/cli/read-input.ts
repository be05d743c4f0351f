import fs from 'node:fs';
import { GatewayError } from '../errors/gateway-error';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory, not a file',
  ELOOP: 'too many symbolic links',
};

/** Reads every input file before anything is done with any: one bad name stops the command. */
export function readInputFiles(files: string[]): { file: string; content: Buffer }[] {
  return files.map((file) => {
    try {
      return { file, content: fs.readFileSync(file) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      throw new GatewayError('FILE_UNREADABLE', `${file}: ${REASONS[code] ?? (err as Error).message}`);
    }
  });
}
