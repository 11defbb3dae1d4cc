/**
 * The frame every page shares, and the form pieces that keep labels, hints and error
 * messages tied to their fields (WCAG 2.1: 1.3.1, 3.3.1, 3.3.2, 4.1.2). hono's JSX escapes
 * every value it renders; nothing here renders raw HTML from data.
 */
import type { Child, PropsWithChildren } from 'hono/jsx';
import type { FieldIssue } from '@cx/domain';
import { SCRIPT, STYLESHEET } from './assets.js';

export type Section = 'home' | 'verify' | 'catalogue' | 'transfer' | 'my';

const NAV: Array<{ section: Section; href: string; label: string }> = [
  { section: 'verify', href: '/verify', label: 'Verify a credential' },
  { section: 'catalogue', href: '/catalogue', label: 'Catalogue' },
  { section: 'transfer', href: '/transfer', label: 'Transfer credits' },
  { section: 'my', href: '/my', label: 'My credentials' },
];

export const SITE_NAME = 'Consortium credit exchange';

export function Layout(props: PropsWithChildren<{ title: string; section: Section }>) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${SITE_NAME}`}</title>
        <link rel="stylesheet" href={STYLESHEET.path} />
        <script src={SCRIPT.path} defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site">
          <div class="wrap">
            <a class="brand" href="/">
              {SITE_NAME}
            </a>
            <nav aria-label="Main">
              <ul>
                {NAV.map((item) => (
                  <li>
                    <a href={item.href} aria-current={item.section === props.section ? 'page' : undefined}>
                      {item.label}
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
            For machines: the <a href="/docs">API documentation</a> and the <a href="/openapi.json">OpenAPI description</a>.
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

/** The list of a form's errors at its top, each a link to its field (focused first on load). */
export function ErrorSummary(props: { errors: FieldErrors; labels: Record<string, string> }) {
  const entries = Object.entries(props.errors);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1}>
      <h2 id="error-summary-title">There is a problem</h2>
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
          <span class="visually-hidden">Error: </span>
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
