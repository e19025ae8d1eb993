/**
 * Preload for child processes in tests (`NODE_OPTIONS=--import <this file>`): every TCP/TLS
 * connection to a host other than 127.0.0.1 / ::1 / localhost is refused before it is made, and
 * its host is appended to the file named by FLOTILLA_TEST_NET_LOG, so a test can assert that
 * the program under test never tried to leave the machine (e.g. DefaultAzureCredential probing
 * IMDS at 169.254.169.254). Unix sockets are allowed.
 */
import { appendFileSync } from "node:fs";
import net from "node:net";

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost", "[::1]"]);
const log = process.env.FLOTILLA_TEST_NET_LOG;
const connect = net.Socket.prototype.connect;

net.Socket.prototype.connect = function guardedConnect(...args) {
  // net.connect() passes [options, callback] as one normalised array.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  let host;
  let path;
  if (typeof first === "object" && first !== null) {
    host = first.host ?? "localhost";
    path = first.path;
  } else if (typeof first === "number") {
    host = typeof args[1] === "string" ? args[1] : "localhost";
  } else if (typeof first === "string") {
    path = first;
  }
  // http/https pass `path: null` for TCP; only a non-empty string is a Unix socket path.
  const pipe = typeof path === "string" && path !== "";
  if (!pipe && host !== undefined && !LOOPBACK.has(host)) {
    if (log) appendFileSync(log, `${host}\n`);
    throw new Error(`loopback-only.mjs: refused a connection to ${host}`);
  }
  return connect.apply(this, args);
};
