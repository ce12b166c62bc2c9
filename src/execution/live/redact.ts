/**
 * Makes venue error text safe to store, log or return (invariant 8). ccxt messages embed the
 * request URL, and a signed GET carries `timestamp=…&signature=…` in its query; a venue may also echo
 * parameters. Every query string is dropped, any `signature=`/`apiKey=`-like pair left over is
 * masked, and the account's own credentials are replaced wherever they occur verbatim.
 */
const QUERY = /\?[^\s"'<>]*/g;
const SECRET_PAIR = /\b(signature|apikey|api_key|secret|x-mbx-apikey|timestamp|recvwindow)=[^\s&"'<>]*/gi;
const MAX_DETAIL = 500;

export function redactVenueText(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(QUERY, "?[redacted]").replace(SECRET_PAIR, "$1=[redacted]");
  for (const secret of secrets) {
    // Short strings would mask ordinary words; real credentials are long.
    if (secret && secret.length >= 6) out = out.split(secret).join("[redacted]");
  }
  return out.length > MAX_DETAIL ? `${out.slice(0, MAX_DETAIL)}…` : out;
}
