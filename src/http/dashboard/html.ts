/** Markup already escaped (or written by us): inserted into a template as it is. */
export class SafeHtml {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` safe inside an element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  switch (typeof value) {
    case 'string':
      return escapeHtml(value);
    case 'number':
    case 'boolean':
    case 'bigint':
      return escapeHtml(value.toString());
    default: {
      // Objects as JSON; JSON.stringify answers undefined for a function or a symbol.
      const text = JSON.stringify(value) as string | undefined;
      return escapeHtml(text ?? '');
    }
  }
}

/**
 * A template of markup: every value is escaped unless it is `SafeHtml` (another template);
 * arrays are joined, and `undefined`, `null` and `false` render as nothing. Event data, stream
 * ids and error texts come from users: nothing reaches the page unescaped.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(markup);
}

/** A value as indented JSON, for a `<pre>`. */
export const json = (value: unknown): string => JSON.stringify(value, null, 2);

/** A checkpoint as operators read it: the position, the full cursor on hover. */
export const checkpoint = (cursor: string | undefined): SafeHtml =>
  cursor === undefined
    ? html`<span class="muted">none yet</span>`
    : html`<span title="${cursor}">position ${Number(cursor.split('-')[1] ?? 0)}</span>`;

/** A path segment of a dashboard link. */
export const segment = (value: string | number): string => encodeURIComponent(String(value));
