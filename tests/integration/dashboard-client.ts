import { expect } from "vitest";
import type { TestApp } from "../helpers/harness.js";

/**
 * A cookie-less HTTP client for the dashboard tests: every cookie is passed by hand and redirects are
 * not followed, so each test sees exactly what the server set and where it sent the browser.
 */
export type Reply = { status: number; location: string | null; setCookies: string[]; headers: Headers; text: string };

async function reply(res: Response): Promise<Reply> {
  return { status: res.status, location: res.headers.get("location"), setCookies: res.headers.getSetCookie(), headers: res.headers, text: await res.text() };
}

export function dashboardClient(t: TestApp) {
  const get = async (path: string, cookie?: string, headers: Record<string, string> = {}) =>
    reply(await fetch(t.baseUrl + path, { redirect: "manual", headers: { ...headers, ...(cookie ? { cookie } : {}) } }));

  const post = async (path: string, fields: Record<string, string>, cookie?: string, headers: Record<string, string> = {}) =>
    reply(
      await fetch(t.baseUrl + path, {
        method: "POST",
        redirect: "manual",
        body: new URLSearchParams(fields),
        headers: { ...headers, ...(cookie ? { cookie } : {}) },
      }),
    );

  /** Logs in with `key` and returns the `name=value` of the session cookie, failing the test otherwise. */
  const login = async (key: string): Promise<string> => {
    const res = await post("/dashboard/login", { key });
    expect(res.status, res.text).toBe(303);
    const cookie = sessionCookieOf(res);
    expect(cookie).toBeDefined();
    return cookie as string;
  };

  /** The page, and the CSRF token its forms carry. */
  const page = async (cookie: string): Promise<{ html: string; csrf: string }> => {
    const res = await get("/dashboard", cookie);
    expect(res.status).toBe(200);
    return { html: res.text, csrf: csrfOf(res.text) };
  };

  return { get, post, login, page };
}

/** `sg_dashboard=<id>` from a response's Set-Cookie headers, unless the cookie was being cleared. */
export function sessionCookieOf(res: Reply): string | undefined {
  const header = res.setCookies.find((c) => c.startsWith("sg_dashboard=") && !/max-age=0/i.test(c));
  return header?.split(";")[0];
}

export function csrfOf(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  expect(match, "the page carries a CSRF token").not.toBeNull();
  return match?.[1] as string;
}

export async function restTradingState(t: TestApp) {
  const res = await t.http.get("/v1/trading-state").set(t.auth());
  expect(res.status).toBe(200);
  return res.body as { state: string; reason: string; changedBy: string | null };
}
