/**
 * Plain http is accepted only for a simulator on this machine. The host must be a loopback address
 * *literally*: a name such as `127.evil.test` or `localhost.evil.test` is resolved by DNS and may
 * point anywhere, so it would send the token in clear text to whoever answers.
 * WHATWG URL parsing has already made every IPv4 form canonical (`127.1`, `2130706433` →
 * `127.0.0.1`), so the dotted-quad test below sees only real addresses.
 */
const IPV4_LOOPBACK = /^127\.(25[0-5]|2[0-4]\d|1?\d?\d)\.(25[0-5]|2[0-4]\d|1?\d?\d)\.(25[0-5]|2[0-4]\d|1?\d?\d)$/;

/** `hostname` as `new URL(...).hostname` gives it (IPv6 in brackets). */
export function isLiteralLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || IPV4_LOOPBACK.test(hostname);
}
