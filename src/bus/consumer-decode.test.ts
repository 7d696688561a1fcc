import { headers } from '@nats-io/nats-core';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';

import { createMessageRegistry, defineEvent, upcaster } from '../messages/index.js';
import { decodeBusMessage, type RawBusMessage } from './consumer-decode.js';
import { UndecodableBusMessageError } from './errors.js';

const Renamed = defineEvent({
  name: 'crm.CustomerRenamed',
  version: 2,
  schema: Type.Object({ customerId: Type.String(), fullName: Type.String() }),
  upcasters: [
    upcaster(1, Type.Object({ customerId: Type.String(), name: Type.String() }), (data) => ({
      customerId: data.customerId,
      fullName: data.name,
    })),
  ],
});
const registry = createMessageRegistry([Renamed]);

function raw(subject: string, data: unknown, fields: Record<string, string>): RawBusMessage {
  const h = headers();
  for (const [name, value] of Object.entries(fields)) h.set(name, value);
  return {
    subject,
    streamSequence: 7,
    headers: h,
    data: new TextEncoder().encode(JSON.stringify(data)),
  };
}

describe('decodeBusMessage', () => {
  it("upcasts a version 1 message named by the subject's version token", () => {
    const message = decodeBusMessage(
      raw(
        'strata.app.crm.CustomerRenamed.v1',
        { customerId: 'c', name: 'Ada' },
        {
          'ce-type': 'crm.CustomerRenamed',
          'Nats-Msg-Id': 'm-1',
          'Strata-Stream': 'customer-c',
          'Strata-Stream-Version': '3',
        },
      ),
      registry,
    );
    expect(message).toEqual({
      type: 'crm.CustomerRenamed',
      data: { customerId: 'c', fullName: 'Ada' },
      id: 'm-1',
      subject: 'strata.app.crm.CustomerRenamed.v1',
      streamSequence: 7,
      publishedVersion: 1,
      streamId: 'customer-c',
      streamVersion: 3,
    });
  });

  it('names a message without Nats-Msg-Id by its subject and sequence', () => {
    const message = decodeBusMessage(
      raw(
        'x.v2',
        { customerId: 'c', fullName: 'Ada' },
        { 'ce-type': 'crm.CustomerRenamed', 'Strata-Schema-Version': '2' },
      ),
      registry,
    );
    expect(message.id).toBe('x.v2#7');
  });

  it.each([
    ['no type header', {}, { customerId: 'c', fullName: 'Ada' }, /no ce-type header/],
    ['a type it does not handle', { 'ce-type': 'crm.Other' }, {}, /does not handle crm\.Other/],
    [
      'data the schema refuses',
      { 'ce-type': 'crm.CustomerRenamed', 'Strata-Schema-Version': '2' },
      { customerId: 'c' },
      /crm\.CustomerRenamed v2 is not valid/,
    ],
    [
      'a version newer than the definition',
      { 'ce-type': 'crm.CustomerRenamed', 'Strata-Schema-Version': '3' },
      { customerId: 'c', fullName: 'Ada' },
      /v3 is not valid/,
    ],
  ])('refuses a message with %s', (_case, fields, data, reason) => {
    const decode = () => decodeBusMessage(raw('s.v2', data, fields), registry);
    expect(decode).toThrow(UndecodableBusMessageError);
    expect(decode).toThrow(reason);
  });
});
