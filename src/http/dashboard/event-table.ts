import { html, segment, type SafeHtml } from './html.js';
import { table } from './layout.js';
import type { LoggedEvent } from './log-queries.js';

/** A row of an event list: position, type (to its detail), stream and version, time. */
export const eventRow = (event: LoggedEvent): SafeHtml =>
  html`<tr>
    <td class="num">${event.globalPosition}</td>
    <td><a href="/dashboard/events/${segment(event.id)}">${event.type}</a></td>
    <td>
      <a href="/dashboard/streams/${segment(event.streamId)}">${event.streamId}</a
      >@${event.streamVersion}
    </td>
    <td>${event.recordedAt.toISOString()}</td>
  </tr>`;

/** A list of events; `empty` says what none means (none given: an empty table that rows may join). */
export const eventTable = (
  events: readonly LoggedEvent[],
  empty: string | undefined,
  id?: string,
) => table(['Position', 'Type', 'Stream', 'Recorded'], events.map(eventRow), empty, id);
