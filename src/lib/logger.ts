import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

/**
 * Keys whose values are secrets wherever they appear in a logged object, one or two levels deep.
 * Request lines never carry headers or bodies; this is the second line of defence.
 */
const SECRET_KEYS = [
  "authorization",
  "Authorization",
  "cookie",
  "apiKey",
  "api_key",
  "API_KEY",
  "passphrase",
  "password",
  "secret",
  "token",
  "signature",
  "x-api-key",
  "webhook-signature",
  "DATABASE_URL",
  "databaseUrl",
];

export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => {
  const p = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
  const join = (prefix: string) => (p.startsWith("[") ? `${prefix}${p}` : `${prefix}.${p}`);
  return [p, join("*"), join("*.*"), join("req.headers")];
});

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "signal-gateway" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      serializers: { err: pino.stdSerializers.err },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
