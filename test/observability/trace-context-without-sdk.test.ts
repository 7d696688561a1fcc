import { expect, it } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createSystem } from '../../src/app/index.js';
import { buildGateway } from '../../src/http/index.js';
import { strataTracer } from '../../src/observability/index.js';
import { memoryPgliteDriver } from '../support/memory-pglite.js';

it("carries the caller's trace into the event's metadata when no OpenTelemetry SDK is set up", async () => {
  // No SDK in this file's process: Strata's spans do not record.
  const probe = strataTracer.startSpan('probe');
  expect(probe.isRecording()).toBe(false);
  probe.end();

  const system = await createSystem({ app: devpie, driver: await memoryPgliteDriver() });
  const http = await buildGateway({ system });
  try {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const response = await http.inject({
      method: 'POST',
      url: '/commands/identity.RegisterUser',
      headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` },
      payload: { userId: 'ada', email: 'ada@example.com', name: 'Ada' },
    });
    expect(response.statusCode).toBe(200);
    const [event] = await system.store.readStream('user-ada');
    expect(event?.metadata.traceparent).toBe(`00-${traceId}-b7ad6b7169203331-01`);

    // Without a traceparent there is no trace to carry, and nothing is made up.
    await http.inject({
      method: 'POST',
      url: '/commands/identity.RegisterUser',
      payload: { userId: 'bob', email: 'bob@example.com', name: 'Bob' },
    });
    const [bob] = await system.store.readStream('user-bob');
    expect(bob?.metadata.traceparent).toBeUndefined();
  } finally {
    await http.close();
    await system.stop();
  }
});
