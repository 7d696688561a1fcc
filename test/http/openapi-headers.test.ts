import { describe, expect, it } from 'vitest';

import { useDevpieGateway, type Operation } from './devpie-gateway.js';

/** Whether header text is valid under the (string or integer) schema the document gives. */
function conforms(schema: Record<string, unknown>, text: string): boolean {
  const {
    type,
    minLength = 0,
    maxLength = Infinity,
    pattern,
    minimum,
    maximum,
  } = schema as {
    type: string;
    minLength?: number;
    maxLength?: number;
    pattern?: string;
    minimum?: number;
    maximum?: number;
  };
  if (type === 'integer') {
    if (!/^-?\d+$/.test(text)) return false;
    const value = Number(text);
    return value >= (minimum ?? -Infinity) && value <= (maximum ?? Infinity);
  }
  if (text.length < minLength || text.length > maxLength) return false;
  return pattern === undefined || new RegExp(pattern, 'u').test(text);
}

function parameterSchema(operation: Operation | undefined, name: string) {
  const parameter = operation?.parameters?.find((candidate) => candidate.name === name);
  if (parameter === undefined) throw new Error(`${name} is not documented`);
  return parameter.schema;
}

let users = 0;
const register = () => {
  users += 1;
  return { userId: `u${users}`, email: `u${users}@example.com`, name: `User ${users}` };
};

describe('the parameters and headers the OpenAPI document gives are the ones the server enforces', () => {
  const gateway = useDevpieGateway();

  async function command(headers: Record<string, string>) {
    const response = await gateway().app.inject({
      method: 'POST',
      url: '/commands/identity.RegisterUser',
      headers,
      payload: register(),
    });
    return { status: response.statusCode, body: response.json<{ code?: string }>(), response };
  }

  async function commandOperation() {
    return (await gateway().document()).paths['/commands/identity.RegisterUser']?.post;
  }

  it.each(['0', '3', '"3"', '"3', 'W/"3"', 'abc', '-1', '3.0', '123456789012345', '1'.repeat(16)])(
    'agrees on If-Match: %s',
    async (value) => {
      const schema = parameterSchema(await commandOperation(), 'If-Match');
      const { status, body } = await command({ 'if-match': value });
      const refused = status === 400 && body.code === 'INVALID_PARAMETER';
      expect(refused).toBe(!conforms(schema, value));
    },
  );

  it.each([0, 1, 8, 200, 201, 1000])('agrees on an Idempotency-Key of %i characters', async (n) => {
    const schema = parameterSchema(await commandOperation(), 'Idempotency-Key');
    const value = `k${String(n)}-`.padEnd(n, 'x').slice(0, n);
    const { status, body } = await command({ 'idempotency-key': value });
    const refused = status === 400 && body.code === 'INVALID_PARAMETER';
    expect(refused).toBe(!conforms(schema, value));
  });

  it('sends Idempotent-Replayed as documented on the answer to a repeated key', async () => {
    const operation = await commandOperation();
    expect(operation?.responses['200']?.headers).toHaveProperty('Idempotent-Replayed');
    const payload = register();
    const send = () =>
      gateway().app.inject({
        method: 'POST',
        url: '/commands/identity.RegisterUser',
        headers: { 'idempotency-key': `replay-${payload.userId}` },
        payload,
      });
    const first = await send();
    const again = await send();
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it.each(['1', '0', '-1', 'abc', '1.5', '999999999999999', '1000000000000000'])(
    'agrees on Strata-Min-Position and minPosition: %s',
    async (value) => {
      await command({});
      const operation = (await gateway().document()).paths['/queries/identity.GetUser']?.get;
      for (const [name, request] of [
        ['Strata-Min-Position', { headers: { 'strata-min-position': value } }],
        ['minPosition', { query: { minPosition: value } }],
      ] as const) {
        const response = await gateway().app.inject({
          method: 'GET',
          url: '/queries/identity.GetUser',
          query: { userId: 'u1', ...('query' in request ? request.query : {}) },
          ...('headers' in request ? { headers: request.headers } : {}),
        });
        const valid = conforms(parameterSchema(operation, name), value);
        const invalidParameter =
          response.statusCode === 400 &&
          response.json<{ code: string }>().code === 'INVALID_PARAMETER';
        if (valid) expect(invalidParameter, name).toBe(false);
        else expect(response.statusCode, name).toBe(400);
      }
    },
  );

  it.each([
    ['/events', 'limit'],
    ['/streams/{id}', 'limit'],
    ['/streams/{id}', 'from'],
  ])('agrees on the bounds of %s?%s', async (path, name) => {
    await command({});
    const schema = parameterSchema((await gateway().document()).paths[path]?.get, name);
    const { minimum, maximum } = schema as { minimum: number; maximum: number };
    for (const value of [minimum - 1, minimum, maximum, maximum + 1].map(String)) {
      const response = await gateway().app.inject({
        method: 'GET',
        url: path.replace('{id}', 'user-u1'),
        query: { [name]: value },
      });
      const refused =
        response.statusCode === 400 &&
        response.json<{ code: string }>().code === 'INVALID_PARAMETER';
      expect(refused, `${name}=${value}`).toBe(!conforms(schema, value));
    }
  });
});
