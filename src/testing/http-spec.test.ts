import { AssertionError } from 'node:assert';

import { Type } from 'typebox';
import { afterAll, describe, expect, it } from 'vitest';

import { defineApp } from '../app/index.js';
import { defineCommandHandler, DomainError, type Decider } from '../domain/index.js';
import { defineCommand, defineEvent, type CommandOf, type EventOf } from '../messages/index.js';
import { defineProjection } from '../projections/index.js';
import { defineQuery } from '../queries/index.js';
import { commandRequest, queryRequest } from './http-requests.js';
import { httpSpec } from './http-spec.js';

const Noted = defineEvent({
  name: 'notes.Noted',
  schema: Type.Object({ noteId: Type.String(), text: Type.String() }),
});
const TakeNote = defineCommand({
  name: 'notes.TakeNote',
  schema: Type.Object({ noteId: Type.String(), text: Type.String({ minLength: 1 }) }),
});
const note: Decider<CommandOf<typeof TakeNote>, EventOf<typeof Noted>, boolean> = {
  initialState: () => false,
  evolve: () => true,
  decide(command, taken) {
    if (taken) throw new DomainError('NOTE_EXISTS', `Note ${command.data.noteId} exists`);
    return { type: 'notes.Noted', data: command.data };
  },
};
interface NoteView extends Record<string, unknown> {
  readonly text: string;
  readonly words: number;
}
const GetNote = defineQuery({
  name: 'notes.GetNote',
  params: Type.Object({ noteId: Type.String() }),
  result: Type.Object({ text: Type.String(), words: Type.Integer() }),
  projections: ['notes.notes'],
  handler: (views, { noteId }) => views.of('notes.notes').collection<NoteView>('notes').get(noteId),
});
const notes = defineApp({
  name: 'notes',
  messages: [Noted, TakeNote],
  commandHandlers: [
    defineCommandHandler({
      commands: [TakeNote],
      decider: note,
      streamId: (command) => `note-${command.data.noteId}`,
    }),
  ],
  // Not inline: a query right after a command sees it only by waiting for its position.
  projections: [
    defineProjection({
      name: 'notes.notes',
      version: 1,
      events: [Noted],
      handlers: {
        'notes.Noted': (event, views) =>
          views.collection<NoteView>('notes').insert(event.data.noteId, {
            text: event.data.text,
            words: event.data.text.split(' ').length,
          }),
      },
    }),
  ],
  queries: [GetNote],
});

const take = (noteId: string, text: string) => commandRequest(TakeNote, { noteId, text });

describe('HTTP specifications', () => {
  const given = httpSpec(notes);
  afterAll(() => given.close());

  it('passes when the response has the expected status, body fields and headers', async () => {
    await given([])
      .when(take('n1', 'hello there'))
      .then({
        status: 200,
        body: { streamId: 'note-n1', version: 1, events: [{ type: 'notes.Noted' }] },
        headers: { 'content-type': /^application\/json/ },
      });
    await given([take('n1', 'hello there')])
      .when(queryRequest(GetNote, { noteId: 'n1' }))
      .then({ status: 200, body: { words: 2 } });
    await given([take('n1', 'hello')])
      .when(take('n1', 'again'))
      .then({ status: 422, body: { code: 'NOTE_EXISTS' } });
  });

  it('checks the events a command appended, as stored', async () => {
    await given([])
      .when(take('n1', 'hello'))
      .then({ status: 200, events: [{ type: 'notes.Noted', data: { text: 'hello' } }] });
    await expect(
      given([])
        .when(take('n1', 'hello'))
        .then({ status: 200, events: [{ type: 'notes.Noted', data: { text: 'bye' } }] }),
    ).rejects.toThrow(/POST \/commands\/notes\.TakeNote: the events appended differ/);
    await expect(
      given([take('n1', 'hello')])
        .when(take('n1', 'again'))
        .then({ status: 422, events: [{ type: 'notes.Noted' }] }),
    ).rejects.toThrow(AssertionError);
  });

  it('starts each case on an empty store', async () => {
    await given([])
      .when(queryRequest(GetNote, { noteId: 'n1' }))
      .then({ status: 404 });
  });

  it('fails naming the request and showing the response on another status', async () => {
    const failure = await given([])
      .when(take('n1', ''))
      .then({ status: 200 })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AssertionError);
    expect((failure as Error).message).toMatch(
      /^POST \/commands\/notes\.TakeNote: expected status 200, got 400 \{.*"\/text"/,
    );
  });

  it('fails on a body field or a header that differs', async () => {
    await expect(
      given([take('n1', 'hello there')])
        .when(queryRequest(GetNote, { noteId: 'n1' }))
        .then({ status: 200, body: { words: 3 } }),
    ).rejects.toThrow(/GET \/queries\/notes\.GetNote\?noteId=n1: the body differs/);
    await expect(
      given([])
        .when(take('n1', 'hello'))
        .then({ status: 200, headers: { 'idempotent-replayed': 'true' } }),
    ).rejects.toThrow(/header idempotent-replayed is undefined, expected true/);
  });

  it('fails when a given request does not succeed', async () => {
    await expect(
      given([take('n1', 'hello'), take('n1', 'again')])
        .when(queryRequest(GetNote, { noteId: 'n1' }))
        .then({ status: 200 }),
    ).rejects.toThrow(/given request #2 \(POST \/commands\/notes\.TakeNote\) failed: 422/);
  });
});
