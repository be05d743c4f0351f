import { buildProgram, commandName } from '../../src/cli/main';

describe('CLI entry: only the command being run is loaded', () => {
  it('finds the command name past the global options', () => {
    expect(commandName(['validate', 'a.edi'])).toBe('validate');
    expect(commandName(['--config', 'gw.yaml', '--profiles', 'profiles', 'ack', 'a.edi'])).toBe('ack');
    expect(commandName(['--config=gw.yaml', '--verbose', 'translate', 'a.edi'])).toBe('translate');
    expect(commandName(['--help'])).toBeUndefined();
    expect(commandName([])).toBeUndefined();
  });

  it('registers the named command (validate and ack come together), or all of them', async () => {
    const names = async (argv: string[]) => (await buildProgram(argv)).commands.map((c) => c.name()).sort();
    expect(await names(['validate', 'a.edi'])).toEqual(['ack', 'validate']);
    expect(await names(['--verbose', 'messages', 'list'])).toEqual(['messages']);
    const all = ['ack', 'acks', 'alerts', 'ingest', 'messages', 'partners', 'reconcile', 'render', 'run', 'sandbox-odoo', 'schedules', 'tokens', 'translate', 'validate'];
    expect(await names(['--help'])).toEqual(all);
    expect(await names(['valdiate'])).toEqual(all); // commander can then suggest 'validate'
  });
});
