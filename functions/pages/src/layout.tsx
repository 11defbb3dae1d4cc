/**
 * The frame every page shares, and the form pieces that keep labels, hints and error
 * messages tied to their fields (WCAG 2.1: 1.3.1, 3.3.1, 3.3.2, 4.1.2). hono's JSX escapes
 * every value it renders; nothing here renders raw HTML from data.
 */
import type { Child, PropsWithChildren } from 'hono/jsx';
import type { FieldIssue } from '@cx/domain';
import { LANGUAGE_NAMES, LANGUAGES } from '@cx/i18n';
import { SCRIPT, STYLESHEET } from './assets.js';
import { useI18n } from './i18n.js';

export type Section = 'home' | 'verify' | 'catalogue' | 'transfer' | 'my';

const NAV: Array<{ section: Section; href: string; label: 'nav.verify' | 'nav.catalogue' | 'nav.transfer' | 'nav.my' }> = [
  { section: 'verify', href: '/verify', label: 'nav.verify' },
  { section: 'catalogue', href: '/catalogue', label: 'nav.catalogue' },
  { section: 'transfer', href: '/transfer', label: 'nav.transfer' },
  { section: 'my', href: '/my', label: 'nav.my' },
];

/** This page's address in another language: the same path and query, `lang` replaced. */
export function languageHref(here: string, lang: string): string {
  const url = new URL(here, 'http://page');
  url.searchParams.set('lang', lang);
  return `${url.pathname}${url.search}`;
}

export function Layout(props: PropsWithChildren<{ title: string; section: Section; here: string }>) {
  const { t, lang } = useI18n();
  const siteName = t('site.name');
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${siteName}`}</title>
        <link rel="stylesheet" href={STYLESHEET.path} />
        <script src={SCRIPT.path} defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          {t('layout.skip')}
        </a>
        <header class="site">
          <div class="wrap">
            <a class="brand" href="/">
              {siteName}
            </a>
            <nav aria-label={t('layout.nav')}>
              <ul>
                {NAV.map((item) => (
                  <li>
                    <a href={item.href} aria-current={item.section === props.section ? 'page' : undefined}>
                      {t(item.label)}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            {/* plain links, so the switch works without script; the choice is remembered by a cookie */}
            <nav class="languages" aria-label={t('layout.languages')}>
              <ul>
                {LANGUAGES.map((code) => (
                  <li>
                    <a href={languageHref(props.here, code)} hreflang={code} lang={code} aria-current={code === lang ? 'true' : undefined} data-lang={code}>
                      {LANGUAGE_NAMES[code]}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" class="wrap" tabindex={-1}>
          {props.children}
        </main>
        <footer class="site">
          <div class="wrap">
            {t('layout.machines')} <a href="/docs">{t('layout.apiDocs')}</a> · <a href="/openapi.json">{t('layout.openapi')}</a>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** Error messages by field name, for a form. */
export type FieldErrors = Record<string, string>;

export function fieldErrors(issues: FieldIssue[], fieldOf: (issueField: string) => string = (f) => f): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = fieldOf(issue.field);
    errors[field] ??= issue.message;
  }
  return errors;
}

/**
 * The list of a form's errors at its top, each a link to its field. The page's script moves
 * the focus to it on load, which announces it; it is no `role="alert"` as well, or a screen
 * reader would say it twice.
 */
export function ErrorSummary(props: { errors: FieldErrors; labels: Record<string, string> }) {
  const entries = Object.entries(props.errors);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" aria-labelledby="error-summary-title" tabindex={-1}>
      <h2 id="error-summary-title">{useI18n().t('form.problem')}</h2>
      <ul>
        {entries.map(([field, message]) => (
          <li>
            <a href={`#${field}`}>{`${props.labels[field] ?? field}: ${message}`}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

interface FieldProps {
  id: string;
  /** The form field's name; the id when absent. */
  name?: string;
  label: string;
  hint?: string;
  error?: string;
}

/** Ids of the hint and error of a field, for aria-describedby. */
function describedBy(props: FieldProps): string | undefined {
  const ids = [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function FieldFrame(props: PropsWithChildren<FieldProps>) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="error-text" id={`${props.id}-error`}>
          <span class="visually-hidden">{useI18n().t('form.errorPrefix')}</span>
          {props.error}
        </p>
      ) : null}
      {props.children}
    </div>
  );
}

export function TextField(
  props: FieldProps & { value?: string; type?: 'text' | 'email' | 'number' | 'search' | 'url'; required?: boolean; autocomplete?: string; inputmode?: 'numeric' | 'decimal' | 'email' | 'text'; step?: string; min?: string; max?: string },
) {
  return (
    <FieldFrame {...props}>
      <input
        type={props.type ?? 'text'}
        id={props.id}
        name={props.name ?? props.id}
        value={props.value ?? ''}
        required={props.required}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        step={props.step}
        min={props.min}
        max={props.max}
        aria-describedby={describedBy(props)}
        aria-invalid={props.error ? 'true' : undefined}
      />
    </FieldFrame>
  );
}

export function TextArea(props: FieldProps & { value?: string; rows?: number; required?: boolean }) {
  return (
    <FieldFrame {...props}>
      <textarea
        id={props.id}
        name={props.name ?? props.id}
        rows={props.rows ?? 8}
        required={props.required}
        spellcheck={false}
        aria-describedby={describedBy(props)}
        aria-invalid={props.error ? 'true' : undefined}
      >
        {props.value ?? ''}
      </textarea>
    </FieldFrame>
  );
}

export function SelectField(props: FieldProps & { value?: string; options: Array<{ value: string; label: string }>; required?: boolean; empty?: string }) {
  return (
    <FieldFrame {...props}>
      <select id={props.id} name={props.name ?? props.id} required={props.required} aria-describedby={describedBy(props)} aria-invalid={props.error ? 'true' : undefined}>
        {props.empty !== undefined ? <option value="">{props.empty}</option> : null}
        {props.options.map((option) => (
          <option value={option.value} selected={option.value === props.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export function FileField(props: FieldProps & { multiple?: boolean; accept?: string }) {
  return (
    <FieldFrame {...props}>
      <input
        type="file"
        id={props.id}
        name={props.name ?? props.id}
        multiple={props.multiple}
        accept={props.accept}
        aria-describedby={describedBy(props)}
        aria-invalid={props.error ? 'true' : undefined}
      />
    </FieldFrame>
  );
}

/** A definition list of facts, skipping those with nothing to show. */
export function Facts(props: { rows: Array<[string, Child | undefined | null]> }) {
  const rows = props.rows.filter(([, value]) => value !== undefined && value !== null && value !== '');
  if (rows.length === 0) return null;
  return (
    <dl class="facts">
      {rows.map(([term, value]) => (
        <>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </>
      ))}
    </dl>
  );
}
