import { Type } from 'typebox';

const Server = Type.String({ pattern: '^(nats|tls|ws|wss)://' });

/**
 * The `nats` section: set (by `NATS_URL` or the config file's `nats.servers`), it turns the bus
 * forwarder on. Stream settings are the config file's; see the README's configuration table.
 */
export const NatsConfigSchema = Type.Object(
  {
    servers: Type.Array(Server, { minItems: 1 }),
    /** First subject token(s); default `strata`. */
    prefix: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$' })),
    stream: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
          maxAgeMs: Type.Optional(Type.Integer({ minimum: 0 })),
          duplicateWindowMs: Type.Optional(Type.Integer({ minimum: 1 })),
          maxMsgSize: Type.Optional(Type.Integer({ minimum: 1024 })),
          replicas: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Most publishes awaiting their ack at once. */
    window: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_536 })),
  },
  { additionalProperties: false },
);

/**
 * The `nats` section after `NATS_URL` (comma-separated URLs) is laid over the file's: the
 * environment names the servers, the file keeps the stream settings.
 */
export function natsSettings(fileNats: unknown, natsUrl: string | undefined): unknown {
  if (natsUrl === undefined || natsUrl.trim() === '') return fileNats;
  const servers = natsUrl
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  const base = typeof fileNats === 'object' && fileNats !== null ? fileNats : {};
  return { ...base, servers };
}
