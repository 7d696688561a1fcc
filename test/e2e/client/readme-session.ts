// The README's session through a client generated from the served OpenAPI document. The test
// (generated-client.e2e.test.ts) writes `api.d.ts` with openapi-typescript beside a copy of
// this file, compiles both strictly with tsc and runs the output against a `strata serve`;
// so this file is outside the project's own typecheck and lint. It prints what it saw as JSON.
import createClient from 'openapi-fetch';

import type { paths } from './api.js';

const baseUrl = process.argv[2];
if (baseUrl === undefined) throw new Error('usage: readme-session <base URL>');
const client = createClient<paths>({ baseUrl });

/** The answer of a call, or a thrown problem document: a failed step stops the session. */
function answered<Data>(step: string, result: { data?: Data; error?: unknown }): Data {
  if (result.data === undefined) throw new Error(`${step}: ${JSON.stringify(result.error)}`);
  return result.data;
}

const registerUser = {
  body: { userId: 'ada', email: 'ada@example.com', name: 'Ada Lovelace' },
  params: { header: { 'Idempotency-Key': 'register-ada' } },
};
const registered = answered(
  'RegisterUser',
  await client.POST('/commands/identity.RegisterUser', registerUser),
);
const repeated = await client.POST('/commands/identity.RegisterUser', registerUser);

const created = answered(
  'CreateProject',
  await client.POST('/commands/projects.CreateProject', {
    body: { projectId: 'apollo', ownerId: 'ada', name: 'Apollo' },
  }),
);
answered(
  'AddTask',
  await client.POST('/commands/projects.AddTask', {
    body: { projectId: 'apollo', taskId: 'design', title: 'Design the lander' },
    params: { header: { 'If-Match': String(created.version) } },
  }),
);
const estimated = answered(
  'EstimateTask',
  await client.POST('/commands/estimation.EstimateTask', {
    body: { projectId: 'apollo', taskId: 'design', points: 8 },
  }),
);
if (estimated.position === null) throw new Error('EstimateTask appended no event');

// Read your writes: the query waits until its read model has the estimate.
const project = answered(
  'GetProject',
  await client.GET('/queries/projects.GetProject', {
    params: {
      query: { projectId: 'apollo' },
      header: { 'Strata-Min-Position': estimated.position },
    },
  }),
);
// The answer is typed by the query's declared result: these compile only if it is.
const total: number = project.totalEstimate;
const titles: string[] = project.tasks.map((task) => task.title);
// @ts-expect-error the declared result has no such field (the answer is not `any`)
void project.budget;

process.stdout.write(
  JSON.stringify({
    registered,
    replayed: repeated.response.headers.get('idempotent-replayed'),
    created,
    project,
    total,
    titles,
  }),
);
