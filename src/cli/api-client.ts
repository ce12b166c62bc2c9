import { CliError } from "./args.js";

/** A problem+json answer from the gateway, shown as one line: its code, detail and field errors. */
export class ApiProblemError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(`${code} (${status}): ${detail}`);
    this.name = "ApiProblemError";
  }
}

export type ApiClient = {
  readonly baseUrl: string;
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
};

type Problem = { code?: unknown; detail?: unknown; title?: unknown; errors?: Array<{ path?: unknown; message?: unknown }> };

const TIMEOUT_MS = 60_000;

/** The REST API with a bearer key. The key goes into the Authorization header and nowhere else. */
export function createApiClient(options: { baseUrl: string; apiKey: string; fetch?: typeof fetch }): ApiClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? fetch;

  const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await doFetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${options.apiKey}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw unreachable(baseUrl, err);
    }
    const text = await res.text();
    if (res.ok) return (text ? JSON.parse(text) : null) as T;
    throw problemError(res.status, text);
  };

  return {
    baseUrl,
    get: (path, query = {}) => {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
      const qs = params.toString();
      return request("GET", qs ? `${path}?${qs}` : path);
    },
    post: (path, body) => request("POST", path, body),
    put: (path, body) => request("PUT", path, body),
  };
}

function unreachable(baseUrl: string, err: unknown): CliError {
  const e = err as { name?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError") return new CliError(`no answer from the gateway at ${baseUrl} within ${TIMEOUT_MS / 1000} s`);
  const why = e?.cause?.code ?? e?.cause?.message ?? (err as Error)?.message ?? String(err);
  return new CliError(`cannot reach the gateway at ${baseUrl} (${why}); is it running? Set --url or SIGNAL_GATEWAY_URL`);
}

function problemError(status: number, text: string): CliError {
  let problem: Problem | undefined;
  try {
    problem = JSON.parse(text) as Problem;
  } catch {
    problem = undefined;
  }
  if (!problem || typeof problem.code !== "string") return new ApiProblemError(status, `HTTP_${status}`, "the gateway answered without a problem document");
  const fields = (problem.errors ?? []).map((e) => `${String(e.path ?? "")}: ${String(e.message ?? "")}`);
  const detail = String(problem.detail ?? problem.title ?? "");
  // One line even when a detail or a field message carries a newline.
  const line = (fields.length > 0 ? `${detail} (${fields.join("; ")})` : detail).replace(/\s*\n\s*/g, " ");
  return new ApiProblemError(status, problem.code, line);
}
