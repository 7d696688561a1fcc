import { describe, expect, it } from 'vitest';

import { formatQueryResult } from './lake-output.js';

const columns = ['type', 'events', 'data'];
const rows = [
  ['shop.OrderPlaced', 120, { note: 'a, "b"' }],
  ['x', 7, null],
];

describe('formatQueryResult', () => {
  it('prints a table with numbers to the right and a row count', () => {
    expect(formatQueryResult('table', columns, rows)).toBe(
      [
        'type              events  data',
        '----------------  ------  -------------------',
        'shop.OrderPlaced     120  {"note":"a, \\"b\\""}',
        'x                      7',
        '(2 rows)',
      ].join('\n'),
    );
  });

  it('prints JSON objects by column name', () => {
    expect(JSON.parse(formatQueryResult('json', columns, rows))).toEqual([
      { type: 'shop.OrderPlaced', events: 120, data: { note: 'a, "b"' } },
      { type: 'x', events: 7, data: null },
    ]);
  });

  it('prints RFC 4180 CSV, quoting what needs it', () => {
    expect(formatQueryResult('csv', columns, [...rows, ['line\nbreak', 1, null]])).toBe(
      [
        'type,events,data',
        'shop.OrderPlaced,120,"{""note"":""a, \\""b\\""""}"',
        'x,7,',
        '"line\nbreak",1,',
      ].join('\n'),
    );
  });
});
