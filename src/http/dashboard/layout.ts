import { html, type SafeHtml } from './html.js';

/** The dashboard's pages, in the navigation's order; `when` hides one whose part is off. */
export const PAGES = [
  { path: '', label: 'Overview' },
  { path: 'streams', label: 'Streams' },
  { path: 'subscribers', label: 'Subscribers' },
  { path: 'parked', label: 'Parked' },
  { path: 'projections', label: 'Projections' },
  { path: 'bus', label: 'Bus', part: 'bus' },
  { path: 'lake', label: 'Lake', part: 'lake' },
  { path: 'webhooks', label: 'Webhooks' },
  { path: 'schemas', label: 'Schemas' },
  { path: 'tail', label: 'Live tail' },
] as const;

/** What every page carries: the app's name, the parts that are on, the form token. */
export interface PageFrame {
  readonly app: string;
  readonly parts: { readonly bus: boolean; readonly lake: boolean };
  readonly csrfToken: string;
}

/** A full page: navigation, `body`, the local stylesheet and script (no CDN, CSP-clean). */
export function page(frame: PageFrame, active: string, title: string, body: SafeHtml): SafeHtml {
  const links = PAGES.filter((entry) => !('part' in entry) || frame.parts[entry.part]).map(
    (entry) =>
      html`<a
        href="/dashboard/${entry.path}"
        ${entry.path === active ? html` aria-current="page"` : ''}
        >${entry.label}</a
      >`,
  );
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="csrf-token" content="${frame.csrfToken}" />
        <title>${title} · ${frame.app} · Strata</title>
        <link rel="stylesheet" href="/dashboard/assets/dashboard.css" />
        <link rel="icon" href="/dashboard/assets/icon.svg" type="image/svg+xml" />
        <script src="/dashboard/assets/dashboard.js" defer></script>
      </head>
      <body>
        <header>
          <strong>Strata</strong> <span class="app">${frame.app}</span>
          <nav>${links}</nav>
        </header>
        <main>
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`;
}

/** A form posting `action` with the CSRF token; `confirm` asks before sending. */
export function actionForm(
  frame: PageFrame,
  action: string,
  label: string,
  options: { fields?: SafeHtml; confirm?: string } = {},
): SafeHtml {
  return html`<form
    method="post"
    action="${action}"
    class="inline"
    ${options.confirm === undefined ? '' : html` data-confirm="${options.confirm}"`}
  >
    <input type="hidden" name="_csrf" value="${frame.csrfToken}" />${options.fields}<button
      type="submit"
    >
      ${label}
    </button>
  </form>`;
}

/** A table of `rows` under `headings`; the text `empty` instead when there are none. */
export function table(
  headings: readonly string[],
  rows: readonly SafeHtml[],
  empty: string | undefined,
  id?: string,
) {
  // Without `empty`, an empty table stays (rows may arrive: the live tail).
  if (rows.length === 0 && empty !== undefined) return html`<p class="empty">${empty}</p>`;
  return html`<table${id === undefined ? '' : html` id="${id}"`}>
    <thead>
      <tr>
        ${headings.map((heading) => html`<th>${heading}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}
