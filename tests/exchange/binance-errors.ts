/** A Binance error body `{ code, msg }` with the HTTP status the real API sends it with. */
export class BinanceError extends Error {
  constructor(
    readonly code: number,
    readonly msg: string,
    readonly status = code === -2014 || code === -2015 ? 401 : 400,
  ) {
    super(msg);
  }

  body(): { code: number; msg: string } {
    return { code: this.code, msg: this.msg };
  }
}

export const insufficientBalance = () =>
  new BinanceError(-2010, "Account has insufficient balance for requested action.");
export const duplicateOrder = () => new BinanceError(-2010, "Duplicate order sent.");
export const unknownOrder = () => new BinanceError(-2011, "Unknown order sent.");
export const orderDoesNotExist = () => new BinanceError(-2013, "Order does not exist.");
export const invalidSymbol = () => new BinanceError(-1121, "Invalid symbol.");
export const filterFailure = (filter: string) => new BinanceError(-1013, `Filter failure: ${filter}`);
export const mandatoryParam = (name: string) =>
  new BinanceError(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
