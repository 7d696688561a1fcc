import { Type } from 'typebox';

import { createMessageRegistry, defineEvent, upcaster } from '../../src/messages/index.js';

/** A plain event of the test domain. */
export const ThingHappened = defineEvent({
  name: 'test.ThingHappened',
  schema: Type.Object({ n: Type.Integer(), note: Type.Optional(Type.String()) }),
});

/** Another event type, for type filters. */
export const ThingRenamed = defineEvent({
  name: 'test.ThingRenamed',
  schema: Type.Object({ name: Type.String({ minLength: 1 }) }),
});

/** Version 1 of `test.ThingSized`: a size in centimetres. */
export const ThingSizedV1 = defineEvent({
  name: 'test.ThingSized',
  schema: Type.Object({ centimetres: Type.Number() }),
});

/** Version 2 of `test.ThingSized`: a size in metres with a unit, upcast from version 1. */
export const ThingSized = defineEvent({
  name: 'test.ThingSized',
  version: 2,
  schema: Type.Object({ metres: Type.Number(), unit: Type.Literal('m') }),
  upcasters: [
    upcaster(1, ThingSizedV1.schema, (v1) => ({ metres: v1.centimetres / 100, unit: 'm' })),
  ],
});

/** The registry the store contract suites use. */
export const testRegistry = createMessageRegistry([ThingHappened, ThingRenamed, ThingSized]);

/** The registry an older deployment had: `test.ThingSized` at version 1. */
export const legacyRegistry = createMessageRegistry([ThingHappened, ThingRenamed, ThingSizedV1]);

/** The test registry with an upcaster of `test.ThingSized` that throws. */
export const brokenUpcasterRegistry = createMessageRegistry([
  ThingHappened,
  ThingRenamed,
  defineEvent({
    name: ThingSized.name,
    version: 2,
    schema: ThingSized.schema,
    upcasters: [
      upcaster(1, ThingSizedV1.schema, () => {
        throw new Error('this upcaster is broken');
      }),
    ],
  }),
]);

/** A fresh stream id in `category`, so tests sharing one database never collide. */
export function freshStreamId(category = 'thing'): string {
  return `${category}-${crypto.randomUUID()}`;
}

/** A `test.ThingHappened` event to append. */
export function happened(n: number, note?: string) {
  return { type: ThingHappened.name, data: note === undefined ? { n } : { n, note } };
}
