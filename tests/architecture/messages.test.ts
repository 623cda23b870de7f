// The engine speaks to people through two shells, so its messages name no
// command and no command-line flag: each failure carries a typed next step
// that the CLI words as a command and the app as its own button or screen.
// This reads every string that can reach a person from engine/ (arguments
// of `new ...(...)` and the values of message-like fields) and fails on a
// command name, a flag or a back-quoted command.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Fields whose text is shown to a person. */
const SHOWN_FIELDS = new Set(['message', 'reason', 'note', 'lastError', 'detail', 'error']);
const FORBIDDEN: [RegExp, string][] = [
  [/`casevault/, 'a back-quoted command'],
  [
    /\bcasevault (init|sync|watch|status|recover|verify|backup|snapshots|restore|forget|passwd|audit|serve|retention|close|reopen|archive|archives|delete|records|sar|escrow|handover|remove|rotate-keys|backup-folder|cloud-move|devices|breach-report|send)\b/,
    'a command',
  ],
  [/(^|\s|\()--[a-z][a-z-]+/, 'a command-line flag'],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The text of every string and template literal under `node`. */
function literals(node: ts.Node): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node))
    return [node.head.text, ...node.templateSpans.map((s) => s.literal.text), ...node.templateSpans.flatMap((s) => literals(s.expression))];
  if (ts.isFunctionLike(node)) return []; // a callback's own strings are not the message (e.g. new Promise((ok) => execFile('sync', ['--file-system'])))
  const out: string[] = [];
  node.forEachChild((c) => void out.push(...literals(c)));
  return out;
}

/** Strings that can reach a person: arguments of constructors (errors), and message-like fields. */
export function shownStrings(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isNewExpression(node)) for (const a of node.arguments ?? []) out.push(...literals(a));
    if (ts.isPropertyAssignment(node) && SHOWN_FIELDS.has(node.name.getText(sf))) out.push(...literals(node.initializer));
    node.forEachChild(visit);
  };
  visit(sf);
  return out;
}

export function violations(strings: readonly string[]): string[] {
  return strings.flatMap((s) => FORBIDDEN.filter(([re]) => re.test(s)).map(([, what]) => `${what}: ${JSON.stringify(s)}`));
}

test('the guard catches a command, a flag and a back-quoted command in a message', () => {
  const sample = [
    "throw new UsageError('no vault yet; run `casevault init` first');",
    "throw new Refused('add --force to do it anyway');",
    "const r = { note: 'the day casevault forget can remove it' };",
  ].join('\n');
  const found = violations(shownStrings('sample.ts', sample));
  assert.equal(found.length, 4, found.join('\n'));
  assert.deepEqual(violations(shownStrings('ok.ts', "throw new UsageError('no vault is set up on this computer yet', 'set-up-vault');")), []);
});

test('no engine message names a casevault command or a command-line flag', () => {
  const found = sources(join(ROOT, 'engine')).flatMap((f) => violations(shownStrings(f, readFileSync(f, 'utf8'))).map((v) => `${relative(ROOT, f)}: ${v}`));
  assert.deepEqual(found, []);
});
