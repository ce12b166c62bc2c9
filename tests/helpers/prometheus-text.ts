/** One sample line of the Prometheus text exposition format. */
export type Sample = { name: string; labels: Record<string, string>; value: number };

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/gy;

/** Parses every sample line; throws on a line that is neither a sample, a comment nor blank. */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const [, name, rawLabels, rawValue] = match as unknown as [string, string, string | undefined, string];
    const labels: Record<string, string> = {};
    if (rawLabels) {
      LABEL.lastIndex = 0;
      let consumed = 0;
      for (let m = LABEL.exec(rawLabels); m; m = LABEL.exec(rawLabels)) {
        labels[m[1] as string] = m[2] as string;
        consumed = LABEL.lastIndex;
      }
      if (consumed !== rawLabels.length) throw new Error(`unreadable labels: ${line}`);
    }
    const value = parseValue(rawValue);
    if (value === undefined) throw new Error(`unreadable value: ${line}`);
    samples.push({ name, labels, value });
  }
  return samples;
}

// Go's ParseFloat, which Prometheus reads values with, takes NaN and Inf in any case; prom-client writes "Nan".
function parseValue(text: string): number | undefined {
  const special: Record<string, number> = { nan: NaN, "+inf": Infinity, inf: Infinity, "-inf": -Infinity };
  const lower = text.toLowerCase();
  if (lower in special) return special[lower];
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
}

/** The samples named `name` whose labels include every one of `labels`. */
export function samplesOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** A counter's value for exactly these labels; a series not exposed yet counts as 0. */
export function counterValue(samples: readonly Sample[], name: string, labels: Record<string, string>): number {
  const exact = samplesOf(samples, name, labels).filter((s) => Object.keys(s.labels).length === Object.keys(labels).length);
  if (exact.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${exact.length} series`);
  return exact[0]?.value ?? 0;
}
