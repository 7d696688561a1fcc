// An app for `strata serve --app`: devpie plus a reactor that never finishes handling a
// registered user, so stopping the server hangs until its time limit ends the process.
import { devpie } from '../../examples/devpie/app.js';
import { identityEvents } from '../../examples/devpie/identity/index.js';
import { defineApp, defineReactor } from '../../src/index.js';

const neverDone = defineReactor({
  name: 'test.never-done',
  events: identityEvents.filter((event) => event.name === 'identity.UserRegistered'),
  handle: () => {
    process.stdout.write('never-done: handling\n');
    return new Promise<void>(() => undefined);
  },
});

export const app = defineApp({ ...devpie, reactors: [...(devpie.reactors ?? []), neverDone] });
