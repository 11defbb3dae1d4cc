/**
 * The pages' only static files: one style sheet and one small script, kept as text in the
 * code so that the Lambda bundle carries them (no build step, no files to ship). They are
 * served under a content hash, so browsers may cache them for good; and being files rather
 * than inline, they let the pages send a Content-Security-Policy without 'unsafe-inline'.
 */
import { createHash } from 'node:crypto';

const CSS = `
:root {
  --text: #1b1b1f; --muted: #4a4a55; --bg: #ffffff; --panel: #f4f5f7; --line: #c4c7cf;
  --link: #0a4f9e; --focus: #ffbf47; --ok: #11612b; --ok-bg: #e7f4eb; --bad: #a3161b; --bad-bg: #fcebea;
  --warn: #7a4a00; --warn-bg: #fff4dc;
}
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: 100%; line-height: 1.5; color: var(--text); background: var(--bg); }
body { margin: 0; }
a { color: var(--link); text-underline-offset: 0.15em; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; box-shadow: 0 0 0 5px var(--text); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip { position: absolute; left: -9999px; top: 0; background: var(--bg); padding: 0.5rem 1rem; }
.skip:focus { left: 0.5rem; z-index: 10; }
header.site { background: #14213d; color: #fff; }
header.site .wrap { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; padding-top: 0.75rem; padding-bottom: 0.75rem; }
header.site a { color: #fff; }
header.site .brand { font-weight: 700; text-decoration: none; margin-right: auto; }
header.site nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; list-style: none; margin: 0; padding: 0; }
header.site nav a[aria-current="page"], header.site nav a[aria-current="true"] { text-decoration-thickness: 3px; font-weight: 700; }
header.site nav.languages ul { gap: 0.25rem 0.75rem; }
.wrap { max-width: 58rem; margin: 0 auto; padding-left: 1rem; padding-right: 1rem; }
main { padding-top: 1rem; padding-bottom: 3rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.4rem; margin: 2rem 0 0.75rem; }
h3 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
p, ul, ol, dl { margin: 0 0 1rem; }
.lead { font-size: 1.1rem; color: var(--muted); }
.hint { color: var(--muted); font-size: 0.95rem; margin: 0.15rem 0 0.35rem; }
form { margin: 0 0 1.5rem; }
.field { margin: 0 0 1.1rem; }
label, legend { display: block; font-weight: 600; margin-bottom: 0.25rem; }
fieldset { border: 1px solid var(--line); border-radius: 4px; padding: 0.75rem 1rem; margin: 0 0 1.1rem; }
input[type=text], input[type=email], input[type=number], input[type=search], input[type=url], select, textarea {
  font: inherit; color: inherit; background: #fff; border: 2px solid #5f6470; border-radius: 4px; padding: 0.45rem 0.6rem; width: 100%; max-width: 40rem;
}
input[type=number] { max-width: 8rem; }
select { max-width: 24rem; }
textarea { min-height: 10rem; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.875rem; }
input[type=file] { font: inherit; max-width: 100%; }
[aria-invalid="true"] { border-color: var(--bad) !important; }
.error-text { color: var(--bad); font-weight: 600; margin: 0.15rem 0 0.35rem; }
button, .button { font: inherit; font-weight: 600; background: #0a4f9e; color: #fff; border: 2px solid #0a4f9e; border-radius: 4px; padding: 0.5rem 1.1rem; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary { background: #fff; color: #0a4f9e; }
button:hover, .button:hover { background: #083b76; border-color: #083b76; color: #fff; }
.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: 0 1rem; }
.tabs { display: flex; flex-wrap: wrap; gap: 0.5rem; list-style: none; padding: 0; margin: 0 0 1rem; }
.tabs a { display: inline-block; padding: 0.35rem 0.8rem; border: 2px solid var(--link); border-radius: 999px; text-decoration: none; }
.tabs a[aria-current="page"] { background: var(--link); color: #fff; font-weight: 700; text-decoration: underline; text-decoration-thickness: 3px; border-bottom-width: 5px; }
/* forced colours drop the background: the underline and the thicker border still mark the current tab */
@media (forced-colors: active) { .tabs a[aria-current="page"] { border-style: double; border-width: 5px; } }
.drop { border: 2px dashed #5f6470; border-radius: 6px; padding: 0.75rem 1rem; margin: 0 0 1.1rem; background: var(--panel); }
.drop.dragging { border-color: var(--link); background: #e4eefb; }
.panel { background: var(--panel); border-radius: 6px; padding: 1rem 1.25rem; margin: 0 0 1.5rem; }
.panel h2 { margin-top: 0; }
.verdict { border-left: 8px solid; border-radius: 6px; padding: 1rem 1.25rem; margin: 0 0 1.5rem; }
.verdict h2 { margin-top: 0; }
.verdict.ok { border-color: var(--ok); background: var(--ok-bg); }
.verdict.bad { border-color: var(--bad); background: var(--bad-bg); }
.verdict.warn { border-color: var(--warn); background: var(--warn-bg); }
.verdict p:last-child { margin-bottom: 0; }
.checks { list-style: none; padding: 0; }
.checks li { padding: 0.4rem 0 0.4rem 2rem; position: relative; border-bottom: 1px solid var(--line); }
.checks .mark { position: absolute; left: 0.25rem; font-weight: 700; }
.checks li.ok .mark { color: var(--ok); }
.checks li.bad .mark { color: var(--bad); }
.checks .detail { display: block; color: var(--muted); font-size: 0.95rem; overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: minmax(9rem, 14rem) 1fr; gap: 0.4rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
@media (max-width: 36rem) { dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom: 0.5rem; } h1 { font-size: 1.6rem; } }
.results { list-style: none; padding: 0; }
.results li { border-top: 1px solid var(--line); padding: 0.75rem 0; }
.results h3 { margin: 0 0 0.25rem; font-size: 1.1rem; }
.meta { color: var(--muted); font-size: 0.95rem; margin: 0; }
.tag { display: inline-block; font-size: 0.85rem; font-weight: 600; padding: 0.05rem 0.5rem; border-radius: 999px; border: 1px solid currentColor; }
.tag.ok { color: var(--ok); } .tag.bad { color: var(--bad); } .tag.warn { color: var(--warn); }
.item { border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.25rem; margin: 0 0 1rem; }
.item h3 { margin-top: 0; overflow-wrap: anywhere; }
.history { font-size: 0.95rem; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; overflow-wrap: anywhere; }
.notice { border-left: 6px solid var(--link); background: #e4eefb; padding: 0.75rem 1rem; border-radius: 4px; margin: 0 0 1.5rem; }
.error-summary { border: 3px solid var(--bad); padding: 0.75rem 1rem; border-radius: 4px; margin: 0 0 1.5rem; }
.error-summary h2 { margin-top: 0; font-size: 1.2rem; }
.error-summary a { color: var(--bad); font-weight: 600; }
footer.site { border-top: 1px solid var(--line); color: var(--muted); padding: 1rem 0 2rem; font-size: 0.95rem; }
form.inline { display: inline-block; margin: 0; }
.row { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; margin: 0.35rem 0 0.75rem; }
.action-list { list-style: none; padding: 0; }
.action-list li { margin: 0 0 0.85rem; }
.shares { list-style: none; padding: 0; }
.shares li { border-top: 1px solid var(--line); padding: 0.75rem 0 0.25rem; }
.check { display: flex; gap: 0.5rem; align-items: center; }
.check input { width: 1.25rem; height: 1.25rem; margin: 0; }
.check label { margin: 0; font-weight: 400; }
.qr { margin: 1.5rem 0; }
.qr img { display: block; width: 12rem; height: 12rem; }
.qr figcaption { color: var(--muted); font-size: 0.95rem; margin-top: 0.5rem; }
@media print {
  header.site, footer.site, .skip, .no-print, nav { display: none !important; }
  html { font-size: 11pt; }
  main { padding: 0; }
  .wrap { max-width: none; }
  a { color: inherit; text-decoration: none; }
  .print-sheet { border: 2px solid #000; padding: 1.5rem; }
  .qr { break-inside: avoid; }
}
`;

/**
 * Progressive enhancement only: every form works without it. It reads a dropped file into
 * the verify form, fetches `/verify?url=` in the browser (never on the server, so the
 * exchange cannot be made to fetch arbitrary addresses), copies tracking and share links, and
 * prints the print view.
 */
const JS = `
(function () {
  'use strict';
  // the page gives each message in its language, with {placeholders}
  function say(element, name, values) {
    var text = element.getAttribute('data-' + name) || '';
    return text.replace(/\\{(\\w+)\\}/g, function (whole, key) { return key in values ? values[key] : whole; });
  }
  function readInto(file, textarea, status) {
    if (!file) return;
    file.text().then(function (text) {
      textarea.value = text;
      if (status) status.textContent = say(status, 'read', { file: file.name, n: text.length.toLocaleString(document.documentElement.lang) });
    }, function () { if (status) status.textContent = say(status, 'unreadable', { file: file.name }); });
  }

  // after a refused form, take keyboard and screen reader users to the list of problems
  var summary = document.querySelector('.error-summary');
  if (summary) summary.focus();

  var drop = document.querySelector('[data-drop]');
  if (drop) {
    var target = document.getElementById(drop.getAttribute('data-drop'));
    var fileInput = drop.querySelector('input[type=file]');
    var status = document.getElementById('drop-status');
    drop.addEventListener('dragover', function (e) { e.preventDefault(); drop.classList.add('dragging'); });
    drop.addEventListener('dragleave', function () { drop.classList.remove('dragging'); });
    drop.addEventListener('drop', function (e) {
      e.preventDefault();
      drop.classList.remove('dragging');
      var file = e.dataTransfer && e.dataTransfer.files[0];
      if (fileInput) fileInput.value = '';
      readInto(file, target, status);
    });
    if (fileInput) fileInput.addEventListener('change', function () { readInto(fileInput.files[0], target, status); fileInput.value = ''; });
  }

  var fetchForm = document.querySelector('form[data-fetch-url]');
  if (fetchForm) {
    var url = fetchForm.getAttribute('data-fetch-url');
    var area = fetchForm.querySelector('textarea');
    var statusLine = document.getElementById('fetch-status');
    statusLine.textContent = say(fetchForm, 'fetching', { url: url });
    fetch(url, { credentials: 'omit', headers: { accept: 'application/json, application/ld+json' } })
      .then(function (r) { if (!r.ok) throw new Error(say(fetchForm, 'fetch-status', { status: r.status })); return r.text(); })
      .then(function (text) { area.value = text; statusLine.textContent = say(fetchForm, 'fetched', {}); fetchForm.submit(); })
      .catch(function (e) {
        statusLine.textContent = say(fetchForm, 'fetch-failed', { url: url, reason: e && e.message ? e.message : String(e) });
      });
  }

  var print = document.querySelector('button[data-print]');
  if (print) {
    print.hidden = false;
    print.addEventListener('click', function () { window.print(); });
  }

  Array.prototype.forEach.call(document.querySelectorAll('button[data-copy]'), function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var field = document.getElementById(button.getAttribute('data-copy'));
      navigator.clipboard.writeText(field.value || field.textContent).then(function () { button.textContent = button.getAttribute('data-copied') || button.textContent; });
    });
  });
})();
`;

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

export interface Asset {
  path: string;
  contentType: string;
  body: string;
}

export const STYLESHEET: Asset = { path: `/assets/site.${hash(CSS)}.css`, contentType: 'text/css; charset=utf-8', body: CSS };
export const SCRIPT: Asset = { path: `/assets/site.${hash(JS)}.js`, contentType: 'text/javascript; charset=utf-8', body: JS };
export const ASSETS = new Map([STYLESHEET, SCRIPT].map((asset) => [asset.path, asset]));
