import { describe, expect, it } from "vitest";
import { decimalString, numberToDecimal } from "../../src/domain/signal.js";

// JSON numbers in internal signals, ccxt candles and built-in strategies' bar prices arrive as
// floats; each becomes the shortest decimal text that reads back as the same float.
describe("numberToDecimal", () => {
  it("keeps ordinary numbers as JavaScript prints them", () => {
    expect(numberToDecimal(64000.12)).toBe("64000.12");
    expect(numberToDecimal(0.1)).toBe("0.1");
    expect(numberToDecimal(0.000001)).toBe("0.000001");
  });

  it("writes exponent numbers out with every digit", () => {
    expect(numberToDecimal(1.5e-7)).toBe("0.00000015");
    expect(numberToDecimal(1.234567890123456e-7)).toBe("0.0000001234567890123456");
    expect(numberToDecimal(2.5e21)).toBe("2500000000000000000000");
  });

  it("lets the schema accept what it writes out and refuse what is not a number", () => {
    expect(decimalString.parse(3.0000000000000004e-9)).toBe("0.0000000030000000000000004");
    expect(decimalString.parse(1e21)).toBe("1000000000000000000000");
    expect(decimalString.safeParse(Number.NaN).success).toBe(false);
    expect(decimalString.safeParse(-1e-9).success).toBe(false);
  });
});
