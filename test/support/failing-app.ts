// An app for `strata serve --app` and in-process tests: devpie plus a projection and a reactor
// whose handlers always fail on a registered user, so both retry, then park the event.
import { devpie } from '../../examples/devpie/app.js';
import { identityEvents } from '../../examples/devpie/identity/index.js';
import { defineApp, defineProjection, defineReactor } from '../../src/index.js';

const userRegistered = identityEvents.filter((event) => event.name === 'identity.UserRegistered');

/** Fails on every event; two quick attempts before the event is parked. */
export const failingProjection = defineProjection({
  name: 'test.failing',
  version: 1,
  events: userRegistered,
  retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
  handlers: {
    'identity.UserRegistered': () => {
      throw new Error('the projection handler broke');
    },
  },
});

const failingReactor = defineReactor({
  name: 'test.failing',
  events: userRegistered,
  handle: () => Promise.reject(new Error('the reactor broke')),
});

export const app = defineApp({
  ...devpie,
  projections: [...(devpie.projections ?? []), failingProjection],
  reactors: [...(devpie.reactors ?? []), failingReactor],
});
