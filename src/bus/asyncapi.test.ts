import { Parser } from '@asyncapi/parser';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createMessageRegistry, defineCommand, defineEvent, upcaster } from '../messages/index.js';
import { asyncApiDocument } from './asyncapi.js';
import { BUS_HEADERS } from './headers.js';

const SizedV1 = defineEvent({
  name: 'things.Sized',
  schema: Type.Object({ centimetres: Type.Number() }),
});
const Sized = defineEvent({
  name: 'things.Sized',
  version: 2,
  description: 'A thing was measured.',
  schema: Type.Object({ metres: Type.Number() }),
  upcasters: [upcaster(1, SizedV1.schema, (v1) => ({ metres: v1.centimetres / 100 }))],
});
const Renamed = defineEvent({
  name: 'things.Renamed',
  schema: Type.Object({ name: Type.String() }),
});
const Rename = defineCommand({ name: 'things.Rename', schema: Type.Object({}) });
const registry = createMessageRegistry([Sized, Renamed, Rename]);

/** Spectral's severities 0 (error) and 1 (warning); 2 and 3 are information and hints. */
const SERIOUS: ReadonlySet<number> = new Set([0, 1]);

/** What AsyncAPI's own parser finds wrong in `document`: errors and warnings. */
async function problemsOf(document: unknown): Promise<string[]> {
  const diagnostics = await new Parser().validate(document as never);
  return diagnostics
    .filter((found) => SERIOUS.has(found.severity) && found.code !== 'asyncapi-latest-version')
    .map((found) => `${String(found.code)}: ${found.message} at ${found.path.join('/')}`);
}

describe('the AsyncAPI document of the bus', () => {
  it("passes AsyncAPI's own parser with no error and no warning", async () => {
    expect(
      await problemsOf(
        asyncApiDocument({ app: 'devpie', registry: createMessageRegistry(devpie.messages) }),
      ),
    ).toEqual([]);
    expect(
      await problemsOf(asyncApiDocument({ app: 'things', prefix: 'acme.prod', registry })),
    ).toEqual([]);
  });

  it('is refused by that parser when broken, so the check above can fail', async () => {
    const document = asyncApiDocument({ app: 'things', registry });
    const broken = {
      ...document,
      operations: { bad: { action: 'send', channel: { $ref: '#/channels/none' } } },
    };
    expect(await problemsOf(broken)).not.toEqual([]);
  });

  it('has a channel per subject: every event at every schema version, no command', async () => {
    const { document } = await new Parser().parse(
      asyncApiDocument({ app: 'things', registry }) as never,
    );
    const addresses = document
      ?.channels()
      .all()
      .map((channel) => channel.address());
    expect(addresses).toEqual([
      'strata.things.things.Renamed.v1',
      'strata.things.things.Sized.v1',
      'strata.things.things.Sized.v2',
    ]);
    expect(
      document
        ?.operations()
        .all()
        .every((operation) => operation.action() === 'send'),
    ).toBe(true);
  });

  it("carries each version's payload schema and the forwarder's headers", async () => {
    const { document } = await new Parser().parse(
      asyncApiDocument({ app: 'things', registry }) as never,
    );
    const message = (id: string) =>
      document
        ?.messages()
        .all()
        .find((m) => m.id() === id);
    const v1 = message('things.Sized.v1');
    const v2 = message('things.Sized.v2');
    expect(v1?.payload()?.properties()).toHaveProperty('centimetres');
    expect(v2?.payload()?.properties()).toHaveProperty('metres');
    expect(v2?.summary()).toBe('A thing was measured.');
    expect(Object.keys(v2?.headers()?.properties() ?? {}).sort()).toEqual(
      Object.values(BUS_HEADERS).sort(),
    );
    expect(v2?.headers()?.required()).toContain('Nats-Msg-Id');
    expect(v2?.correlationId()?.location()).toBe('$message.header#/Strata-Correlation-Id');
  });
});
