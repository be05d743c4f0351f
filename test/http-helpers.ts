import type { Runtime } from '../src/daemon/runtime';
import { startHttpServer, type HttpServer } from '../src/http/http-server';

export interface HttpRuntime {
  readonly rt: Runtime;
  /** http://127.0.0.1:<port> of its server. */
  readonly base: string;
}

/**
 * A runtime working its inbound queue, with its HTTP server, for one describe block: opened in
 * beforeAll (`prepare` runs before the server starts, say to make tokens, which the server reads
 * at start), closed in afterAll. Read `rt` and `base` in tests or later hooks, not before.
 */
export function useHttpRuntime(open: () => Promise<Runtime>, prepare?: (rt: Runtime) => Promise<void>): HttpRuntime {
  let rt: Runtime | undefined;
  let http: HttpServer | undefined;
  beforeAll(async () => {
    rt = await open();
    rt.workInbound();
    await prepare?.(rt);
    http = await startHttpServer(rt, { port: 0 });
  });
  afterAll(async () => {
    await http?.close();
    await rt?.close();
  });
  return {
    get rt() { return rt!; },
    get base() { return `http://127.0.0.1:${http!.port}`; },
  };
}
