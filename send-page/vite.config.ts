// Builds the recipient's page into one file, dist/send-page/package.html:
// the page's script (with libsodium and its WebAssembly, which the ES module
// build carries inline) and its style go into the HTML template, and the
// CSP names exactly their SHA-256 hashes. The engine then writes a package
// by putting the encrypted pieces where the template says.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The page may run its own script (and compile libsodium's WebAssembly) and use its own style; nothing else, and no connection anywhere. */
function pageCsp(scriptHash: string, styleHash: string): string {
  return `default-src 'none'; script-src 'sha256-${scriptHash}' 'wasm-unsafe-eval'; style-src 'sha256-${styleHash}'; base-uri 'none'; form-action 'none'`;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');

function inlineIntoTemplate(): Plugin {
  return {
    name: 'casevault-inline-send-page',
    generateBundle(_options, bundle) {
      const entry = Object.values(bundle).find((c) => c.type === 'chunk' && c.isEntry);
      if (!entry || entry.type !== 'chunk') throw new Error('send page: no entry chunk');
      const script = entry.code.trim();
      // Inside <script>, these would end or confuse the element: the bundle must not contain them.
      if (/<\/script|<!--/i.test(script)) throw new Error('send page: the bundle contains </script or <!--');
      const style = readFileSync(here('./src/page.css'), 'utf8').trim();
      const template = readFileSync(here('./index.html'), 'utf8');
      // The hashed text is exactly the element's content, so it is put in without the template's indentation.
      const html = template
        .replace(/<style>\s*%STYLE%\s*<\/style>/, () => `<style>${style}</style>`)
        .replace(/<script type="module">\s*%SCRIPT%\s*<\/script>/, () => `<script type="module">${script}</script>`)
        .replace('%CSP%', () => pageCsp(sha256(script), sha256(style)));
      if (html.includes('%STYLE%') || html.includes('%SCRIPT%') || html.split('<!--casevault-package-->').length !== 2)
        throw new Error('send page: the template lacks a placeholder');
      for (const name of Object.keys(bundle)) delete bundle[name];
      this.emitFile({ type: 'asset', fileName: 'package.html', source: html });
    },
  };
}

export default defineConfig({
  root: here('.'),
  logLevel: 'warn',
  build: {
    outDir: here('../dist/send-page'),
    emptyOutDir: true,
    sourcemap: false,
    minify: true,
    lib: { entry: here('./src/page.ts'), formats: ['es'], fileName: () => 'page.js' },
  },
  plugins: [inlineIntoTemplate()],
});
