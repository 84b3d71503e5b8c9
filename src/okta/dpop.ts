import { generateKeyPair, generateProof, type KeyPair } from 'dpop';

/**
 * DPoP proofs (RFC 9449) for an OAuth service app's calls: a key pair made for this process (never
 * written anywhere), one proof per request. Okta requires DPoP for new API service apps by default:
 * https://developer.okta.com/docs/guides/dpop/nonoktaresourceserver/main/ and
 * https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/.
 * The proofs come from the `dpop` library (RFC 9449 by the author of `jose`); only `htu` is ours.
 */

// Encodings that would change the URL's structure if decoded: "/", "?", "#" and "%" itself.
const STRUCTURAL = /(%2[Ff]|%3[Ff]|%23|%25)/;

/**
 * The `htu` of a request: scheme, host and path, without query and fragment (RFC 9449 §4.2), with
 * the path's percent-encodings decoded. The SDK sends a login in a path as `ada%40acme.example`;
 * Okta compares `htu` with the decoded path, so a proof that keeps `%40` is refused with
 * invalid_dpop_proof (okta-sdk-nodejs issues #424, #521). Encodings of "/", "?", "#" and "%" stay.
 */
export function dpopHtu(url: string): string {
  const u = new URL(url);
  const path = u.pathname
    .split(STRUCTURAL)
    .map((part, i) => (i % 2 === 1 ? part.toUpperCase() : decodeSafely(part)))
    .join('');
  return `${u.origin}${path}`;
}

function decodeSafely(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export class DpopSigner {
  private constructor(private readonly keys: KeyPair) {}

  /** ES256: small and fast; the key is not extractable. */
  static async create(): Promise<DpopSigner> {
    return new DpopSigner(await generateKeyPair('ES256'));
  }

  /** A proof for one request (`accessToken` binds it to the token through `ath`). */
  proof(method: string, url: string, nonce: string | null, accessToken?: string): Promise<string> {
    return generateProof(this.keys, dpopHtu(url), method.toUpperCase(), nonce ?? undefined, accessToken);
  }
}
