/**
 * The formats Django checks, with Django's rules rather than the JSON Schema ones: an address
 * JSON Schema accepts may still be refused by the server, and the other way round.
 */

const DOT_ATOM = /^[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*$/i;
const QUOTED_USER = /^"(?:[\x01-\x08\x0b\x0c\x0e-\x1f!#-[\]-\x7f]|\\[\x01-\x09\x0b\x0c\x0e-\x7f])*"$/i;
const DOMAIN = /^(?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+[A-Z0-9-]{2,63}$/i;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Django's EmailValidator: dot-atom or quoted local part; a dotted domain, `localhost` or `[IP]`. */
export function isValidEmail(value: string): boolean {
  if (value.length > 320 || !value.includes('@')) return false;
  const at = value.lastIndexOf('@');
  const user = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (!DOT_ATOM.test(user) && !QUOTED_USER.test(user)) return false;
  if (domain === 'localhost') return true;
  if (DOMAIN.test(domain) && !domain.endsWith('-')) return true;
  if (domain.startsWith('[') && domain.endsWith(']')) {
    const literal = domain.slice(1, -1);
    return IPV4.test(literal) || (literal.toLowerCase().startsWith('ipv6:') && isIpv6(literal.slice(5)));
  }
  // Internationalised domains are checked after IDNA encoding, which URL does for us.
  if (/[^\x00-\x7f]/.test(domain)) {
    try {
      return DOMAIN.test(new URL(`http://${domain}`).hostname);
    } catch {
      return false;
    }
  }
  return false;
}

function isIpv6(text: string): boolean {
  try {
    return new URL(`http://[${text}]`).hostname.length > 2;
  } catch {
    return false;
  }
}

/** Django's URLValidator: http, https, ftp or ftps, a host that is a domain, IP or localhost. */
export function isValidUrl(value: string): boolean {
  if (/\s/.test(value) || value.length > 2048) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (!['http:', 'https:', 'ftp:', 'ftps:'].includes(url.protocol)) return false;
  const host = url.hostname;
  if (host === 'localhost' || IPV4.test(host) || (host.startsWith('[') && host.endsWith(']'))) return true;
  return DOMAIN.test(host.replace(/\.$/, ''));
}
