// The text of each format subject access search reads, from real files built in the test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { decodeText, extractText, htmlToText } from '../../engine/sar/extract.js';
import { kindOf } from '../../engine/sar/kinds.js';
import { makeDocx, makeEml, makePdf } from './fixtures.js';

test('kinds by extension, in any case; other files are searched by name only', () => {
  assert.equal(kindOf('a/Letter.DOCX'), 'docx');
  assert.equal(kindOf('notes.md'), 'text');
  assert.equal(kindOf('list.csv'), 'text');
  assert.equal(kindOf('mail.eml'), 'eml');
  assert.equal(kindOf('scan.pdf'), 'pdf');
  assert.equal(kindOf('photo.jpg'), undefined);
  assert.equal(kindOf('README'), undefined);
});

test('text: UTF-8 with and without a byte-order mark, UTF-16 with its mark, Latin-1 when not UTF-8', () => {
  assert.equal(decodeText(strToU8('Siobhán')), 'Siobhán');
  assert.equal(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...strToU8('Siobhán')])), 'Siobhán');
  assert.equal(decodeText(new Uint8Array([0xff, 0xfe, ...Buffer.from('Siobhán', 'utf16le')])), 'Siobhán');
  // "José Núñez" as a Windows spreadsheet exports it.
  assert.equal(decodeText(new Uint8Array(Buffer.from('name\nJosé Núñez\n', 'latin1'))), 'name\nJosé Núñez\n');
});

test('docx: the paragraphs of a real .docx', async () => {
  const text = await extractText(makeDocx(['Grievance for Siobhán O’Neill', 'Reference M-0042']), 'docx');
  assert.match(text, /Grievance for Siobhán O’Neill/);
  assert.match(text, /Reference M-0042/);
});

test('pdf: the text of every page', async () => {
  const text = await extractText(makePdf([['First page'], ['Second page', 'Member M-0042'], ['Third (last) page']]), 'pdf');
  for (const s of ['First page', 'Second page', 'Member M-0042', 'Third (last) page']) assert.ok(text.includes(s), s);
});

test('eml: subject, addresses and names, quoted-printable text, base64 HTML as text, attachment names and their text', async () => {
  const eml = makeEml({
    from: '"Siobhán O\'Neill" <s.oneill@example.org>',
    to: 'Branch Secretary <secretary@union.example>',
    subject: 'Appeal hearing',
    text: 'The café meeting = Tuesday. '.repeat(5),
    html: '<html><style>p{color:red}</style><p>Ref&nbsp;M&#45;0042 &amp; more</p></html>',
    attachments: [
      { name: 'minutes.txt', type: 'text/plain', bytes: strToU8('Minutes mention Priya Shah') },
      { name: 'outcome.pdf', type: 'application/pdf', bytes: makePdf([['Outcome letter, case 7781']]) },
      {
        name: 'statement.docx',
        type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        bytes: makeDocx(['Witness statement by Tom Okafor']),
      },
      { name: 'photo.jpg', type: 'image/jpeg', bytes: new Uint8Array([0xff, 0xd8, 0xff]) },
    ],
  });
  const text = await extractText(eml, 'eml');
  for (const s of [
    'Appeal hearing',
    "Siobhán O'Neill",
    's.oneill@example.org',
    'Branch Secretary',
    'secretary@union.example',
    'The café meeting = Tuesday.',
    'Ref M-0042 & more',
    'minutes.txt',
    'Minutes mention Priya Shah',
    'Outcome letter, case 7781',
    'Witness statement by Tom Okafor',
    'photo.jpg',
  ]) {
    assert.ok(text.includes(s), s);
  }
  assert.ok(!text.includes('color:red'), 'style sheets are not text');
});

test('html: tags become spaces, entities characters, comments and scripts vanish', () => {
  assert.equal(htmlToText('<p>a&lt;b&gt;&quot;c&#39;&#x41;</p><!-- x --><script>y()</script>z&bogus;').replace(/\s+/g, ' ').trim(), 'a<b>"c\'A z&bogus;');
});

test('damaged files throw (the search reports them): a zip that is no docx, a truncated docx, a PDF without its body', async () => {
  await assert.rejects(extractText(zipSync({ 'hello.txt': strToU8('hi') }), 'docx'));
  const docx = makeDocx(['text']);
  await assert.rejects(extractText(docx.subarray(0, docx.length / 2), 'docx'));
  const pdf = makePdf([['text']]);
  await assert.rejects(extractText(pdf.subarray(0, 20), 'pdf'));
  await assert.rejects(extractText(strToU8('not a pdf at all'), 'pdf'));
});

test('eml: an attached e-mail is read; an e-mail attached inside that one is not', async () => {
  const mail = (subject: string, attachments: { name: string; type: string; bytes: Uint8Array }[] = []) =>
    makeEml({ from: 'a@b.example', to: 'c@d.example', subject, text: `${subject} body`, html: '<p>x</p>', attachments });
  const inner = mail('Third level');
  const middle = mail('Second level', [{ name: 'inner.eml', type: 'message/rfc822', bytes: inner }]);
  const text = await extractText(mail('First level', [{ name: 'middle.eml', type: 'message/rfc822', bytes: middle }]), 'eml');
  assert.ok(text.includes('Second level body'));
  assert.ok(text.includes('inner.eml'), 'its name is still searched');
  assert.ok(!text.includes('Third level body'));
});
