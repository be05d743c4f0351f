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

/** Checks every file can be opened before any is read: one bad name stops the command (exit 2). */
export function checkReadable(files: string[]): void {
  for (const file of files) {
    let fd: number | undefined;
    try {
      if (fs.statSync(file).isDirectory()) throw new GatewayError('FILE_UNREADABLE', `${file}: is a directory, not a file`);
      fd = fs.openSync(file, 'r');
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      throw new GatewayError('FILE_UNREADABLE', `${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`);
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }
}

export function head(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    return buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0));
  } finally {
    fs.closeSync(fd);
  }
}

