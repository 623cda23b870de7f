#!/usr/bin/env node
// `npm start`: the desktop app, or the same app in the browser where Electron's runtime cannot be had (electron/launch.ts).
let launch;
try {
  launch = await import('../dist/electron/launch.js');
} catch {
  process.stderr.write('casevault: the program is not built; run `npm install` in its folder, then try again.\n');
  process.exit(1);
}
await launch.start();
