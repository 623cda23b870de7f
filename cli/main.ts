// The `casevault` command: parsing and messages only, over the engine API.
import { Command, CommanderError } from 'commander';
import { APP_VERSION, cryptoBackend } from '../engine/index.js';
import { makeCtx, type Ctx } from './context.js';
import { describeError, errorLine, EXIT } from './exit-codes.js';
import type { Io } from './prompt.js';

// Each command's module, loaded only when it runs (or for the help, which lists them all), in the help's order:
// a `casevault sync` loads the sync command and what it needs, not the other thirty.
type AddCommand = (program: Command, ctx: Ctx, done: (code: number) => void) => void;

const COMMANDS: Record<string, () => Promise<AddCommand>> = {
  init: () => import('./commands/init.js').then((m) => m.initCommand),
  sync: () => import('./commands/sync.js').then((m) => m.syncCommand),
  watch: () => import('./commands/watch.js').then((m) => m.watchCommand),
  status: () => import('./commands/status.js').then((m) => m.statusCommand),
  recover: () => import('./commands/recover.js').then((m) => m.recoverCommand),
  verify: () => import('./commands/verify.js').then((m) => m.verifyCommand),
  backup: () => import('./commands/backup.js').then((m) => m.backupCommand),
  'backup-folder': () => import('./commands/backup-folder.js').then((m) => m.backupFolderCommand),
  snapshots: () => import('./commands/snapshots.js').then((m) => m.snapshotsCommand),
  restore: () => import('./commands/restore.js').then((m) => m.restoreCommand),
  forget: () => import('./commands/forget.js').then((m) => m.forgetCommand),
  passwd: () => import('./commands/passwd.js').then((m) => m.passwdCommand),
  audit: () => import('./commands/audit.js').then((m) => m.auditCommand),
  serve: () => import('./commands/serve.js').then((m) => m.serveCommand),
  retention: () => import('./commands/retention.js').then((m) => m.retentionCommand),
  close: () => import('./commands/close.js').then((m) => m.closeCommand),
  reopen: () => import('./commands/reopen.js').then((m) => m.reopenCommand),
  archive: () => import('./commands/archive.js').then((m) => m.archiveCommand),
  archives: () => import('./commands/archives.js').then((m) => m.archivesCommand),
  delete: () => import('./commands/delete.js').then((m) => m.deleteCommand),
  records: () => import('./commands/records.js').then((m) => m.recordsCommand),
  sar: () => import('./commands/sar.js').then((m) => m.sarCommand),
  escrow: () => import('./commands/escrow.js').then((m) => m.escrowCommand),
  handover: () => import('./commands/handover.js').then((m) => m.handoverCommand),
  remove: () => import('./commands/remove.js').then((m) => m.removeCommand),
  'rotate-keys': () => import('./commands/rotate-keys.js').then((m) => m.rotateKeysCommand),
  send: () => import('./commands/send.js').then((m) => m.sendCommand),
  sends: () => import('./commands/sends.js').then((m) => m.sendsCommand),
  'recovery-key': () => import('./commands/recovery-key.js').then((m) => m.recoveryKeyCommand),
  'cloud-move': () => import('./commands/cloud-move.js').then((m) => m.cloudMoveCommand),
  'cloud-key-file': () => import('./commands/cloud-key-file.js').then((m) => m.cloudKeyFileCommand),
  'vault-folder': () => import('./commands/vault-folder.js').then((m) => m.vaultFolderCommand),
  devices: () => import('./commands/devices.js').then((m) => m.devicesCommand),
  'breach-report': () => import('./commands/breach-report.js').then((m) => m.breachReportCommand),
};

/** The commands that take case names, which may start with "-". */
const CASE_COMMANDS = new Set(['close', 'reopen', 'archive', 'delete']);

export async function main(
  argv: string[],
  io: Io = { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let code: number = EXIT.ok;
  const ctx = makeCtx(io);
  const program = new Command('casevault')
    .description('Encrypted vault for case files: an encrypted cloud copy and backups of a folder.')
    .version(APP_VERSION)
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stdout.write(s),
      // Commander's own messages, cut to their first sentence, in the contract's form.
      outputError: (s) => {
        const first = s
          .replace(/^error: /, '')
          .trim()
          .split(/\.\s/)[0]!
          .replace(/\.$/, '');
        // A case named "-rf" is taken for an option: the way to name it is `--` before it.
        const caseNamed = CASE_COMMANDS.has(argv[0] ?? '') && first.startsWith('unknown option');
        io.stderr.write(
          errorLine(
            caseNamed
              ? `${first}; if that is a case whose name starts with "-", put \`--\` before it (\`casevault ${argv[0]} --yes -- NAME\`), or see \`casevault ${argv[0]} --help\``
              : `${first}; see \`casevault --help\``,
          ),
        );
      },
    });
  // Only the command named is loaded; anything else (help, a mistyped name) loads them all, for commander to list or suggest.
  const wanted = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? [COMMANDS[argv[0]]!] : Object.values(COMMANDS);
  for (const add of await Promise.all(wanted.map((load) => load())))
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
      io.stdout.write(`${APP_VERSION} (libsodium ${(await cryptoBackend()) === 'native' ? 'native' : 'WebAssembly'})\n`);
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
