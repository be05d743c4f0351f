import fs from 'node:fs';
import path from 'node:path';
import { ValidationReportSchema } from '../../src/parsers/validation-report';
import { cli, workspace } from '../cli-helpers';

/** `validate` and `ack` on EDIFACT files, as CONTRACTS.md fixes them, against the shipped nordmart profile. */
const ORDERS = [
  "UNB+UNOC:3+5412345000013:14+5790000000001:14+261127:1200+IC1'",
  "UNH+M1+ORDERS:D:96A:UN:EAN008'",
  "BGM+220+PO1+9'",
  "DTM+137:20261127:102'",
  "NAD+BY+5412345000013::9'",
  "LIN+1++4000862141404:EN'",
  "QTY+21:12'",
  "UNS+S'",
  "UNT+8+M1'",
  "UNZ+1+IC1'",
].join('\n');

describe('edi-gateway validate / ack on EDIFACT', () => {
  const ws = workspace();
  const file = (name: string, text: string) => {
    const p = path.join(ws.cwd, name);
    fs.writeFileSync(p, text, 'latin1');
    return p;
  };

  it('validates a good ORDERS: the report of CONTRACTS.md, one implicit group, exit 0', () => {
    const r = cli(ws, ['validate', '--json', file('good.edi', ORDERS)]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = ValidationReportSchema.parse(JSON.parse(r.stdout));
    expect(report).toMatchObject({ ok: true, interchanges: [{ standard: 'EDIFACT', version: 'D96A', senderId: '5412345000013', receiverId: '5790000000001',
      controlNumber: 'IC1', partnerId: 'nordmart', status: 'accepted', duplicate: false, errors: [],
      groups: [{ functionalId: 'ORDERS', controlNumber: '', status: 'accepted', sets: [{ type: 'ORDERS', controlNumber: 'M1', status: 'accepted', errors: [] }] }] }] });
  });

  it('rejects with the CONTRL code and exit 1, and `ack` prints the CONTRL the partner asked for', () => {
    const bad = file('bad.edi', ORDERS.replace('QTY+21:12', 'QTY+21:12X').replace('UNZ+1+IC1', 'UNZ+1+IC9'));
    const r = cli(ws, ['validate', '--json', bad]);
    expect(r.status).toBe(1);
    const report = ValidationReportSchema.parse(JSON.parse(r.stdout));
    expect(report.interchanges[0].errors).toContainEqual(expect.objectContaining({ segment: 'UNZ', element: 2, code: '28' }));
    const ack = cli(ws, ['ack', bad]);
    expect(ack.status).toBe(1);
    expect(ack.stdout).toMatch(/^UNB\+UNOC:3\+5790000000001:14\+5412345000013:14\+\d{6}:\d{4}\+1'$/m);
    expect(ack.stdout).toMatch(/^UCI\+IC1\+5412345000013:14\+5790000000001:14\+4\+28\+UNZ\+3'$/m);
    const human = cli(ws, ['validate', bad]);
    expect(human.stdout).toContain('code 28');
  });
});
