import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/lib/logger.js";

/** A pino logger whose output is kept in memory, to assert on what would have reached the log. */
export class LogCapture {
  private readonly chunks: string[] = [];
  readonly logger: Logger;

  constructor(level = "info") {
    const chunks = this.chunks;
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString("utf8"));
        callback();
      },
    });
    this.logger = createLogger(level, stream);
  }

  text(): string {
    return this.chunks.join("");
  }

  lines(): Array<Record<string, unknown>> {
    return this.text()
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  requestLines(): Array<Record<string, unknown>> {
    return this.lines().filter((l) => l.msg === "request");
  }
}
