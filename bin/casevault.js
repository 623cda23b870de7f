#!/usr/bin/env node
// The command's entry point; the compiled CLI lives in dist/ (built by `npm install`).
let cli;
try {
  cli = await import('../dist/cli/main.js');
} catch {
  process.stderr.write('casevault: the program is not built; run `npm install` in its folder, then try again.\n');
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2));
