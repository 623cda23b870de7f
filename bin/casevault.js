#!/usr/bin/env node
// The command's entry point; the compiled CLI lives in dist/ (built by `npm install`).
// A reader that stops early (`casevault verify --cloud | head -1`) closes
// the pipe: the rest of the output is dropped and the command finishes with
// its own exit code, instead of a stack trace. (A pipe that is a socket, as
// Node's child processes get, says ECONNRESET when the reader left unread
// output behind.)
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE' && e.code !== 'ECONNRESET') throw e;
  });
}
let cli;
try {
  cli = await import('../dist/cli/main.js');
} catch {
  process.stderr.write('casevault: the program is not built; run `npm install` in its folder, then try again.\n');
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2));
