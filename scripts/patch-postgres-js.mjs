// Runs after `npm install` / `npm ci` (package.json "postinstall"): repairs postgres.js 3.4.9's
// write scheduler in node_modules, which has no fixed release yet (porsager/postgres#1208, #1154).
//
// postgres.js defers a small write to a setImmediate. When the connection closes first:
// - closed() and terminate() cancel that immediate but leave `nextWriteTimer` set and the bytes
//   in `chunk`. Every later write on that connection object, the reconnect's startup message
//   included, is then appended to `chunk` and never sent, so its queries wait forever;
// - a write made after the close (a transaction's ROLLBACK) schedules an immediate that finds
//   no socket and throws where nothing can catch it, which ends the process.
// The database outage drill (tests/integration/drill-db-outage.test.ts) hits both: the gateway
// exited, or its signal workers stalled on such connections after the database came back.
//
// The repair: teardown forgets the pending write (its queries were already rejected as closed),
// and a write with no socket rejects its queries as closed instead of throwing.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const MARK = "/* signal-gateway: write-scheduler repair */";
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "postgres");

const edits = [
  {
    find: "  function nextWrite(fn) {\n",
    replace:
      "  function nextWrite(fn) {\n" +
      `    ${MARK}\n` +
      "    if (!socket) {\n" +
      "      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n" +
      "      chunk = nextWriteTimer = null\n" +
      "      error(Errors.connection('CONNECTION_CLOSED', options))\n" +
      "      return true\n" +
      "    }\n",
  },
  {
    find: "    clearImmediate(nextWriteTimer)\n    if (socket) {\n",
    replace: "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {\n",
  },
  {
    find: "    clearImmediate(nextWriteTimer)\n    socket.removeListener('data', data)\n",
    replace: "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    socket.removeListener('data', data)\n",
  },
];

if (!existsSync(root)) process.exit(0);
const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
let failed = false;
for (const dir of ["src", "cjs/src", "cf/src"]) {
  const file = join(root, dir, "connection.js");
  if (!existsSync(file)) continue;
  let text = readFileSync(file, "utf8");
  if (text.includes(MARK)) continue;
  for (const { find, replace } of edits) {
    if (text.split(find).length !== 2) {
      failed = true;
      console.error(`patch-postgres-js: postgres ${version} ${dir}/connection.js does not read as expected; not repaired`);
      break;
    }
    text = text.replace(find, replace);
  }
  if (!failed) writeFileSync(file, text);
}
// On the version this repair was written for, a mismatch means the install is not what we test.
if (failed && version === "3.4.9") process.exit(1);
