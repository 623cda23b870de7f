// The `casevault` command: parsing and messages only, over the engine API.
import { Command, CommanderError } from 'commander';
import { auditCommand } from './commands/audit.js';
import { cloudMoveCommand } from './commands/cloud-move.js';
import { escrowCommand } from './commands/escrow.js';
import { handoverCommand } from './commands/handover.js';
import { removeCommand } from './commands/remove.js';
import { backupCommand } from './commands/backup.js';
import { backupFolderCommand } from './commands/backup-folder.js';
import { forgetCommand } from './commands/forget.js';
import { initCommand } from './commands/init.js';
import { restoreCommand } from './commands/restore.js';
import { sarCommand } from './commands/sar.js';
import { sendCommand } from './commands/send.js';
import { sendsCommand } from './commands/sends.js';
import { snapshotsCommand } from './commands/snapshots.js';
import { passwdCommand } from './commands/passwd.js';
import { rotateKeysCommand } from './commands/rotate-keys.js';
import { recoverCommand } from './commands/recover.js';
import { recoveryKeyCommand } from './commands/recovery-key.js';
import { serveCommand } from './commands/serve.js';
import { statusCommand } from './commands/status.js';
import { syncCommand } from './commands/sync.js';
import { verifyCommand } from './commands/verify.js';
import { watchCommand } from './commands/watch.js';
import { archiveCommand } from './commands/archive.js';
import { archivesCommand } from './commands/archives.js';
import { closeCommand } from './commands/close.js';
import { deleteCommand } from './commands/delete.js';
import { recordsCommand } from './commands/records.js';
import { reopenCommand } from './commands/reopen.js';
import { retentionCommand } from './commands/retention.js';
import { devicesCommand } from './commands/devices.js';
import { breachReportCommand } from './commands/breach-report.js';
import { cryptoBackend } from '../engine/index.js';
import { makeCtx } from './context.js';
import { describeError, errorLine, EXIT } from './exit-codes.js';
import type { Io } from './prompt.js';

const COMMANDS = [
  initCommand,
  syncCommand,
  watchCommand,
  statusCommand,
  recoverCommand,
  verifyCommand,
  backupCommand,
  backupFolderCommand,
  snapshotsCommand,
  restoreCommand,
  forgetCommand,
  passwdCommand,
  auditCommand,
  serveCommand,
  retentionCommand,
  closeCommand,
  reopenCommand,
  archiveCommand,
  archivesCommand,
  deleteCommand,
  recordsCommand,
  sarCommand,
  escrowCommand,
  handoverCommand,
  removeCommand,
  rotateKeysCommand,
  sendCommand,
  sendsCommand,
  recoveryKeyCommand,
  cloudMoveCommand,
  devicesCommand,
  breachReportCommand,
];

const VERSION = '0.1.0';

export async function main(
  argv: string[],
  io: Io = { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let code: number = EXIT.ok;
  const ctx = makeCtx(io);
  const program = new Command('casevault')
    .description('Encrypted vault for case files: an encrypted cloud copy and backups of a folder.')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stdout.write(s),
      // Commander's own messages, cut to their first sentence, in the contract's form.
      outputError: (s) =>
        io.stderr.write(
          errorLine(
            `${s
              .replace(/^error: /, '')
              .trim()
              .split(/\.\s/)[0]!
              .replace(/\.$/, '')}; see \`casevault --help\``,
          ),
        ),
    });
  for (const add of COMMANDS)
    add(program, ctx, (c) => {
      code = c;
    });
  program.commands.forEach((c) => c.exitOverride());
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.usage;
    }
    if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
      // Which build of libsodium runs here (crypto/sodium.ts): the native addon, or WebAssembly where it does not load.
      io.stdout.write(`${VERSION} (libsodium ${(await cryptoBackend()) === 'native' ? 'native' : 'WebAssembly'})\n`);
      return EXIT.ok;
    }
    await ctx.engine().finishWipe(); // this computer was wiping itself on another computer's order when it was stopped: that comes first
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help asked for (--help, help, --version) is success; help shown because a group command lacks its subcommand is a usage error.
      return (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') && e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const { code: exit, message } = describeError(e);
    io.stderr.write(errorLine(message));
    return exit;
  }
}
