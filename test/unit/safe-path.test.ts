import path from 'node:path';
import { safeJoin } from '../../src/transports/folder/safe-path';

describe('safeJoin', () => {
  it('joins a plain name', () => {
    expect(safeJoin('/data/out', 'INV-1.edi')).toBe(path.join('/data/out', 'INV-1.edi'));
  });

  it.each(['../escape.edi', '..', '.', '', 'a/b.edi', 'a\\b.edi', '/etc/passwd', 'x\0y'])('refuses %j', (name) => {
    expect(() => safeJoin('/data/out', name)).toThrow(expect.objectContaining({ code: 'PATH_OUTSIDE_FOLDER' }));
  });
});
