import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';

import { useDevpieGateway } from './devpie-gateway.js';

describe('the OpenAPI document under a linter', () => {
  const gateway = useDevpieGateway();

  it("has no error and no warning under Redocly's recommended rules", async () => {
    const response = await gateway().app.inject({ method: 'GET', url: '/openapi.json' });
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: response.body,
      absoluteRef: '/openapi.json',
      config,
    });
    const found = problems.map(
      (problem) =>
        `${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location[0]?.pointer ?? '?'}`,
    );
    expect(found).toEqual([]);
  });

  it('finds the errors it is there to find', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const broken = JSON.stringify({ openapi: '3.1.0', info: { title: 'x' }, paths: {} });
    const problems = await lintFromString({ source: broken, absoluteRef: '/broken.json', config });
    expect(problems.filter((problem) => problem.severity === 'error')).not.toEqual([]);
  });
});
