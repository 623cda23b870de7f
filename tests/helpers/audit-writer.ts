// Another process recording into a home's audit trail, run by
// tests/cli/audit.test.ts: it loads everything, says "ready", waits for
// "go" on stdin (so every writer starts at the same moment), then records
// its entries one after another and exits.
import { createInterface } from 'node:readline';
import { Engine } from '../../engine/engine.js';

const [home, count] = process.argv.slice(2) as [string, string];
const engine = new Engine(home, { CASEVAULT_HOME: home });
const go = new Promise<void>((resolve) => createInterface({ input: process.stdin }).on('line', (l) => l === 'go' && resolve()));
process.stdout.write('ready\n');
await go;
for (let i = 0; i < Number(count); i++) await engine.record('test event', `process ${process.pid} entry ${i}`);
