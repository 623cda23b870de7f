// The architecture's layers (DESIGN.md "Architecture"), checked on the
// source: every import of every file under crypto/, contract/, engine/,
// cli/, electron/, renderer/src/, send-page/src/ and bin/ (static, `export ... from`,
// `import type`, dynamic `import()`, `require()`, type-position `import()`,
// and workers' `new URL('...', import.meta.url)`) must keep its folder's
// rule. No exceptions: a file that needs one breaks the design. The rules
// prove themselves on small in-memory fixtures first, so a checker that sees
// nothing cannot pass.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, posix, relative, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository (this file runs from dist/tests/architecture/). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCANNED = ['crypto', 'contract', 'engine', 'cli', 'electron', 'renderer/src', 'send-page/src', 'bin'];
const SOURCE = /\.(tsx?|mts|cts|jsx?|mjs|cjs)$/;

/** The npm packages crypto/ uses today: libsodium, the BIP-39 word list, schema validation. Pure code, no I/O. */
const CRYPTO_PACKAGES = ['libsodium-wrappers-sumo', '@scure/bip39', 'zod'];
/** Node modules that reach files, the network, other processes or threads: never in crypto/. */
const IO_BUILTINS = ['fs', 'net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns', 'child_process', 'worker_threads', 'cluster'];

interface SourceFile {
  /** From the repository root, with forward slashes. */
  path: string;
  text: string;
}

interface Import {
  specifier: string;
  line: number;
  /** The argument is not a literal string, so where it leads cannot be checked. */
  computed?: boolean;
}

/** Every module a file names, found by TypeScript's own parser (so comments, strings and line breaks cannot fool it). */
function importsOf(file: SourceFile): Import[] {
  const ext = /\.[^.]+$/.exec(file.path)?.[0];
  const kind =
    ext === '.tsx'
      ? ts.ScriptKind.TSX
      : ext === '.jsx'
        ? ts.ScriptKind.JSX
        : ext && ['.js', '.mjs', '.cjs'].includes(ext)
          ? ts.ScriptKind.JS
          : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, kind);
  const out: Import[] = [];
  const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const add = (arg: ts.Node | undefined, at: ts.Node) => {
    if (arg && ts.isStringLiteralLike(arg)) out.push({ specifier: arg.text, line: lineOf(at) });
    else out.push({ specifier: arg ? arg.getText(sf) : '', line: lineOf(at), computed: true });
  };
  const isIdentifier = (n: ts.Node, name: string) => ts.isIdentifier(n) && n.text === name;
  const isImportMeta = (n: ts.Node) => ts.isMetaProperty(n) && n.keywordToken === ts.SyntaxKind.ImportKeyword;
  const isImportMetaUrl = (n: ts.Node | undefined) => !!n && ts.isPropertyAccessExpression(n) && n.name.text === 'url' && isImportMeta(n.expression);
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier) {
      add(n.moduleSpecifier, n);
    } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) {
      add(n.moduleReference.expression, n);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) {
      add(n.argument.literal, n);
    } else if (ts.isCallExpression(n) && (n.expression.kind === ts.SyntaxKind.ImportKeyword || isIdentifier(n.expression, 'require'))) {
      add(n.arguments[0], n);
    } else if (ts.isNewExpression(n) && isIdentifier(n.expression, 'URL') && isImportMetaUrl(n.arguments?.[1])) {
      add(n.arguments?.[0], n);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** What an import names: a file of this repository (its path without extension), an npm package, or a Node module. */
type Target = { kind: 'file'; stem: string } | { kind: 'package'; name: string } | { kind: 'node'; name: string } | { kind: 'computed' };

function targetOf(from: string, imp: Import): Target {
  if (imp.computed) return { kind: 'computed' };
  const s = imp.specifier;
  if (s.startsWith('.') || s.startsWith('/')) {
    const path = s.startsWith('/') ? relative(ROOT, s).split(sep).join('/') : posix.join(posix.dirname(from), s);
    return { kind: 'file', stem: path.replace(/\.d\.ts$/, '').replace(SOURCE, '') };
  }
  if (isBuiltin(s)) return { kind: 'node', name: s.replace(/^node:/, '').split('/')[0]! };
  const parts = s.split('/');
  return { kind: 'package', name: s.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]! };
}

const under = (stem: string, dir: string) => stem === dir || stem.startsWith(`${dir}/`);
/** The engine's one door: engine/index.ts (or the folder itself, which resolves to it). */
const isEngineEntry = (stem: string) => stem === 'engine/index' || stem === 'engine';
const isCommand = (path: string) => path.startsWith('cli/commands/');
/** A file directly in cli/ (not in a subfolder). */
const isCliTop = (stem: string) => stem.startsWith('cli/') && !stem.slice(4).includes('/');

/** The repository's files the recipient's page carries. */
const PAGE_FILES = ['crypto/send/open', 'crypto/send/format', 'crypto/errors', 'contract/words'];
/** What those crypto files may name: each other, and files with no Node in them (crypto/sodium only for its type: the page passes libsodium in). */
const PAGE_CRYPTO = ['crypto/send/open', 'crypto/send/format', 'crypto/errors', 'crypto/padding', 'crypto/sodium'];

interface Rule {
  title: string;
  applies(path: string): boolean;
  /** Why this import breaks the rule, or undefined if it keeps it. */
  broken(path: string, t: Target): string | undefined;
}

const isPreload = (path: string) => path === 'electron/preload.cjs';

const RULES: Rule[] = [
  {
    title: 'every import names its module literally (a computed name cannot be checked)',
    applies: () => true,
    broken: (_path, t) => (t.kind === 'computed' ? 'a computed module name' : undefined),
  },
  {
    title: `crypto/ imports only crypto/, the npm packages ${CRYPTO_PACKAGES.join(', ')}, and Node modules without files, network, processes or threads`,
    applies: (path) => under(path, 'crypto'),
    broken: (_path, t) => {
      if (t.kind === 'file') return under(t.stem, 'crypto') ? undefined : 'outside crypto/';
      if (t.kind === 'package') return CRYPTO_PACKAGES.includes(t.name) ? undefined : `npm package ${t.name} is not one crypto/ may use`;
      if (t.kind === 'node') return IO_BUILTINS.includes(t.name) ? `Node's ${t.name} does I/O` : undefined;
      return undefined;
    },
  },
  {
    title: 'contract/ imports only zod and contract/',
    applies: (path) => under(path, 'contract'),
    broken: (_path, t) => {
      if (t.kind === 'file') return under(t.stem, 'contract') ? undefined : 'outside contract/';
      if (t.kind === 'package') return t.name === 'zod' ? undefined : `npm package ${t.name}`;
      if (t.kind === 'node') return `Node's ${t.name}`;
      return undefined;
    },
  },
  {
    title: 'engine/ never imports cli/, electron/ or renderer/',
    applies: (path) => under(path, 'engine'),
    broken: (_path, t) =>
      t.kind === 'file' && ['cli', 'electron', 'renderer'].some((d) => under(t.stem, d)) ? `reaches into ${t.stem.split('/')[0]}/` : undefined,
  },
  {
    title:
      'renderer/src imports only itself, contract/, react and react-dom; electron/preload.cjs only contract/ and electron; never engine/ or crypto/, not even types',
    applies: (path) => under(path, 'renderer/src') || isPreload(path),
    broken: (path, t) => {
      if (t.kind === 'file') {
        if (under(t.stem, 'contract') || (under(path, 'renderer/src') && under(t.stem, 'renderer/src'))) return undefined;
        return under(t.stem, 'engine') || under(t.stem, 'crypto') ? `reaches into ${t.stem.split('/')[0]}/ past the API contract` : 'outside contract/';
      }
      const allowed = isPreload(path) ? ['electron'] : ['react', 'react-dom'];
      if (t.kind === 'package') return allowed.includes(t.name) ? undefined : `npm package ${t.name}`;
      if (t.kind === 'node') return `Node's ${t.name}`;
      return undefined;
    },
  },
  {
    title: 'cli/ imports only engine/index.ts, contract/, the files directly in cli/ (a command never imports another command), npm packages and Node',
    applies: (path) => under(path, 'cli'),
    broken: (path, t) => {
      if (t.kind !== 'file') return undefined;
      if (isEngineEntry(t.stem) || under(t.stem, 'contract') || isCliTop(t.stem)) return undefined;
      if (under(t.stem, 'cli/commands') && !isCommand(path)) return undefined;
      if (under(t.stem, 'cli/commands')) return 'a command importing another command';
      if (under(t.stem, 'crypto')) return 'crypto/ (the engine uses it, the command does not)';
      if (under(t.stem, 'engine')) return 'an engine internal (only engine/index.ts)';
      return 'outside what cli/ may use';
    },
  },
  {
    title: 'electron/ (the main process) imports only engine/index.ts, contract/, electron/, npm packages and Node',
    applies: (path) => under(path, 'electron') && !isPreload(path),
    broken: (_path, t) => {
      if (t.kind !== 'file') return undefined;
      if (isEngineEntry(t.stem) || under(t.stem, 'contract') || under(t.stem, 'electron')) return undefined;
      return under(t.stem, 'engine') ? 'an engine internal (only engine/index.ts)' : 'outside what electron/ may use';
    },
  },
  {
    title:
      "send-page/src (the recipient's page) imports only itself, crypto/send/open, crypto/send/format, crypto/errors, contract/words and libsodium-wrappers-sumo: the code a recipient runs stays small",
    applies: (path) => under(path, 'send-page/src'),
    broken: (_path, t) => {
      if (t.kind === 'file')
        return under(t.stem, 'send-page/src') || PAGE_FILES.includes(t.stem) ? undefined : `${t.stem} is not code the recipient's page may carry`;
      if (t.kind === 'package') return t.name === 'libsodium-wrappers-sumo' ? undefined : `npm package ${t.name}`;
      if (t.kind === 'node') return `Node's ${t.name}`;
      return undefined;
    },
  },
  {
    title: "crypto/send/open and format (what the recipient's page runs) import only each other, crypto/errors, crypto/padding and crypto/sodium's type",
    applies: (path) => PAGE_FILES.some((f) => f.startsWith('crypto/send/') && path.startsWith(`${f}.`)),
    broken: (_path, t) => {
      if (t.kind === 'file') return PAGE_CRYPTO.includes(t.stem) ? undefined : `${t.stem} would load Node in the browser`;
      if (t.kind === 'package' || t.kind === 'node') return `${t.kind === 'node' ? "Node's " : 'npm package '}${t.name}`;
      return undefined;
    },
  },
  {
    title: 'bin/ holds shims: they import only the compiled command (dist/cli/main.js), the compiled launcher (dist/electron/launch.js) and Node',
    applies: (path) => under(path, 'bin'),
    broken: (_path, t) => {
      if (t.kind === 'file') return t.stem === 'dist/cli/main' || t.stem === 'dist/electron/launch' ? undefined : 'not a compiled entry point';
      if (t.kind === 'package') return `npm package ${t.name}`;
      return undefined;
    },
  },
];

interface Violation {
  rule: Rule;
  line: string;
}

function violations(files: SourceFile[]): Violation[] {
  const out: Violation[] = [];
  for (const file of files) {
    for (const imp of importsOf(file)) {
      const t = targetOf(file.path, imp);
      for (const rule of RULES) {
        if (!rule.applies(file.path)) continue;
        const why = rule.broken(file.path, t);
        if (why) out.push({ rule, line: `${file.path}:${imp.line} imports ${imp.computed ? imp.specifier : `'${imp.specifier}'`}: ${why}` });
      }
    }
  }
  return out;
}

function report(found: Violation[]): string {
  const lines = [`${found.length} import(s) break the layering:`];
  for (const rule of RULES) {
    const mine = found.filter((v) => v.rule === rule);
    if (mine.length === 0) continue;
    lines.push('', `${rule.title} (${mine.length}):`, ...mine.map((v) => `  ${v.line}`));
  }
  return lines.join('\n');
}

function sourcesUnder(dir: string): SourceFile[] {
  let entries;
  try {
    entries = readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return entries
    .filter((e) => e.isFile() && SOURCE.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort()
    .map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));
}

const broken = (path: string, text: string) => violations([{ path, text }]).map((v) => v.line);

test('the import finder sees every form of import, over several lines, and nothing in comments or strings', () => {
  const text = [
    'import {',
    '  a,',
    '  b,',
    "} from './multi.js';",
    'import type {',
    '  T,',
    "} from './types.js';",
    "import './side-effect.css';",
    "export * from './re-export.js';",
    "export type { U } from './re-export-type.js';",
    "import fs = require('node:fs');",
    'const lazy = await import(',
    "  './lazy.js'",
    ');',
    "const cjs = require('./cjs.cjs');",
    "type V = import('./type-position.js').V;",
    "const w = new Worker(new URL('./worker.js', import.meta.url));",
    "const page = new URL('./not-a-module.html', 'https://example.org/');",
    "// import x from './in-a-comment.js';",
    'const s = "import(\'./in-a-string.js\')";',
    'const computed = await import(name);',
  ].join('\n');
  const found = importsOf({ path: 'engine/x.ts', text });
  assert.deepEqual(
    found.map((i) => [i.specifier, i.line]),
    [
      ['./multi.js', 1],
      ['./types.js', 5],
      ['./side-effect.css', 8],
      ['./re-export.js', 9],
      ['./re-export-type.js', 10],
      ['node:fs', 11],
      ['./lazy.js', 12],
      ['./cjs.cjs', 15],
      ['./type-position.js', 16],
      ['./worker.js', 17],
      ['name', 21],
    ],
  );
  assert.equal(found.at(-1)?.computed, true);
  assert.deepEqual(
    importsOf({ path: 'electron/preload.cjs', text: "const { contextBridge } = require('electron');" }).map((i) => i.specifier),
    ['electron'],
  );
});

/** One fixture per rule and per kind of breach: the lines of a file, and exactly what the check must say of them. */
const BREACHES: { path: string; lines: string[]; broken: string[] }[] = [
  { path: 'engine/x.ts', lines: ['const m = await import(name);'], broken: ['engine/x.ts:1 imports name: a computed module name'] },
  {
    path: 'crypto/x.ts',
    lines: ['import {', '  Engine,', "} from '../engine/engine.js';", "import { readFile } from 'node:fs/promises';", "import pad from 'left-pad';"],
    broken: [
      "crypto/x.ts:1 imports '../engine/engine.js': outside crypto/",
      "crypto/x.ts:4 imports 'node:fs/promises': Node's fs does I/O",
      "crypto/x.ts:5 imports 'left-pad': npm package left-pad is not one crypto/ may use",
    ],
  },
  {
    path: 'contract/api.ts',
    lines: ["import type { Engine } from '../engine/engine.js';", "import { readFile } from 'node:fs';", "import { clsx } from 'clsx';"],
    broken: [
      "contract/api.ts:1 imports '../engine/engine.js': outside contract/",
      "contract/api.ts:2 imports 'node:fs': Node's fs",
      "contract/api.ts:3 imports 'clsx': npm package clsx",
    ],
  },
  {
    path: 'engine/pool.ts',
    lines: [
      "export { main } from '../cli/main.js';",
      "const p = await import('../electron/policy.js');",
      "const w = new Worker(new URL('../renderer/src/worker.js', import.meta.url));",
    ],
    broken: [
      "engine/pool.ts:1 imports '../cli/main.js': reaches into cli/",
      "engine/pool.ts:2 imports '../electron/policy.js': reaches into electron/",
      "engine/pool.ts:3 imports '../renderer/src/worker.js': reaches into renderer/",
    ],
  },
  {
    path: 'renderer/src/App.tsx',
    lines: [
      'import type {',
      '  ApiResult,',
      "} from '../../engine/transport/dispatch.js';",
      "import { wordlist } from '../../crypto/recovery.js';",
      "import { readFile } from 'node:fs';",
    ],
    broken: [
      "renderer/src/App.tsx:1 imports '../../engine/transport/dispatch.js': reaches into engine/ past the API contract",
      "renderer/src/App.tsx:4 imports '../../crypto/recovery.js': reaches into crypto/ past the API contract",
      "renderer/src/App.tsx:5 imports 'node:fs': Node's fs",
    ],
  },
  {
    path: 'electron/preload.cjs',
    lines: ["const { Engine } = require('../engine/engine.js');"],
    broken: ["electron/preload.cjs:1 imports '../engine/engine.js': reaches into engine/ past the API contract"],
  },
  {
    path: 'cli/commands/sync.ts',
    lines: [
      "import { DamagedData } from '../../crypto/errors.js';",
      "import { UsageError } from '../../engine/errors.js';",
      "import { backupOptions } from './backup.js';",
    ],
    broken: [
      "cli/commands/sync.ts:1 imports '../../crypto/errors.js': crypto/ (the engine uses it, the command does not)",
      "cli/commands/sync.ts:2 imports '../../engine/errors.js': an engine internal (only engine/index.ts)",
      "cli/commands/sync.ts:3 imports './backup.js': a command importing another command",
    ],
  },
  {
    path: 'electron/main.ts',
    lines: ["import { Engine } from '../engine/engine.js';", "import { api } from '../renderer/src/api.js';"],
    broken: [
      "electron/main.ts:1 imports '../engine/engine.js': an engine internal (only engine/index.ts)",
      "electron/main.ts:2 imports '../renderer/src/api.js': outside what electron/ may use",
    ],
  },
  {
    path: 'send-page/src/page.ts',
    lines: ["import { sealPackage } from '../../crypto/send/seal.js';", "import { z } from 'zod';", "import { randomBytes } from 'node:crypto';"],
    broken: [
      "send-page/src/page.ts:1 imports '../../crypto/send/seal.js': crypto/send/seal is not code the recipient's page may carry",
      "send-page/src/page.ts:2 imports 'zod': npm package zod",
      "send-page/src/page.ts:3 imports 'node:crypto': Node's crypto",
    ],
  },
  {
    path: 'crypto/send/open.ts',
    lines: ["import { randomBytes } from '../random.js';", "import { randomBytes as r } from 'node:crypto';"],
    broken: [
      "crypto/send/open.ts:1 imports '../random.js': crypto/random would load Node in the browser",
      "crypto/send/open.ts:2 imports 'node:crypto': Node's crypto",
    ],
  },
  {
    path: 'bin/start.js',
    lines: ["const { Engine } = await import('../dist/engine/engine.js');"],
    broken: ["bin/start.js:1 imports '../dist/engine/engine.js': not a compiled entry point"],
  },
];

/** What each rule lets through: none of these may be reported. */
const ALLOWED: { path: string; lines: string[] }[] = [
  {
    path: 'crypto/backup/x.ts',
    lines: [
      "import sodium from 'libsodium-wrappers-sumo';",
      "import { wordlist } from '@scure/bip39/wordlists/english.js';",
      "import { z } from 'zod';",
      "import { deflateRawSync } from 'node:zlib';",
      "import { randomBytes } from 'node:crypto';",
      "import { Keys } from '../keys.js';",
    ],
  },
  { path: 'contract/api.ts', lines: ["import { z } from 'zod';", "export * from './events.js';"] },
  {
    path: 'engine/pool.ts',
    lines: [
      "import { seal } from '../crypto/index.js';",
      "const w = new Worker(new URL('./seal-worker.js', import.meta.url));",
      "import chokidar from 'chokidar';",
      "// import { main } from '../cli/main.js';",
    ],
  },
  {
    path: 'renderer/src/App.tsx',
    lines: [
      "import { useState } from 'react';",
      "import { createRoot } from 'react-dom/client';",
      "import type { Api } from '../../contract/index.js';",
      "import { text } from './text.js';",
      "import './styles.css';",
    ],
  },
  { path: 'electron/preload.cjs', lines: ["const { contextBridge, ipcRenderer } = require('electron');"] },
  {
    path: 'cli/commands/sync.ts',
    lines: [
      "import { Engine } from '../../engine/index.js';",
      "import { context } from '../context.js';",
      "import type { Api } from '../../contract/api.js';",
      "import { Command } from 'commander';",
      "import { join } from 'node:path';",
    ],
  },
  { path: 'cli/main.ts', lines: ["import { sync } from './commands/sync.js';", "import { EXIT } from './exit-codes.js';"] },
  {
    path: 'electron/main.ts',
    lines: [
      "import { app } from 'electron';",
      "import { Engine } from '../engine/index.js';",
      "import { isAppUrl } from './policy.js';",
      "import type { Api } from '../contract/api.js';",
    ],
  },
  {
    path: 'send-page/src/page.ts',
    lines: [
      "import sodium from 'libsodium-wrappers-sumo';",
      "import { openPackage } from '../../crypto/send/open.js';",
      "import { DamagedData } from '../../crypto/errors.js';",
      "import { byteSize } from '../../contract/words.js';",
      "import { decode } from './decode.js';",
    ],
  },
  {
    path: 'crypto/send/format.ts',
    lines: ["import { DamagedData } from '../errors.js';", "import { padmeLength } from '../padding.js';", "import type { Sodium } from '../sodium.js';"],
  },
  { path: 'bin/start.js', lines: ["const launch = await import('../dist/electron/launch.js');", "const cli = await import('../dist/cli/main.js');"] },
];

test('each rule catches a breach and lets the allowed imports through', () => {
  for (const b of BREACHES) assert.deepEqual(broken(b.path, b.lines.join('\n')), b.broken, b.path);
  for (const a of ALLOWED) assert.deepEqual(broken(a.path, a.lines.join('\n')), [], a.path);
  // No rule goes unproven.
  const caught = new Set(BREACHES.flatMap((b) => violations([{ path: b.path, text: b.lines.join('\n') }]).map((v) => v.rule)));
  assert.deepEqual(
    RULES.filter((r) => !caught.has(r)).map((r) => r.title),
    [],
  );
});

test('every import in crypto/, contract/, engine/, cli/, electron/, renderer/src, send-page/src and bin/ keeps its layer', () => {
  const files = SCANNED.flatMap(sourcesUnder);
  for (const dir of SCANNED.filter((d) => d !== 'contract')) {
    assert.ok(
      files.some((f) => under(f.path, dir)),
      `no source found under ${dir}/ from ${ROOT}: the check would see nothing`,
    );
  }
  const found = violations(files);
  assert.ok(found.length === 0, report(found));
});

test("the renderer's TypeScript program holds no file from engine/ or crypto/", () => {
  const configPath = join(ROOT, 'renderer', 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')) },
  );
  assert.ok(config, 'renderer/tsconfig.json could not be read');
  // The files `tsc -p renderer/tsconfig.json --listFiles` lists: the program's, with every import followed.
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, projectReferences: config.projectReferences ?? [] });
  const listed = program.getSourceFiles().map((f) => relative(ROOT, f.fileName).split(sep).join('/'));
  assert.ok(
    listed.some((p) => p.startsWith('renderer/src/')),
    'the program holds no renderer file',
  );
  const inward = listed.filter((p) => under(p, 'engine') || under(p, 'crypto'));
  assert.ok(
    inward.length === 0,
    [`renderer/tsconfig.json compiles ${inward.length} file(s) from engine/ or crypto/:`, ...inward.map((p) => `  ${p}`)].join('\n'),
  );
});
