import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { defaultStaticDir, startBrowserServer } from '../../engine/index.js';

export function serveCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('serve')
    .description('browser mode: print a 127.0.0.1 address with a one-time token, and serve the app there until stopped (Enter: a new address)')
    .action(async () => {
      const engine = ctx.engine();
      await engine.startLiveSync();
      const server = await startBrowserServer(engine, { staticDir: defaultStaticDir() });
      ctx.out(`Open this address in your browser (it works once, on this computer only):`);
      ctx.out(server.url);
      ctx.out('Closed the browser? Press Enter here for a new address (the one before stops working).');
      // Each line typed: a fresh one-time link, for a browser that has lost the session (closed, or another one).
      const lines = createInterface({ input: ctx.io.stdin });
      lines.on('line', () => ctx.out(server.newLink()));
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      lines.close();
      await server.close();
      await engine.stopLiveSync();
      await engine.lock();
      done(0);
    });
}
